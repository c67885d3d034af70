#include "extension/pg/subtransaction.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

SubtransactionScope begin_subtransaction() {
  return pg::call([] {
    SubtransactionScope s{CurrentMemoryContext, CurrentResourceOwner};
    BeginInternalSubTransaction(nullptr);
    MemoryContextSwitchTo(s.context);
    return s;
  });
}

void end_subtransaction(SubtransactionScope s, bool commit) {
  pg::call([s, commit] {
    if (commit)
      ReleaseCurrentSubTransaction();
    else
      RollbackAndReleaseCurrentSubTransaction();
    MemoryContextSwitchTo(s.context);
    CurrentResourceOwner = s.owner;
  });
}

SavedUser enter_role(Oid role) {
  return pg::call([role] {
    SavedUser saved;
    GetUserIdAndSecContext(&saved.user, &saved.security_context);
    saved.guc_nest_level = NewGUCNestLevel();
    if (OidIsValid(role))
      SetUserIdAndSecContext(role, saved.security_context | SECURITY_LOCAL_USERID_CHANGE);
    return saved;
  });
}

void leave_role(SavedUser saved) {
  pg::call([saved] {
    AtEOXact_GUC(true, saved.guc_nest_level);
    SetUserIdAndSecContext(saved.user, saved.security_context);
  });
}

}  // namespace pg_gateway::pg
