// libFuzzer target for the request path after validation: operation
// selection, variable coercion and the GraphQL -> SQL compiler
// (core/graphql/execution/request.cpp, core/graphql/sql), queries and
// mutations, on the compat catalog (test/unit/fixtures/compat_catalog.json)
// with its JWT type. The compiler decodes client data itself: global ids,
// cursors, interval and composite inputs, orderBy lists.
//
// The input is the document, then optionally a NUL byte and the variables
// (JSON). Besides memory safety (ASan/UBSan), it checks:
//   - every $n placeholder in every statement has a parameter (user values
//     reach SQL only as parameters, and none is missing);
//   - respond() writes a JSON object, whatever the statements returned:
//     all NULL, or an error for every field.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "core/graphql/execution/request.hpp"
#include "core/json/json_value.hpp"

#include "test/fuzz/fuzz_check.hpp"

using namespace pg_gateway;
namespace exec = pg_gateway::graphql::exec;

namespace {

std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

const exec::ServedSchema& compat() {
  static std::shared_ptr<const exec::ServedSchema> s = [] {
    std::ifstream in(source_root() / "test/unit/fixtures/compat_catalog.json");
    std::stringstream ss;
    ss << in.rdbuf();
    graphql::build::BuildOptions options;
    options.jwt_type = "app.jwt_token";
    return exec::ServedSchema::from_reflection_json(ss.str(), options);
  }();
  return *s;
}

// Every $n (outside quoted literals, which the compiler only writes from
// the catalog) is 1..params.
void check_placeholders(const exec::SqlStatement& st) {
  bool quoted = false;
  for (size_t i = 0; i < st.sql.size(); ++i) {
    char c = st.sql[i];
    if (c == '\'') quoted = !quoted;
    if (quoted || c != '$' || i + 1 >= st.sql.size() || st.sql[i + 1] < '0' || st.sql[i + 1] > '9')
      continue;
    size_t n = 0, j = i + 1;
    while (j < st.sql.size() && st.sql[j] >= '0' && st.sql[j] <= '9' && n < 100000)
      n = n * 10 + size_t(st.sql[j++] - '0');
    CHECK(n >= 1 && n <= st.params.size(), st.sql);
    CHECK(st.params.size() == st.param_types.size(), st.sql);
  }
}

void check_json(const std::string& body) {
  json::ParseResult r = json::parse(body);
  CHECK(r.ok() && r.value->is_object(), body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view query = input.substr(0, nul);
  std::optional<json::Value> variables;
  if (nul != std::string_view::npos)
    if (json::ParseResult v = json::parse(input.substr(nul + 1)); v.ok()) variables = *v.value;

  exec::RequestOptions options;
  options.issue_jwt = [](const json::Value& row) { return row.dump(); };
  exec::PreparedRequest p =
      exec::prepare(compat(), query, variables ? &*variables : nullptr, std::nullopt, options);
  size_t columns = 0;
  if (const exec::SqlStatement* st = p.statement()) {
    check_placeholders(*st);
    for (const exec::SqlStatement& one : p.field_statements()) check_placeholders(one);
    columns = p.field_statements().size();
  }
  std::vector<std::optional<exec::SqlError>> step_errors;
  for (const exec::MutationStep& step : p.mutation_steps()) {
    check_placeholders(step.action);
    if (step.payload) {
      check_placeholders(*step.payload);
      CHECK(!step.payload->params.empty(), step.payload->sql);  // $1: the action's value
    }
    columns = std::max(columns, step.first_column + step.columns);
    step_errors.push_back(exec::SqlError{"23505", "duplicate", "", ""});
  }
  check_json(p.respond(std::vector<exec::FieldResult>(columns), options));
  std::vector<exec::FieldResult> failed(
      columns, exec::FieldResult{std::nullopt, exec::SqlError{"42501", "denied", "", ""}});
  check_json(p.respond(failed, options, step_errors));
  return 0;
}
