// The relations a query's statement reads, for invalidating cached
// responses when one of them changes (the extension's table versions).
// The compiler fills it while it compiles (sql::Compiler::record_reads).
#pragma once
#include "core/core_zone.hpp"

#include <vector>

#include "core/catalog/catalog.hpp"

namespace pg_gateway::graphql::cache {

struct ReadSet {
  std::vector<catalog::Oid> relations;  // sorted, unique
  // Something read cannot be named: a non-IMMUTABLE function, a foreign
  // table, a view or policy that does either (Class::opaque_reads).
  bool opaque = false;

  // A relation placed in a FROM: itself, what it reads (Class::reads, and
  // theirs when the snapshot has them), and opaque when that is unknown.
  void add_relation(const catalog::Catalog& catalog, const catalog::Class& cls);
  // A function called: opaque unless IMMUTABLE.
  void add_function(const catalog::Function& fn);
  // Whether any relation read has row level security enabled.
  bool reads_row_security(const catalog::Catalog& catalog) const;

 private:
  bool insert(catalog::Oid oid);  // false when already present
};

}  // namespace pg_gateway::graphql::cache
