// Introspection must answer exactly as graphql-js 16.15 does. The cases and
// graphql-js's answers are in fixtures/introspection/cases.json, written by
// fixtures/introspection/generate.js (see there for what they cover):
// getIntrospectionQuery() with defaults and every option, GraphiQL's
// queries, the compat queries 108..115, and handwritten ones (aliases,
// fragments, directives, arguments, errors). Each answer must be byte-equal
// to JSON.stringify(result.data). The generator also checks that graphql-js's
// buildClientSchema accepts its own full answers and prints the schema back,
// so byte equality proves it accepts ours.
#include "core/graphql/execution/introspection.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/graphql/parser.hpp"
#include "core/graphql/sdl_schema.hpp"
#include "core/json/json_value.hpp"
#include "core/json/json_writer.hpp"
#include "core/util/sha256.hpp"

using namespace pg_gateway;
using namespace pg_gateway::graphql;
using namespace pg_gateway::graphql::exec;

namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(PG_GATEWAY_SOURCE_DIR) + "/" + relative, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The two schemas of the fixture, built once, with their indexes.
struct TestSchema {
  schema::Schema schema;
  std::unique_ptr<IntrospectionIndex> index;
};

const TestSchema& test_schema(const std::string& name) {
  static std::map<std::string, std::unique_ptr<TestSchema>> schemas;
  auto it = schemas.find(name);
  if (it != schemas.end()) return *it->second;
  std::string file = name == "compat" ? "test/graphql_compat/expected/schema.graphql"
                                      : "test/unit/fixtures/introspection/" + name + ".graphql";
  auto s = std::make_unique<TestSchema>();
  s->schema = schema_from_sdl(read_file(file));
  s->index = std::make_unique<IntrospectionIndex>(s->schema);
  return *schemas.emplace(name, std::move(s)).first->second;
}

struct Response {
  std::string data;  // JSON text, "null" when the null reached the root
  std::vector<Error> errors;
};

// Executes a query whose root fields are all introspection or __typename,
// as the request layer will: collect the root fields, answer each.
Response execute(const TestSchema& s, std::string_view query, const json::Value& variables) {
  ParseResult parsed = parse_document(query);
  if (!parsed.ok()) throw std::runtime_error("parse: " + parsed.error->message);
  const OperationDefinition* operation = nullptr;
  FragmentMap fragments;
  for (const Definition& d : parsed.document.definitions) {
    if (const auto* op = d.as<OperationDefinition>()) operation = op;
    if (const auto* f = d.as<FragmentDefinition>()) fragments.emplace(f->name.value, f);
  }
  VariableValues vars;
  for (const auto& [name, value] : variables.members()) vars[name] = value;

  Response r;
  std::vector<FieldGroup> root =
      collect_fields(s.schema, s.schema.query_type, operation->selection_set, fragments, vars);
  std::string data = "{";
  for (const FieldGroup& g : root) {
    if (data.size() > 1) data += ',';
    json::append_quoted(data, g.response_key);
    data += ':';
    const std::string& name = g.first().name.value;
    if (name == "__typename") {
      json::append_quoted(data, s.schema.query_type);
      continue;
    }
    if (!is_introspection_root_field(name)) throw std::runtime_error("not introspection: " + name);
    std::optional<std::string> value =
        resolve_introspection_field(*s.index, g, fragments, vars, {g.response_key}, r.errors);
    if (!value) {
      r.data = "null";
      return r;
    }
    data += *value;
  }
  r.data = data + "}";
  return r;
}

std::string path_text(const std::vector<PathSegment>& path) {
  std::string out;
  for (const PathSegment& p : path)
    out += "/" + (std::holds_alternative<std::string>(p) ? std::get<std::string>(p)
                                                         : std::to_string(std::get<int64_t>(p)));
  return out;
}

std::string path_text(const json::Value& path) {
  std::string out;
  for (const json::Value& p : path.items()) out += "/" + p.text();
  return out;
}

const json::Value& cases() {
  static const json::Value all = [] {
    json::ParseResult r = json::parse(read_file("test/unit/fixtures/introspection/cases.json"));
    if (!r.ok()) throw std::runtime_error("cases.json: " + r.error);
    return *r.value;
  }();
  return all;
}

class GraphqlIntrospectionCase : public testing::TestWithParam<size_t> {};

