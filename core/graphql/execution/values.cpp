// graphql-js 16's execution/values.js, utilities/coerceInputValue.js and
// utilities/valueFromAST.js over schema::Schema, with the same messages,
// the same paths in them and the same order of errors.
#include "core/graphql/execution/values.hpp"

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <variant>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/parser.hpp"
#include "core/graphql/scalars.hpp"
#include "core/graphql/validation/context.hpp"
#include "core/graphql/validation/suggestions.hpp"

namespace pg_gateway::graphql::exec {

namespace {

using validation::Type;
using Status = scalars::LeafResult::Status;

// graphql-js stops collecting variable errors after 50 (execute's getVariableValues).
constexpr size_t kMaxVariableErrors = 50;

Type type_of(const schema::Schema& schema, const schema::TypeRef& ref) {
  return Type::of(ref, find_type(schema, ref.name));
}

SourceLocation location_of(const Location& loc) { return SourceLocation{loc.line, loc.column}; }

// A position inside a variable's value: field names and list indexes.
using PathKey = std::variant<std::string_view, size_t>;

// graphql-js printPathArray: .field and [index].
std::string print_path(const std::vector<PathKey>& path) {
  std::string out;
  for (const PathKey& k : path) {
    if (const size_t* i = std::get_if<size_t>(&k))
      out += "[" + std::to_string(*i) + "]";
    else
      out += "." + std::string(std::get<std::string_view>(k));
  }
  return out;
}

// The printed default value literal back as an AST value. Defaults are
// stored printed (type_system.hpp); each distinct literal is parsed once.
std::shared_ptr<const Document> parse_default_literal(const std::string& literal) {
  static std::mutex mutex;
  static std::unordered_map<std::string, std::shared_ptr<const Document>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = cache.find(literal);
  if (it != cache.end()) return it->second;
  ParseResult parsed = parse_document("{f(a:" + literal + ")}");
  std::shared_ptr<const Document> doc;
  if (parsed.ok()) doc = std::make_shared<const Document>(std::move(parsed.document));
  if (cache.size() > 4096) cache.clear();  // bounded: schemas have few distinct defaults
  cache.emplace(literal, doc);
  return doc;
}

const Value* default_literal_value(const Document& doc) {
  const OperationDefinition* op = doc.definitions[0].as<OperationDefinition>();
  return &op->selection_set.selections[0].as<Field>()->arguments[0].value;
}

std::optional<json::Value> value_from_ast_impl(const schema::Schema& schema, const Value& literal,
                                               Type type, const VariableValues* variables);

// graphql-js's argDef.defaultValue / field.defaultValue: the default
// literal as a value of the input's type (nullopt when there is none).
std::optional<json::Value> coerced_default(const schema::Schema& schema,
                                           const schema::InputValue& input) {
  if (!input.default_value) return std::nullopt;
  std::shared_ptr<const Document> doc = parse_default_literal(*input.default_value);
  if (!doc) return std::nullopt;
  return value_from_ast_impl(schema, *default_literal_value(*doc), type_of(schema, input.type),
                             nullptr);
}

bool is_missing_variable(const Value& v, const VariableValues* variables) {
  const Variable* var = v.as<Variable>();
  return var && (!variables || variables->find(var->name.value) == variables->end());
}

std::optional<json::Value> value_from_ast_impl(const schema::Schema& schema, const Value& literal,
                                               Type type, const VariableValues* variables) {
  if (const Variable* var = literal.as<Variable>()) {
    if (!variables) return std::nullopt;
    auto it = variables->find(var->name.value);
    if (it == variables->end()) return std::nullopt;
    if (it->second.is_null() && type.is_non_null()) return std::nullopt;
    return it->second;  // already coerced to the variable's type
  }
  if (type.is_non_null()) {
    if (literal.kind() == ValueKind::kNull) return std::nullopt;
    return value_from_ast_impl(schema, literal, type.of_type(), variables);
  }
  if (literal.kind() == ValueKind::kNull) return json::Value::null();
  if (type.is_list()) {
    Type item = type.of_type();
    if (const ListValue* list = literal.as<ListValue>()) {
      std::vector<json::Value> items;
      items.reserve(list->values.size());
      for (const Value& v : list->values) {
        if (is_missing_variable(v, variables)) {
          if (item.is_non_null()) return std::nullopt;
          items.push_back(json::Value::null());
          continue;
        }
        std::optional<json::Value> x = value_from_ast_impl(schema, v, item, variables);
        if (!x) return std::nullopt;
        items.push_back(std::move(*x));
      }
      return json::Value::array(std::move(items));
    }
    std::optional<json::Value> x = value_from_ast_impl(schema, literal, item, variables);
    if (!x) return std::nullopt;
    return json::Value::array({std::move(*x)});
  }
  const schema::NamedType* named = type.named();
  if (!named) return std::nullopt;
  if (named->kind == schema::NamedType::Kind::kInputObject) {
    const ObjectValue* object = literal.as<ObjectValue>();
    if (!object) return std::nullopt;
    std::vector<json::Value::Member> members;
    for (const schema::InputValue& field : named->input_fields) {
      const ObjectField* given = nullptr;
      for (const ObjectField& f : object->fields)
        if (f.name.value == field.name) given = &f;  // keyMap: the last one
      if (!given || is_missing_variable(given->value, variables)) {
        if (std::optional<json::Value> d = coerced_default(schema, field))
          members.emplace_back(field.name, std::move(*d));
        else if (field.type.is_non_null())
          return std::nullopt;
        continue;
      }
      std::optional<json::Value> x =
          value_from_ast_impl(schema, given->value, type_of(schema, field.type), variables);
      if (!x) return std::nullopt;
      members.emplace_back(field.name, std::move(*x));
    }
    return json::Value::object(std::move(members));
  }
  scalars::LeafResult r;
  if (named->kind == schema::NamedType::Kind::kEnum)
    r = scalars::parse_enum_literal(*named, literal);
  else if (named->kind == schema::NamedType::Kind::kScalar)
    r = scalars::parse_literal(scalars::codec_of(*named), literal, variables);
  else
    return std::nullopt;
  if (!r.ok()) return std::nullopt;
  return std::move(r.value);
}

// graphql-js coerceInputValue for one variable, reporting through
// `on_error(path, invalid value, message)`.
class InputCoercer {
 public:
  template <typename OnError>
  InputCoercer(const schema::Schema& schema, OnError on_error)
      : schema_(schema), on_error_(std::move(on_error)) {}

