// validate() against graphql-js 16: every document of
// test/unit/fixtures/validation/cases.json (made by generate.js with the
// graphql-js PostGraphile runs) must give the same errors, messages and
// locations, in the same order; and the compat queries must give the
// validation errors PostGraphile itself answered with.
#include "core/graphql/validation/validate.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/graphql/parser.hpp"
#include "core/graphql/sdl_schema.hpp"
#include "core/json/json_value.hpp"

namespace fs = std::filesystem;
using pg_gateway::graphql::Error;
using pg_gateway::graphql::parse_document;
using pg_gateway::graphql::ParseOptions;
using pg_gateway::graphql::schema_from_sdl;
using pg_gateway::graphql::validation::validate;
using pg_gateway::graphql::validation::ValidateOptions;
namespace json = pg_gateway::json;
namespace schema = pg_gateway::graphql::schema;

namespace {

const fs::path kSource(PG_GATEWAY_SOURCE_DIR);

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const schema::Schema& compat_schema() {
  static const schema::Schema s =
      schema_from_sdl(slurp(kSource / "test/graphql_compat/expected/schema.graphql"));
  return s;
}

const schema::Schema& harness_schema() {
  static const schema::Schema s =
      schema_from_sdl(slurp(kSource / "test/unit/fixtures/validation/harness.graphql"));
  return s;
}

const schema::Schema& schema_named(const std::string& name) {
  return name == "compat" ? compat_schema() : harness_schema();
}

const json::Value& fixture() {
  static const json::Value v = [] {
    json::ParseLimits limits;
    auto r = json::parse(slurp(kSource / "test/unit/fixtures/validation/cases.json"), limits);
    if (!r.ok()) throw std::runtime_error("cases.json: " + r.error);
    return *r.value;
  }();
  return v;
}

// Errors as text, one per line: "message @line:column ...", for readable diffs.
std::string render(const std::vector<Error>& errors) {
  std::string out;
  for (const Error& e : errors) {
    out += e.message;
    for (const auto& l : e.locations)
      out += " @" + std::to_string(l.line) + ":" + std::to_string(l.column);
    out += "\n";
  }
  return out;
}

std::string render(const json::Value& errors) {
  std::string out;
  for (const json::Value& e : errors.items()) {
    out += e.find("message")->text();
    if (const json::Value* locs = e.find("locations"))
      for (const json::Value& l : locs->items())
        out += " @" + std::to_string(*l.find("line")->as_int64()) + ":" +
               std::to_string(*l.find("column")->as_int64());
    out += "\n";
  }
  return out;
}

std::vector<Error> validate_text(const schema::Schema& s, const std::string& query) {
  auto parsed = parse_document(query, ParseOptions());
  if (!parsed.ok()) return {Error{"PARSE: " + parsed.error->message, {}, {}, {}}};
  return validate(s, parsed.document);
}

}  // namespace

TEST(GraphqlValidation, FixtureHasEveryRule) {
  const json::Value& cases = *fixture().find("validation");
  EXPECT_GE(cases.items().size(), 200u);
  std::string all;
  for (const json::Value& c : cases.items()) all += render(*c.find("errors"));
  // One message of each rule appears in the expected errors.
  for (const char* needle : {"definition is not executable",
                             "There can be only one operation named",
                             "anonymous operation must be the only",
                             "must select only one top level field",
                             "Unknown type",
                             "cannot condition on non composite type",
                             "cannot be non-input type",
                             "must have a selection of subfields",
                             "Cannot query field",
                             "There can be only one fragment named",
                             "Unknown fragment",
                             "is never used.",
                             "cannot be spread here",
                             "within itself",
                             "There can be only one variable named",
                             "is not defined",
                             "is never used in operation",
                             "Unknown directive",
                             "can only be used once at this location",
                             "Unknown argument",
                             "There can be only one argument named",
                             "Expected value of type",
                             "is required, but it was not provided",
                             "used in position expecting type",
                             "conflict because",
                             "There can be only one input field named",
                             "Maximum introspection depth exceeded",
                             "Too many validation errors"})
    EXPECT_NE(all.find(needle), std::string::npos) << needle;
}

TEST(GraphqlValidation, SameErrorsAsGraphqlJs) {
  size_t checked = 0, failed = 0;
  for (const json::Value& c : fixture().find("validation")->items()) {
    const std::string& query = c.find("query")->text();
    std::string expected = render(*c.find("errors"));
    std::string actual = render(validate_text(schema_named(c.find("schema")->text()), query));
    ++checked;
    if (expected != actual) {
      ++failed;
      ADD_FAILURE() << "query: " << query << "\nexpected:\n" << expected << "actual:\n" << actual;
    }
  }
  EXPECT_EQ(failed, 0u) << "of " << checked;
}

TEST(GraphqlValidation, CompatQueriesAsGraphqlJs) {
  for (const json::Value& c : fixture().find("compat")->items()) {
    const std::string& file = c.find("file")->text();
    std::string query = slurp(kSource / "test/graphql_compat/queries" / file);
    EXPECT_EQ(render(validate_text(compat_schema(), query)), render(*c.find("errors"))) << file;
  }
}

