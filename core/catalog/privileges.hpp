// What the snapshot's role may do with a table, column or function, the way
// PostGraphile's RBAC plugin decides it (pg-introspection's
// entityPermissions with NOINHERIT memberships included): the schema only
// offers what that role, or any role it is a member of, or PUBLIC has been
// granted; superusers and owners without explicit ACL entries get all.
#pragma once
#include "core/core_zone.hpp"

#include "core/catalog/catalog.hpp"

namespace pg_gateway::catalog {

struct Privileges {
  bool select = false;
  bool insert = false;
  bool update = false;
  bool del = false;  // DELETE
  bool execute = false;
};

// Everything is granted when the snapshot has no privileges.
Privileges class_privileges(const Catalog& catalog, const Class& cls);
// The column's own ACL only (callers combine it with the table's).
Privileges column_privileges(const Catalog& catalog, const Class& cls, const Column& column);
Privileges function_privileges(const Catalog& catalog, const Function& function);

}  // namespace pg_gateway::catalog
