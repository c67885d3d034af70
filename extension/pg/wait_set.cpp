#include "extension/pg/wait_set.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

WaitSet::WaitSet(int socket_fd) {
  set_ = call([socket_fd] {
    WaitEventSet* s = CreateWaitEventSet(TopMemoryContext, 3);
    AddWaitEventToSet(s, WL_LATCH_SET, PGINVALID_SOCKET, MyLatch, nullptr);
    AddWaitEventToSet(s, WL_EXIT_ON_PM_DEATH, PGINVALID_SOCKET, nullptr, nullptr);
    if (socket_fd >= 0) AddWaitEventToSet(s, WL_SOCKET_READABLE, socket_fd, nullptr, nullptr);
    return s;
  });
}

Wakeup WaitSet::wait(long timeout_ms) {
  WaitEventSet* set = set_;
  Wakeup w;
  call([set, timeout_ms, &w] {
    WaitEvent events[3];
    int n = WaitEventSetWait(set, timeout_ms, events, 3, PG_WAIT_EXTENSION);
    for (int i = 0; i < n; ++i) {
      if (events[i].events & WL_LATCH_SET) {
        ResetLatch(MyLatch);
        w.latch = true;
      } else if (events[i].events & WL_SOCKET_READABLE) {
        w.socket = true;
      }
    }
  });
  return w;
}

std::optional<std::string> absorb_interrupts() {
  try {
    call([] { CHECK_FOR_INTERRUPTS(); });
  } catch (const PgError& e) {
    return e.message;
  }
  return std::nullopt;
}

bool reload_config_if_requested() {
  if (!ConfigReloadPending) return false;
  ConfigReloadPending = false;
  call([] { ProcessConfigFile(PGC_SIGHUP); });
  return true;
}

}  // namespace pg_gateway::pg