  std::optional<json::Value> coerce(const json::Value& input, Type type) {
    if (type.is_non_null()) {
      if (!input.is_null()) return coerce(input, type.of_type());
      error(input, "Expected non-nullable type \"" + type.str() + "\" not to be null.");
      return std::nullopt;
    }
    if (input.is_null()) return json::Value::null();
    if (type.is_list()) {
      Type item = type.of_type();
      std::vector<json::Value> items;
      if (input.is_array()) {
        items.reserve(input.items().size());
        for (size_t i = 0; i < input.items().size(); ++i) {
          path_.emplace_back(i);
          std::optional<json::Value> x = coerce(input.items()[i], item);
          path_.pop_back();
          items.push_back(x ? std::move(*x) : json::Value::null());
        }
      } else {
        std::optional<json::Value> x = coerce(input, item);  // a list of one
        items.push_back(x ? std::move(*x) : json::Value::null());
      }
      return json::Value::array(std::move(items));
    }
    const schema::NamedType* named = type.named();
    if (!named) return std::nullopt;
    if (named->kind == schema::NamedType::Kind::kInputObject) return coerce_object(input, *named);
    scalars::LeafResult r = named->kind == schema::NamedType::Kind::kEnum
                                ? scalars::parse_enum_value(*named, input)
                                : scalars::parse_value(scalars::codec_of(*named), input);
    switch (r.status) {
      case Status::kOk:
        return std::move(r.value);
      case Status::kError:
      case Status::kErrorAtNode:
        error(input, r.message);
        break;
      case Status::kPlainError:
        error(input, "Expected type \"" + named->name + "\". " + r.message);
        break;
      case Status::kUndefined:
        error(input, "Expected type \"" + named->name + "\".");
        break;
    }
    return std::nullopt;
  }

