// Subtransactions and user switches for SQL run on someone's behalf (a
// GraphQL field, a job's task): the pieces PL/pgSQL's exception blocks and
// SECURITY DEFINER functions are made of, as C++ calls behind pg::call.
#pragma once

#include "extension/pg/pg_api.hpp"

namespace pg_gateway::pg {

// Subtransaction boundaries, as PL/pgSQL's exception blocks draw them: the
// caller's memory context and resource owner are restored after each.
struct SubtransactionScope {
  MemoryContext context;
  ResourceOwner owner;
};

SubtransactionScope begin_subtransaction();
void end_subtransaction(SubtransactionScope s, bool commit);

// The user statements run as, and the one to go back to.
struct SavedUser {
  Oid user;
  int security_context;
  int guc_nest_level;
};

// As SECURITY DEFINER does, with SECURITY_LOCAL_USERID_CHANGE so that the
// SQL reached cannot SET ROLE out of it. Settings that SQL changes (SET
// LOCAL, set_config(..., true)) are undone by leave_role(), as a function's
// SET clause is undone on return: a job's task cannot leave a search_path
// or a statement_timeout behind for the superuser steps that follow it in
// the same transaction. An error before leave_role() leaves the restoring
// to the (sub)transaction abort.
SavedUser enter_role(Oid role);
void leave_role(SavedUser saved);

}  // namespace pg_gateway::pg
