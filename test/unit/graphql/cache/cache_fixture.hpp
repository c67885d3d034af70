// The compat suite's catalog snapshot (test/unit/fixtures/compat_catalog.json)
// as a catalog the cache tests add @pgCacheControl tags and read-set facts
// to before building the schema from it.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/graphql/execution/request.hpp"

namespace pg_gateway::test {

class CacheCatalog {
 public:
  CacheCatalog() {
    std::ifstream in(std::string(PG_GATEWAY_SOURCE_DIR) +
                     "/test/unit/fixtures/compat_catalog.json");
    std::stringstream ss;
    ss << in.rdbuf();
    cat = catalog::from_reflection_json(ss.str());
    cat.schemas.push_back(catalog::Namespace{"app", {}});
  }

  catalog::Class& cls(const std::string& name) {
    for (catalog::Class& c : cat.classes)
      if (c.name == name) return c;
    ADD_FAILURE() << "no class " << name;
    return cat.classes.front();
  }
  catalog::Column& column(const std::string& table, const std::string& name) {
    for (catalog::Column& c : cls(table).columns)
      if (c.name == name) return c;
    ADD_FAILURE() << "no column " << table << "." << name;
    return cls(table).columns.front();
  }
  catalog::Function& fn(const std::string& name) {
    for (catalog::Function& f : cat.functions)
      if (f.name == name) return f;
    ADD_FAILURE() << "no function " << name;
    return cat.functions.front();
  }
  catalog::Type& type(const std::string& name) {
    for (catalog::Type& t : cat.types)
      if (t.name == name && t.kind == catalog::Type::Kind::kComposite) return t;
    ADD_FAILURE() << "no composite type " << name;
    return cat.types.front();
  }
  catalog::SmartTags& schema_tags(const std::string& name = "app") {
    for (catalog::Namespace& n : cat.schemas)
      if (n.name == name) return n.tags;
    cat.schemas.push_back(catalog::Namespace{name, {}});
    return cat.schemas.back().tags;
  }

  // Sets "@pgCacheControl <value>" in an object's tags (keeping the others,
  // replacing an earlier @pgCacheControl).
  static void tag(catalog::SmartTags& tags, const std::string& value) {
    std::erase_if(tags.tags, [](const auto& t) { return t.first == "pgCacheControl"; });
    tags.tags.push_back({"pgCacheControl", {}});
    if (!value.empty()) tags.tags.back().second.push_back(value);
  }

  std::shared_ptr<const graphql::exec::ServedSchema> serve() const {
    graphql::build::BuildOptions options;
    options.jwt_type = "app.jwt_token";
    return graphql::exec::ServedSchema::from_catalog(cat, options);
  }

  catalog::Catalog cat;
};

inline graphql::exec::PreparedRequest prepare_query(const graphql::exec::ServedSchema& schema,
                                                    const std::string& query,
                                                    int64_t default_max_age = 0,
                                                    const std::string& variables = "") {
  graphql::exec::RequestOptions options;
  options.cache_default_max_age = default_max_age;
  std::optional<json::Value> vars;
  if (!variables.empty()) vars = json::parse(variables).value;
  graphql::exec::PreparedRequest p = graphql::exec::prepare(
      schema, query, vars ? &*vars : nullptr, std::nullopt, options);
  EXPECT_FALSE(p.is_request_error())
      << query << ": " << (p.is_request_error() ? p.request_errors()[0].message : "");
  return p;
}

}  // namespace pg_gateway::test
