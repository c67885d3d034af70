#include "core/graphql/cache/read_set.hpp"

#include <algorithm>

namespace pg_gateway::graphql::cache {

// Kept sorted on every insert: read sets hold a handful of relations.
bool ReadSet::insert(catalog::Oid oid) {
  auto it = std::lower_bound(relations.begin(), relations.end(), oid);
  if (it != relations.end() && *it == oid) return false;
  relations.insert(it, oid);
  return true;
}

// The SQL side lists a view's reads transitively already; following the
// listed relations through the snapshot as well costs little and also
// covers a view over an RLS table whose policies read other relations. A
// relation already present has been expanded, which ends cycles.
void ReadSet::add_relation(const catalog::Catalog& catalog, const catalog::Class& cls) {
  std::vector<const catalog::Class*> pending{&cls};
  if (!insert(cls.oid)) return;
  while (!pending.empty()) {
    const catalog::Class* c = pending.back();
    pending.pop_back();
    if (c->opaque_reads || c->kind == catalog::Class::Kind::kForeignTable) opaque = true;
    for (catalog::Oid r : c->reads) {
      if (!insert(r)) continue;
      if (const catalog::Class* next = catalog.find_class(r)) pending.push_back(next);
    }
  }
}

// STABLE and VOLATILE functions may read any table (and VOLATILE ones
// anything at all); only IMMUTABLE ones are known to read nothing.
void ReadSet::add_function(const catalog::Function& fn) {
  if (fn.volatility != 'i') opaque = true;
}

// Relations the snapshot does not list (a view's base table in another
// schema) are not known to have RLS; the SQL side's reads cover policies.
bool ReadSet::reads_row_security(const catalog::Catalog& catalog) const {
  for (catalog::Oid oid : relations)
    if (const catalog::Class* c = catalog.find_class(oid); c && c->row_security) return true;
  return false;
}

}  // namespace pg_gateway::graphql::cache
