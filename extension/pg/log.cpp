#include "extension/pg/pg_api.hpp"

#include "extension/pg/log.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

namespace {

// elevel LOG or WARNING. errcode(0) is not allowed, so a line without a
// code gets PostgreSQL's default for its level.
void emit(int elevel, const LogEntry& entry) {
  const char* m = entry.message.c_str();
  const char* d = entry.detail.empty() ? nullptr : entry.detail.c_str();
  const char* h = entry.hint.empty() ? nullptr : entry.hint.c_str();
  int code = entry.sqlerrcode;
  bool bare = entry.message_only;
  try {
    call([elevel, m, d, h, code, bare] {
      ereport(elevel, (code ? errcode(code) : 0, errmsg_internal("%s", m),
                       d ? errdetail_internal("%s", d) : 0, h ? errhint("%s", h) : 0,
                       bare ? errhidestmt(true) : 0, bare ? errhidecontext(true) : 0));
    });
  } catch (...) {
    // Logging must never take a request down with it.
  }
}

}  // namespace

void log(const LogEntry& entry) { emit(LOG, entry); }
void warning(const LogEntry& entry) { emit(WARNING, entry); }

int sqlstate_code(const std::string& s) {
  if (s.size() != 5) return 0;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'))) return 0;
  return MAKE_SQLSTATE(s[0], s[1], s[2], s[3], s[4]);
}

}  // namespace pg_gateway::pg
