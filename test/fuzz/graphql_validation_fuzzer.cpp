// libFuzzer target for validation and input coercion (core/graphql/
// validation, core/graphql/execution/values.cpp, core/graphql/scalars.cpp).
//
// The input is a document, any bytes; what parses is validated against
// PostGraphile's compat schema and against the validation fixture's harness
// schema (interfaces, unions, custom directives). Besides memory safety
// (ASan/UBSan) and the absence of stack overflows and hangs, it checks:
//   - at most max_errors + 1 errors, the extra one being the cap's;
//   - every message non-empty, valid UTF-8, locations 1-based and inside
//     the document's lines;
//   - validating twice gives the same errors (no hidden state), and a
//     smaller max_errors gives a prefix of the same list;
//   - a document valid for a schema coerces its operations' variables
//     (none given, and a fixed set of odd values) without crashing, and
//     when that succeeds, the root fields' arguments coerce too.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/execution/values.hpp"
#include "core/graphql/parser.hpp"
#include "core/graphql/sdl_schema.hpp"
#include "core/graphql/validation/validate.hpp"
#include "core/json/json_value.hpp"

#include "test/fuzz/fuzz_check.hpp"

using namespace pg_gateway::graphql;
namespace json = pg_gateway::json;

namespace {

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The repository root, from this file's path (cmake compiles it by absolute path).
std::filesystem::path source_root() {
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

const schema::Schema& compat() {
  static const schema::Schema s =
      schema_from_sdl(slurp(source_root() / "test/graphql_compat/expected/schema.graphql"));
  return s;
}

const schema::Schema& harness() {
  static const schema::Schema s =
      schema_from_sdl(slurp(source_root() / "test/unit/fixtures/validation/harness.graphql"));
  return s;
}

bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80                   ? 1
               : (c >= 0xC2 && c <= 0xDF) ? 2
               : (c >= 0xE0 && c <= 0xEF) ? 3
               : (c >= 0xF0 && c <= 0xF4) ? 4
                                          : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    i += n;
  }
  return true;
}

std::string render(const std::vector<Error>& errors) {
  std::string out;
  for (const Error& e : errors) {
    out += e.message;
    for (const SourceLocation& l : e.locations)
      out += " @" + std::to_string(l.line) + ":" + std::to_string(l.column);
    out += '\n';
  }
  return out;
}

// Odd values for every variable: each kind of JSON value once.
const json::Value& odd_inputs(const OperationDefinition& op, json::Value& storage) {
  static const char* kOdd[] = {"null", "1",       "-2.5e300", "\"x\"",         "true",
                               "[]",   "[1,[2]]", "{}",       "{\"a\":[null]}"};
  std::vector<json::Value::Member> members;
  size_t i = 0;
  for (const VariableDefinition& v : op.variable_definitions)
    members.emplace_back(v.variable.name.value, *json::parse(kOdd[i++ % 9]).value);
  storage = json::Value::object(std::move(members));
  return storage;
}

void coerce_operations(const schema::Schema& s, const Document& doc) {
  for (const Definition& def : doc.definitions) {
    const OperationDefinition* op = def.as<OperationDefinition>();
    if (!op) continue;
    json::Value storage;
    for (const json::Value* inputs :
         {static_cast<const json::Value*>(nullptr), &odd_inputs(*op, storage)}) {
      exec::VariableValues vars;
      std::vector<Error> errors = exec::coerce_variable_values(s, *op, inputs, vars);
      CHECK(errors.size() <= 51);
      for (const Error& e : errors) CHECK(!e.message.empty() && valid_utf8(e.message), e.message);
      if (!errors.empty()) continue;
      const schema::NamedType* root = op->operation == OperationType::kQuery ? s.find(s.query_type)
                                      : op->operation == OperationType::kMutation
                                          ? (s.mutation_type ? s.find(*s.mutation_type) : nullptr)
                                      : s.subscription_type ? s.find(*s.subscription_type)
                                                            : nullptr;
      if (!root) continue;
      for (const Selection& sel : op->selection_set.selections) {
        const Field* f = sel.as<Field>();
        if (!f) continue;
        const schema::Field* field_def = find_field(s, *root, f->name.value);
        if (!field_def) continue;
        std::map<std::string, json::Value, std::less<>> out;
        std::optional<Error> error = exec::coerce_argument_values(s, *field_def, *f, vars, out);
        if (error) CHECK(!error->message.empty() && valid_utf8(error->message), error->message);
      }
    }
  }
}

void check_schema(const schema::Schema& s, std::string_view src, const Document& doc) {
  size_t lines = 1;
  for (char c : src) lines += c == '\n' || c == '\r';
  std::vector<Error> errors = validation::validate(s, doc);
  CHECK(errors.size() <= 101);
  for (const Error& e : errors) {
    CHECK(!e.message.empty(), render(errors));
    CHECK(valid_utf8(e.message), e.message);
    CHECK(e.path.empty());
    for (const SourceLocation& l : e.locations)
      CHECK(l.line >= 1 && l.column >= 1 && l.line <= lines, e.message);
  }
  std::string first = render(errors);
  CHECK(render(validation::validate(s, doc)) == first, "validation is not deterministic");
  validation::ValidateOptions few;
  few.max_errors = 3;
  std::vector<Error> capped = validation::validate(s, doc, few);
  CHECK(capped.size() <= 4);
  for (size_t i = 0; i < capped.size() && i < errors.size() && i < 3; ++i)
    CHECK(capped[i].message == errors[i].message, capped[i].message);
  if (errors.empty()) coerce_operations(s, doc);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  ParseOptions options;
  options.max_bytes = 64 * 1024;
  options.max_tokens = 8000;
  options.max_depth = 64;
  ParseResult parsed = parse_document(src, options);
  if (!parsed.ok()) return 0;
  check_schema(compat(), src, parsed.document);
  check_schema(harness(), src, parsed.document);
  return 0;
}
