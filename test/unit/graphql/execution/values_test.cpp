// Input coercion against graphql-js 16 and PostGraphile's scalar codecs:
// the scalars one by one (messages as graphql-js / graphile-build word
// them), then the fixture's variable and argument cases
// (test/unit/fixtures/validation/cases.json, made by generate.js).
#include "core/graphql/execution/values.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/parser.hpp"
#include "core/graphql/scalars.hpp"
#include "core/graphql/sdl_schema.hpp"

namespace fs = std::filesystem;
namespace json = pg_gateway::json;
namespace schema = pg_gateway::graphql::schema;
namespace scalars = pg_gateway::graphql::scalars;
using pg_gateway::graphql::Error;
using pg_gateway::graphql::OperationDefinition;
using pg_gateway::graphql::parse_document;
using pg_gateway::graphql::schema_from_sdl;
using pg_gateway::graphql::exec::VariableValues;
using Status = scalars::LeafResult::Status;

namespace {

const fs::path kSource(PG_GATEWAY_SOURCE_DIR);

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::Value parse_json(std::string_view text) {
  auto r = json::parse(text);
  if (!r.ok()) throw std::runtime_error("bad JSON in test: " + std::string(text));
  return *r.value;
}

pg_gateway::graphql::Value literal(const std::string& text) {
  auto r = parse_document("{ f(a: " + text + ") }");
  if (!r.ok()) throw std::runtime_error("bad literal in test: " + text);
  return r.document.definitions[0]
      .as<OperationDefinition>()
      ->selection_set.selections[0]
      .as<pg_gateway::graphql::Field>()
      ->arguments[0]
      .value;
}

std::string describe(const scalars::LeafResult& r) {
  switch (r.status) {
    case Status::kOk:
      return "ok " + r.value.dump();
    case Status::kError:
      return "error " + r.message;
    case Status::kErrorAtNode:
      return "node error " + r.message;
    case Status::kPlainError:
      return "plain error " + r.message;
    case Status::kUndefined:
      return "undefined";
  }
  return "";
}

std::string value(std::string_view scalar, std::string_view json_text) {
  return describe(scalars::parse_value(scalars::codec_for(scalar), parse_json(json_text)));
}

std::string lit(std::string_view scalar, const std::string& text) {
  return describe(scalars::parse_literal(scalars::codec_for(scalar), literal(text), nullptr));
}

const schema::Schema& schema_named(const std::string& name) {
  static const schema::Schema compat =
      schema_from_sdl(slurp(kSource / "test/graphql_compat/expected/schema.graphql"));
  static const schema::Schema harness =
      schema_from_sdl(slurp(kSource / "test/unit/fixtures/validation/harness.graphql"));
  return name == "compat" ? compat : harness;
}

const json::Value& fixture() {
  static const json::Value v =
      parse_json(slurp(kSource / "test/unit/fixtures/validation/cases.json"));
  return v;
}

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

std::string render_errors(const json::Value& errors) {
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

// An object's members sorted by key (the coerced maps are keyed, not ordered).
json::Value sorted(const json::Value& object) {
  std::vector<json::Value::Member> members = object.members();
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return json::Value::object(std::move(members));
}

json::Value to_json(const std::map<std::string, json::Value, std::less<>>& values) {
  std::vector<json::Value::Member> members(values.begin(), values.end());
  return json::Value::object(std::move(members));
}

}  // namespace

TEST(GraphqlScalars, JavaScriptNumberFormatting) {
  EXPECT_EQ(scalars::format_js_number(0), "0");
  EXPECT_EQ(scalars::format_js_number(-0.0), "0");
  EXPECT_EQ(scalars::format_js_number(7), "7");
  EXPECT_EQ(scalars::format_js_number(-1.5), "-1.5");
  EXPECT_EQ(scalars::format_js_number(0.1), "0.1");
  EXPECT_EQ(scalars::format_js_number(1e21), "1e+21");
  EXPECT_EQ(scalars::format_js_number(123456789012345680000.0), "123456789012345680000");
  EXPECT_EQ(scalars::format_js_number(1e-7), "1e-7");
  EXPECT_EQ(scalars::format_js_number(0.000001), "0.000001");
  EXPECT_EQ(scalars::format_js_number(1.5e300), "1.5e+300");
  EXPECT_EQ(scalars::format_js_number(2147483648.0), "2147483648");
  EXPECT_EQ(scalars::json_number_value("1e999"), std::numeric_limits<double>::infinity());
}

TEST(GraphqlScalars, InspectAndPrintAsGraphqlJs) {
  EXPECT_EQ(scalars::inspect(parse_json(R"("a\"b\n\u0001é")")), R"("a\"b\n\u0001é")");
  EXPECT_EQ(scalars::inspect(parse_json("[1,2,3,4,5,6,7,8,9,10,11,12]")),
            "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, ... 2 more items]");
  EXPECT_EQ(scalars::inspect(parse_json(R"({"a":{"b":{"c":1}},"1":[[[]],[[1]]],"e":[[]]})")),
            "{ 1: [[Array], [Array]], a: { b: [Object] }, e: [[]] }");
  EXPECT_EQ(scalars::inspect(parse_json(R"({"a":1,"b":2,"a":3})")), "{ a: 3, b: 2 }");
  EXPECT_EQ(scalars::print_value(literal(R"({a: [1, "x", null, $v, E, true], b: """q"""})")),
            R"({a: [1, "x", null, $v, E, true], b: """q"""})");
}

TEST(GraphqlScalars, SpecifiedScalarsAsGraphqlJs) {
  EXPECT_EQ(value("Int", "\"seven\""), "error Int cannot represent non-integer value: \"seven\"");
  EXPECT_EQ(value("Int", "7.0"), "ok 7");
  EXPECT_EQ(value("Int", "1e2"), "ok 100");
  EXPECT_EQ(value("Int", "2147483648"),
            "error Int cannot represent non 32-bit signed integer value: 2147483648");
  EXPECT_EQ(lit("Int", "2147483648"),
            "node error Int cannot represent non 32-bit signed integer value: 2147483648");
  EXPECT_EQ(lit("Int", "\"abc\""), "node error Int cannot represent non-integer value: \"abc\"");
  EXPECT_EQ(lit("Int", "-0"), "ok 0");
  EXPECT_EQ(lit("Float", "1.50"), "ok 1.5");
  EXPECT_EQ(lit("Float", "1"), "ok 1");
  EXPECT_EQ(value("Float", "true"), "error Float cannot represent non numeric value: true");
  EXPECT_EQ(lit("String", "ENUM"), "node error String cannot represent a non string value: ENUM");
  EXPECT_EQ(value("Boolean", "0"), "error Boolean cannot represent a non boolean value: 0");
  EXPECT_EQ(value("ID", "12"), "ok \"12\"");
  EXPECT_EQ(value("ID", "1.5"), "error ID cannot represent value: 1.5");
  EXPECT_EQ(lit("ID", "12"), "ok \"12\"");
  EXPECT_EQ(lit("ID", "1.5"),
            "node error ID cannot represent a non-string and non-integer value: 1.5");
}

// Goldens 131 and 132: PostGraphile's codecs throw GraphQLErrors without a node.
TEST(GraphqlScalars, PostGraphileScalarsAsItsCodecs) {
  EXPECT_EQ(lit("BigInt", "2"), "error BigInt can only parse string values (kind='IntValue')");
  EXPECT_EQ(lit("BigInt", "\"2\""), "ok \"2\"");
  EXPECT_EQ(lit("Datetime", "[1]"),
            "error Datetime can only parse string values (kind='ListValue')");
  EXPECT_EQ(value("BigInt", "12"), "ok \"12\"");
  EXPECT_EQ(value("BigFloat", "1.50"), "ok \"1.5\"");
  EXPECT_EQ(value("Cursor", "[1,[2,null],\"x\"]"), "ok \"1,2,,x\"");
  EXPECT_EQ(value("Cursor", "{\"a\":1}"), "ok \"[object Object]\"");
  EXPECT_EQ(lit("UUID", "\"not-a-uuid\""),
            "error Invalid UUID, expected 32 hexadecimal characters, optionally with hyphens");
  EXPECT_EQ(lit("UUID", "5"), "error UUID can only parse string values (kind = 'IntValue')");
  EXPECT_EQ(lit("UUID", "\"0F3E9B9A1C2D-4E5F-8A9B0C1D2E3F4A5B\""),
            "ok \"0F3E9B9A1C2D-4E5F-8A9B0C1D2E3F4A5B\"");
  EXPECT_EQ(value("UUID", "5"),
            "error Invalid UUID, expected 32 hexadecimal characters, optionally with hyphens");
  EXPECT_EQ(lit("JSON", "{a: [1, 2.50, \"x\", true, null], b: ENUM}"),
            "ok {\"a\":[1,2.5,\"x\",true,null]}");
  EXPECT_EQ(lit("JSON", "ENUM"), "undefined");
  EXPECT_EQ(value("JSON", "{\"a\":[1]}"), "ok {\"a\":[1]}");
  EXPECT_EQ(lit("Oid", "\"12abc\""), "ok 12");
  EXPECT_EQ(lit("Oid", "\"abc\""), "plain error Invalid integer");
  // A domain scalar copies its base scalar's codec, messages included.
  scalars::ScalarCodec email = scalars::codec_for("Email", "String");
  EXPECT_EQ(describe(scalars::parse_literal(email, literal("5"), nullptr)),
            "node error String cannot represent a non string value: 5");
  scalars::ScalarCodec big = scalars::codec_for("Amount", "BigInt");
  EXPECT_EQ(describe(scalars::parse_literal(big, literal("5"), nullptr)),
            "error BigInt can only parse string values (kind='IntValue')");
  // A scalar nobody defined: graphql-js's defaults (identity, untyped literals).
  EXPECT_EQ(lit("Mystery", "{a: ENUM, b: 1e3}"), "ok {\"a\":\"ENUM\",\"b\":1000}");
  // pg_gateway's GeoJSON: objects with a string "type"; PostGIS checks the rest.
  EXPECT_EQ(value("GeoJSON", "{\"type\":\"Point\",\"coordinates\":[1,2]}"),
            "ok {\"type\":\"Point\",\"coordinates\":[1,2]}");
  EXPECT_EQ(lit("GeoJSON", "{type: \"Point\", coordinates: [1.5, 2]}"),
            "ok {\"type\":\"Point\",\"coordinates\":[1.5,2]}");
  const std::string geo_error =
      "error GeoJSON cannot represent a value that is not an object with a string \"type\" "
      "member: ";
  EXPECT_EQ(value("GeoJSON", "[1,2]"), geo_error + "[1, 2]");
  EXPECT_EQ(value("GeoJSON", "{\"type\":1}"), geo_error + "{ type: 1 }");
  EXPECT_EQ(lit("GeoJSON", "\"POINT(1 2)\""), geo_error + "\"POINT(1 2)\"");
}

TEST(GraphqlScalars, EnumsWithSuggestions) {
  schema::NamedType e;
  e.kind = schema::NamedType::Kind::kEnum;
  e.name = "PostStatus";
  for (const char* v : {"draft", "published", "archived"}) e.values.push_back({v, {}, {}});
  EXPECT_EQ(describe(scalars::parse_enum_literal(e, literal("DRAFT"))),
            "node error Value \"DRAFT\" does not exist in \"PostStatus\" enum. Did you mean the "
            "enum value \"draft\"?");
  EXPECT_EQ(describe(scalars::parse_enum_literal(e, literal("\"draft\""))),
            "node error Enum \"PostStatus\" cannot represent non-enum value: \"draft\". Did you "
            "mean the enum value \"draft\"?");
  EXPECT_EQ(describe(scalars::parse_enum_value(e, parse_json("\"DRAFT\""), true)),
            "error Value \"DRAFT\" does not exist in \"PostStatus\" enum.");
  EXPECT_EQ(describe(scalars::parse_enum_value(e, parse_json("\"draft\""))), "ok \"draft\"");
}

TEST(GraphqlValues, VariablesAsGraphqlJs) {
  size_t checked = 0;
  for (const json::Value& c : fixture().find("variables")->items()) {
    const std::string& query = c.find("query")->text();
    SCOPED_TRACE(query + "  variables: " + c.find("variables")->dump());
    auto parsed = parse_document(query);
    ASSERT_TRUE(parsed.ok());
    const OperationDefinition* op = parsed.document.definitions[0].as<OperationDefinition>();
    VariableValues out;
    const json::Value* inputs = c.find("variables");
    std::vector<Error> errors = pg_gateway::graphql::exec::coerce_variable_values(
        schema_named(c.find("schema")->text()), *op, inputs->is_null() ? nullptr : inputs, out);
    if (const json::Value* expected = c.find("errors")) {
      EXPECT_EQ(render(errors), render_errors(*expected));
    } else {
      EXPECT_EQ(render(errors), "");
      EXPECT_EQ(to_json(out).dump(), sorted(*c.find("coerced")).dump());
    }
    ++checked;
  }
  EXPECT_GE(checked, 60u);
}

TEST(GraphqlValues, ArgumentsAsGraphqlJs) {
  size_t checked = 0;
  for (const json::Value& c : fixture().find("arguments")->items()) {
    const std::string& query = c.find("query")->text();
    SCOPED_TRACE(query);
    const schema::Schema& s = schema_named(c.find("schema")->text());
    auto parsed = parse_document(query);
    ASSERT_TRUE(parsed.ok());
    const OperationDefinition* op = parsed.document.definitions[0].as<OperationDefinition>();
    VariableValues variables;
    const json::Value* inputs = c.find("variables");
    ASSERT_EQ(render(pg_gateway::graphql::exec::coerce_variable_values(
                  s, *op, inputs->is_null() ? nullptr : inputs, variables)),
              "");
    const std::string& root_name = op->operation == pg_gateway::graphql::OperationType::kMutation
                                       ? *s.mutation_type
                                       : s.query_type;
    const auto& field = *op->selection_set.selections[0].as<pg_gateway::graphql::Field>();
    const schema::Field* def =
        pg_gateway::graphql::find_field(s, *s.find(root_name), field.name.value);
    ASSERT_NE(def, nullptr);
    std::map<std::string, json::Value, std::less<>> out;
    std::optional<Error> error =
        pg_gateway::graphql::exec::coerce_argument_values(s, *def, field, variables, out);
    if (const json::Value* expected = c.find("error")) {
      ASSERT_TRUE(error.has_value());
      EXPECT_EQ(render({*error}), render_errors(json::Value::array({*expected})));
    } else {
      ASSERT_FALSE(error.has_value()) << error->message;
      EXPECT_EQ(to_json(out).dump(), sorted(*c.find("values")).dump());
    }
    ++checked;
  }
  EXPECT_GE(checked, 25u);
}

TEST(GraphqlValues, DefaultValuesAndValueFromAst) {
  const schema::Schema& s = schema_named("compat");
  const schema::Field* all_posts = s.find("Query")->field("allPosts");
  ASSERT_NE(all_posts, nullptr);
  const schema::InputValue* order_by = nullptr;
  for (const schema::InputValue& a : all_posts->args)
    if (a.name == "orderBy") order_by = &a;
  ASSERT_NE(order_by, nullptr);
  EXPECT_EQ(pg_gateway::graphql::exec::default_value(s, *order_by)->dump(),
            "[\"PRIMARY_KEY_ASC\"]");
  VariableValues vars;
  vars["s"] = json::Value::string("draft");
  schema::TypeRef condition = schema::TypeRef::named("PostCondition");
  EXPECT_EQ(pg_gateway::graphql::exec::value_from_ast(s, literal("{status: $s, rowId: 3}"),
                                                      condition, vars)
                ->dump(),
            "{\"rowId\":3,\"status\":\"draft\"}");
  EXPECT_FALSE(
      pg_gateway::graphql::exec::value_from_ast(s, literal("{rowId: \"3\"}"), condition, vars));
  // A variable that was not provided: no value (graphql-js's undefined).
  EXPECT_FALSE(pg_gateway::graphql::exec::value_from_ast(s, literal("$missing"),
                                                         schema::TypeRef::named("Int"), vars));
}