 private:
  std::optional<json::Value> coerce_object(const json::Value& input,
                                           const schema::NamedType& type) {
    if (!input.is_object()) {
      error(input, "Expected type \"" + type.name + "\" to be an object.");
      return std::nullopt;
    }
    std::vector<json::Value::Member> members;
    for (const schema::InputValue& field : type.input_fields) {
      const json::Value* value = input.find(field.name);
      if (!value) {
        if (std::optional<json::Value> d = coerced_default(schema_, field))
          members.emplace_back(field.name, std::move(*d));
        else if (field.type.is_non_null())
          error(input, "Field \"" + field.name + "\" of required type \"" + field.type.to_string() +
                           "\" was not provided.");
        continue;
      }
      path_.emplace_back(std::string_view(field.name));
      std::optional<json::Value> x = coerce(*value, type_of(schema_, field.type));
      path_.pop_back();
      if (x) members.emplace_back(field.name, std::move(*x));
    }
    for (const auto& [key, value] : scalars::js_object_entries(input)) {
      bool known = false;
      for (const schema::InputValue& f : type.input_fields) known = known || f.name == key;
      if (known) continue;
      std::vector<std::string_view> names;
      for (const schema::InputValue& f : type.input_fields) names.push_back(f.name);
      error(input, "Field \"" + std::string(key) + "\" is not defined by type \"" + type.name +
                       "\"." + validation::did_you_mean(validation::suggestion_list(key, names)));
    }
    return json::Value::object(std::move(members));
  }

  void error(const json::Value& invalid, std::string message) {
    on_error_(path_, invalid, std::move(message));
  }