// The golden responses: where PostGraphile answered with validation errors
// (no data, not a syntax error, not a variable or operation-selection error,
// which come after validation), validate() gives exactly those; elsewhere none.
TEST(GraphqlValidation, CompatQueriesAsPostGraphile) {
  size_t with_errors = 0, total = 0;
  for (const auto& entry : fs::directory_iterator(kSource / "test/graphql_compat/queries")) {
    if (entry.path().extension() != ".graphql") continue;
    std::string stem = entry.path().stem().string();
    auto golden = json::parse(slurp(kSource / "test/graphql_compat/expected" / (stem + ".json")));
    ASSERT_TRUE(golden.ok()) << stem;
    const json::Value* errors = golden.value->find("errors");
    const json::Value* data = golden.value->find("data");
    auto parsed = parse_document(slurp(entry.path()), ParseOptions());
    if (!parsed.ok()) continue;  // the syntax-error case
    ++total;
    bool request_error = errors && !data;
    std::string first = request_error ? errors->items()[0].find("message")->text() : "";
    // Variable coercion and operation selection come after validation.
    bool after_validation = first.find("got invalid value") != std::string::npos ||
                            first.find("of required type") != std::string::npos ||
                            first.find("of non-null type") != std::string::npos ||
                            first.rfind("Must provide operation name", 0) == 0 ||
                            first.rfind("Unknown operation named", 0) == 0;
    bool validation_error = request_error && !after_validation;
    std::string actual = render(validate(compat_schema(), parsed.document));
    if (validation_error) {
      ++with_errors;
      EXPECT_EQ(actual, render(*errors)) << stem;
    } else {
      EXPECT_EQ(actual, "") << stem;
    }
  }
  EXPECT_EQ(total, 152u);
  EXPECT_GE(with_errors, 12u);
}

TEST(GraphqlValidation, HideSuggestionsAndErrorCap) {
  auto parsed = parse_document("{ allPost { totalCount } allPosts(limit: 1, first: 1) { x } }");
  ASSERT_TRUE(parsed.ok());
  ValidateOptions options;
  options.hide_suggestions = true;
  EXPECT_EQ(render(validate(compat_schema(), parsed.document, options)),
            "Cannot query field \"allPost\" on type \"Query\". @1:3\n"
            "Unknown argument \"limit\" on field \"Query.allPosts\". @1:35\n"
            "Cannot query field \"x\" on type \"PostConnection\". @1:57\n");
  options.hide_suggestions = false;
  options.max_errors = 2;
  std::vector<Error> capped = validate(compat_schema(), parsed.document, options);
  ASSERT_EQ(capped.size(), 3u);
  EXPECT_EQ(capped[2].message,
            "Too many validation errors, error limit reached. Validation aborted.");
}

// Many fragments spreading each other twice: graphql-js's memoized
// comparison runs out of its budget quickly (the fixture has the same
// document and graphql-js's answer); an exponential one would never end.
TEST(GraphqlValidation, OverlappingFieldsStayFastWithManyFragments) {
  std::string doc = "{ dog { ...F0 } }";
  for (int i = 0; i < 400; ++i) {
    doc += " fragment F" + std::to_string(i) + " on Dog { name x: nickname";
    if (i + 1 < 400) doc += " ...F" + std::to_string(i + 1) + " ...F" + std::to_string(i + 1);
    doc += " }";
  }
  auto start = std::chrono::steady_clock::now();
  std::vector<Error> errors = validate_text(harness_schema(), doc);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                  start)
                .count();
  EXPECT_EQ(render(errors), "Validation aborted.\n");
  // ~60 ms optimised, ~3 s under ASan in a debug build; exponential work
  // would not finish at all.
  EXPECT_LT(ms, 20000);
}

// A chain of fragments as long as the parser allows must not exhaust the
// stack in the rules that follow spreads (cycles, overlaps, introspection).
TEST(GraphqlValidation, LongFragmentChainsDoNotRecurse) {
  std::string doc = "{ __schema { types { ...F0 } } dog { ...D0 } }";
  const int n = 5000;
  for (int i = 0; i < n; ++i) {
    std::string next = std::to_string(i + 1);
    doc += " fragment F" + std::to_string(i) + " on __Type { name" +
           (i + 1 < n ? " ...F" + next : std::string()) + " }";
    doc += " fragment D" + std::to_string(i) + " on Dog { name" +
           (i + 1 < n ? " ...D" + next : std::string()) + " }";
  }
  ParseOptions options;
  options.max_tokens = 1000000;
  options.max_bytes = 10 * 1024 * 1024;
  auto parsed = parse_document(doc, options);
  ASSERT_TRUE(parsed.ok());
  // graphql-js overflows its call stack here; we spend the comparison budget.
  EXPECT_EQ(render(validate(harness_schema(), parsed.document)), "Validation aborted.\n");
}