TEST_P(GraphqlIntrospectionCase, MatchesGraphqlJs) {
  const json::Value& c = cases().items().at(GetParam());
  const std::string name = c.find("name")->text();
  SCOPED_TRACE(name);
  Response r =
      execute(test_schema(c.find("schema")->text()), c.find("query")->text(), *c.find("variables"));
  if (const json::Value* data = c.find("data")) {
    EXPECT_EQ(r.data, data->text());
  } else {
    bool same = util::sha256_hex(r.data) == c.find("data_sha256")->text() &&
                std::to_string(r.data.size()) == c.find("data_length")->text();
    if (!same) {
      std::string out = "/tmp/introspection-" + name + ".json";
      std::ofstream(out, std::ios::binary) << r.data;
      ADD_FAILURE() << "answer differs from graphql-js's; ours is in " << out
                    << ", theirs from generate.js --dump DIR";
    }
  }
  const auto& expected = c.find("errors")->items();
  ASSERT_EQ(r.errors.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(r.errors[i].message, expected[i].find("message")->text());
    const auto& locations = expected[i].find("locations")->items();
    ASSERT_EQ(r.errors[i].locations.size(), locations.size());
    for (size_t j = 0; j < locations.size(); ++j) {
      EXPECT_EQ(std::to_string(r.errors[i].locations[j].line), locations[j].find("line")->text());
      EXPECT_EQ(std::to_string(r.errors[i].locations[j].column),
                locations[j].find("column")->text());
    }
    EXPECT_EQ(path_text(r.errors[i].path), path_text(*expected[i].find("path")));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, GraphqlIntrospectionCase,
                         testing::Range<size_t>(0, cases().items().size()),
                         [](const testing::TestParamInfo<size_t>& info) {
                           return cases().items().at(info.param).find("name")->text();
                         });

// PostGraphile's own recorded answers (not only graphql-js's over the same
// SDL): compat queries 108..115 against expected/*.json.
TEST(GraphqlIntrospection, CompatGoldensFromPostGraphile) {
  const char* names[] = {
      "108_introspection_root_types",
      "109_introspection_post_fields",
      "110_introspection_enums",
      "111_introspection_deprecation_and_descriptions",
      "112_introspection_input_and_arguments",
      "113_introspection_scalars_and_interfaces",
      "114_introspection_directives_and_type_list",
      "115_introspection_full",
  };
  for (const char* name : names) {
    SCOPED_TRACE(name);
    std::string query = read_file(std::string("test/graphql_compat/queries/") + name + ".graphql");
    json::ParseResult golden =
        json::parse(read_file(std::string("test/graphql_compat/expected/") + name + ".json"));
    ASSERT_TRUE(golden.ok());
    Response r = execute(test_schema("compat"), query, json::Value::object());
    EXPECT_TRUE(r.errors.empty());
    EXPECT_EQ(r.data, golden.value->find("data")->dump());
  }
}

TEST(GraphqlIntrospection, TypeOrderIsRootDiscoveryThenIntrospectionTypes) {
  schema::Schema s = schema_from_sdl(
      "directive @d(x: Opaque) on FIELD\n"
      "scalar Opaque\n"
      "type Unused { a: Int }\n"
      "type Query { b: B }\n"
      "type B { f(arg: Float): ID }\n");
  IntrospectionIndex index(s);
  std::vector<std::string> expected = {"Query",       "B",           "ID",
                                       "Float",       "Boolean",     "String",
                                       "Opaque",      "__Schema",    "__Type",
                                       "__TypeKind",  "__Field",     "__InputValue",
                                       "__EnumValue", "__Directive", "__DirectiveLocation"};
  EXPECT_EQ(index.type_names(), expected);
}

// GraphiQL sends the full query on every load; the compat schema's answer
// is ~270 KB. Generous bound (RelWithDebInfo takes a few milliseconds),
// here to catch accidental quadratic work.
TEST(GraphqlIntrospection, FullQueryIsFast) {
  const TestSchema& s = test_schema("compat");
  std::string query = read_file("test/graphql_compat/queries/115_introspection_full.graphql");
  auto start = std::chrono::steady_clock::now();
  const int kRuns = 20;
  size_t bytes = 0;
  for (int i = 0; i < kRuns; ++i) bytes += execute(s, query, json::Value::object()).data.size();
  double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
      kRuns;
  std::printf("full introspection of the compat schema: %.2f ms, %zu bytes\n", ms, bytes / kRuns);
  EXPECT_LT(ms, 100.0);
}

}  // namespace