  const schema::Schema& schema_;
  std::function<void(const std::vector<PathKey>&, const json::Value&, std::string)> on_error_;
  std::vector<PathKey> path_;
};

struct TooManyErrors {};

}  // namespace

std::vector<Error> coerce_variable_values(const schema::Schema& schema,
                                          const OperationDefinition& operation,
                                          const json::Value* inputs, VariableValues& out) {
  std::vector<Error> errors;
  auto report = [&](std::string message, const Location& loc) {
    if (errors.size() >= kMaxVariableErrors) {
      errors.push_back(
          Error{"Too many errors processing variables, error limit reached. Execution aborted.",
                {},
                {},
                {}});
      throw TooManyErrors{};
    }
    errors.push_back(Error{std::move(message), {location_of(loc)}, {}, {}});
  };
  const bool have_inputs = inputs && inputs->is_object();
  try {
    for (const VariableDefinition& def : operation.variable_definitions) {
      const std::string& name = def.variable.name.value;
      // typeFromAST; `ref` outlives every use of `type` in this iteration.
      schema::TypeRef ref;
      const TypeRef* t = &def.type;
      while (t->kind != TypeRef::Kind::kNamed) {
        ref.wrappers.push_back(t->kind == TypeRef::Kind::kList
                                   ? schema::TypeRef::Wrapper::kList
                                   : schema::TypeRef::Wrapper::kNonNull);
        t = t->inner.get();
      }
      ref.name = t->name.value;
      Type type = type_of(schema, ref);
      if (!validation::is_input_type(type.named())) {
        report("Variable \"$" + name + "\" expected value of type \"" + type_to_string(def.type) +
                   "\" which cannot be used as an input type.",
               def.type.loc);
        continue;
      }
      const json::Value* value = have_inputs ? inputs->find(name) : nullptr;
      if (!value) {
        if (def.default_value) {
          if (std::optional<json::Value> d =
                  value_from_ast_impl(schema, *def.default_value, type, nullptr))
            out[name] = std::move(*d);
        } else if (type.is_non_null()) {
          report("Variable \"$" + name + "\" of required type \"" + type.str() +
                     "\" was not provided.",
                 def.loc);
        }
        continue;
      }
      if (value->is_null() && type.is_non_null()) {
        report(
            "Variable \"$" + name + "\" of non-null type \"" + type.str() + "\" must not be null.",
            def.loc);
        continue;
      }
      InputCoercer coercer(schema, [&](const std::vector<PathKey>& path, const json::Value& invalid,
                                       std::string message) {
        std::string prefix =
            "Variable \"$" + name + "\" got invalid value " + scalars::inspect(invalid);
        if (!path.empty()) prefix += " at \"" + name + print_path(path) + "\"";
        report(prefix + "; " + message, def.loc);
      });
      if (std::optional<json::Value> v = coercer.coerce(*value, type)) out[name] = std::move(*v);
    }
  } catch (const TooManyErrors&) {
    // The closing error is already in `errors`.
  }
  if (!errors.empty()) out.clear();
  return errors;
}

std::optional<Error> coerce_argument_values(const schema::Schema& schema,
                                            const schema::Field& definition, const Field& node,
                                            const VariableValues& variables,
                                            std::map<std::string, json::Value, std::less<>>& out) {
  return coerce_argument_values(schema, definition.args, node.arguments, node.loc, variables, out);
}

std::optional<Error> coerce_argument_values(const schema::Schema& schema,
                                            const std::vector<schema::InputValue>& definitions,
                                            const std::vector<Argument>& arguments,
                                            const Location& owner_loc,
                                            const VariableValues& variables,
                                            std::map<std::string, json::Value, std::less<>>& out) {
  auto fail = [](std::string message, const Location& loc) {
    return Error{std::move(message), {location_of(loc)}, {}, {}};
  };
  for (const schema::InputValue& def : definitions) {
    const std::string& name = def.name;
    Type type = type_of(schema, def.type);
    const Argument* given = nullptr;
    for (const Argument& a : arguments)
      if (a.name.value == name) given = &a;  // keyMap: the last one
    if (!given) {
      if (std::optional<json::Value> d = coerced_default(schema, def))
        out[name] = std::move(*d);
      else if (type.is_non_null())
        return fail(
            "Argument \"" + name + "\" of required type \"" + type.str() + "\" was not provided.",
            owner_loc);
      continue;
    }
    const Value& literal = given->value;
    bool is_null = literal.kind() == ValueKind::kNull;
    if (const Variable* var = literal.as<Variable>()) {
      auto it = variables.find(var->name.value);
      if (it == variables.end()) {
        if (std::optional<json::Value> d = coerced_default(schema, def))
          out[name] = std::move(*d);
        else if (type.is_non_null())
          return fail("Argument \"" + name + "\" of required type \"" + type.str() +
                          "\" was provided the variable \"$" + var->name.value +
                          "\" which was not provided a runtime value.",
                      literal.loc);
        continue;
      }
      is_null = it->second.is_null();
    }
    if (is_null && type.is_non_null())
      return fail(
          "Argument \"" + name + "\" of non-null type \"" + type.str() + "\" must not be null.",
          literal.loc);
    std::optional<json::Value> v = value_from_ast_impl(schema, literal, type, &variables);
    if (!v)
      return fail(
          "Argument \"" + name + "\" has invalid value " + scalars::print_value(literal) + ".",
          literal.loc);
    out[name] = std::move(*v);
  }
  return std::nullopt;
}

std::optional<json::Value> value_from_ast(const schema::Schema& schema, const Value& literal,
                                          const schema::TypeRef& type,
                                          const VariableValues& variables) {
  return value_from_ast_impl(schema, literal, type_of(schema, type), &variables);
}

std::optional<json::Value> default_value(const schema::Schema& schema,
                                         const schema::InputValue& input) {
  return coerced_default(schema, input);
}

}  // namespace pg_gateway::graphql::exec
