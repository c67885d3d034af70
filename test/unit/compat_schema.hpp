// The GraphQL schema the compat suite's PostGraphile serves, built from
// our own reflection of test/graphql_compat/schema.sql
// (fixtures/compat_catalog.json, written by snapshot_catalog.py) with the
// JWT type graphile.config.mjs names. Built once per test binary.
#pragma once

#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "core/graphql/execution/request.hpp"

namespace pg_gateway::test {

inline const graphql::exec::ServedSchema& compat_schema() {
  static std::shared_ptr<const graphql::exec::ServedSchema> schema = [] {
    std::ifstream in(std::string(PG_GATEWAY_SOURCE_DIR) +
                     "/test/unit/fixtures/compat_catalog.json");
    std::stringstream ss;
    ss << in.rdbuf();
    graphql::build::BuildOptions options;
    options.jwt_type = "app.jwt_token";
    return graphql::exec::ServedSchema::from_reflection_json(ss.str(), options);
  }();
  return *schema;
}

}  // namespace pg_gateway::test
