// Our parser against the compatibility reference: it must read
// PostGraphile's printed schema and every compat query, and where
// PostGraphile answered with a syntax error, give the same message and
// location (test/graphql_compat/expected/*.json).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/graphql/parser.hpp"
#include "core/json/json_value.hpp"

namespace fs = std::filesystem;
using pg_gateway::graphql::parse_document;
using pg_gateway::graphql::ParseOptions;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const fs::path kCompat = fs::path(PG_GATEWAY_SOURCE_DIR) / "test" / "graphql_compat";

}  // namespace

TEST(GraphqlCompatParse, PostGraphilesPrintedSchemaParses) {
  auto r = parse_document(slurp(kCompat / "expected" / "schema.graphql"), ParseOptions());
  ASSERT_TRUE(r.ok()) << r.error->message << " at " << r.error->line << ":" << r.error->column;
  EXPECT_GT(r.document.definitions.size(), 100u);
}

TEST(GraphqlCompatParse, EveryQueryParsesOrFailsLikePostGraphile) {
  size_t checked = 0, syntax_errors = 0;
  for (const auto& entry : fs::directory_iterator(kCompat / "queries")) {
    if (entry.path().extension() != ".graphql") continue;
    SCOPED_TRACE(entry.path().filename().string());
    auto r = parse_document(slurp(entry.path()), ParseOptions());
    auto expected = pg_gateway::json::parse(
        slurp(kCompat / "expected" / (entry.path().stem().string() + ".json")));
    ASSERT_TRUE(expected.ok());
    const pg_gateway::json::Value* errors = expected.value->find("errors");
    const pg_gateway::json::Value* first =
        errors && errors->is_array() && !errors->items().empty() ? &errors->items()[0] : nullptr;
    const pg_gateway::json::Value* message = first ? first->find("message") : nullptr;
    bool expect_syntax_error =
        message && message->is_string() && message->text().rfind("Syntax Error", 0) == 0;
    ++checked;
    if (!expect_syntax_error) {
      EXPECT_TRUE(r.ok()) << r.error->message;
      continue;
    }
    ++syntax_errors;
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error->message, message->text());
    const pg_gateway::json::Value* loc = first->find("locations");
    ASSERT_TRUE(loc && loc->is_array() && !loc->items().empty());
    EXPECT_EQ(loc->items()[0].find("line")->as_int64(), int64_t(r.error->line));
    EXPECT_EQ(loc->items()[0].find("column")->as_int64(), int64_t(r.error->column));
  }
  EXPECT_GE(checked, 80u);
  EXPECT_GE(syntax_errors, 1u);
}
