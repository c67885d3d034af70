#include "core/graphql/execution/introspection.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "core/graphql/builtin_types.hpp"
#include "core/json/json_writer.hpp"

namespace pg_gateway::graphql::exec {

using schema::NamedType;

// ---------------------------------------------------------------------------
// The index

struct IntrospectionIndex::Data {
  std::vector<const NamedType*> types;  // __Schema.types order
  std::unordered_map<std::string_view, const NamedType*> by_name;
  // Interface name -> the object types implementing it, in type map order
  // (graphql-js getPossibleTypes: _implementationsMap, filled in that order).
  std::unordered_map<std::string_view, std::vector<const NamedType*>> implementations;
  std::vector<const schema::Directive*> directives;

  const NamedType* find(std::string_view name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? nullptr : it->second;
  }
};

namespace {

// graphql-js collectReferencedTypes: depth first, a type before what it
// references; objects and interfaces reach their interfaces, then each
// field's type followed by its arguments' types. Iterative, with children
// pushed in reverse, so deep schemas do not recurse on the C++ stack.
void collect_referenced(const std::string& root, const schema::Schema& schema,
                        IntrospectionIndex::Data& data) {
  std::vector<std::string_view> stack{root};
  while (!stack.empty()) {
    std::string_view name = stack.back();
    stack.pop_back();
    if (data.by_name.count(name)) continue;
    const NamedType* t = schema.find(name);
    if (!t) t = builtin_type(name);
    if (!t) continue;  // an unknown reference: the model never has one
    data.by_name.emplace(t->name, t);
    data.types.push_back(t);
    size_t first_child = stack.size();
    switch (t->kind) {
      case NamedType::Kind::kUnion:
        for (const std::string& m : t->members) stack.push_back(m);
        break;
      case NamedType::Kind::kObject:
      case NamedType::Kind::kInterface:
        for (const std::string& i : t->interfaces) stack.push_back(i);
        for (const schema::Field& f : t->fields) {
          stack.push_back(f.type.name);
          for (const schema::InputValue& a : f.args) stack.push_back(a.type.name);
        }
        break;
      case NamedType::Kind::kInputObject:
        for (const schema::InputValue& f : t->input_fields) stack.push_back(f.type.name);
        break;
      default:
        break;
    }
    std::reverse(stack.begin() + static_cast<std::ptrdiff_t>(first_child), stack.end());
  }
}

}  // namespace

IntrospectionIndex::IntrospectionIndex(const schema::Schema& schema)
    : schema_(schema), data_(std::make_unique<Data>()) {
  Data& d = *data_;
  for (const schema::Directive& dir : specified_directives()) d.directives.push_back(&dir);
  for (const schema::Directive& dir : schema.directives) d.directives.push_back(&dir);

  collect_referenced(schema.query_type, schema, d);
  if (schema.mutation_type) collect_referenced(*schema.mutation_type, schema, d);
  if (schema.subscription_type) collect_referenced(*schema.subscription_type, schema, d);
  for (const schema::Directive* dir : d.directives)
    for (const schema::InputValue& a : dir->args) collect_referenced(a.type.name, schema, d);
  collect_referenced("__Schema", schema, d);

  for (const NamedType* t : d.types)
    if (t->kind == NamedType::Kind::kObject)
      for (const std::string& i : t->interfaces) d.implementations[i].push_back(t);
}

IntrospectionIndex::~IntrospectionIndex() = default;

std::vector<std::string> IntrospectionIndex::type_names() const {
  std::vector<std::string> names;
  for (const NamedType* t : data_->types) names.push_back(t->name);
  return names;
}

bool is_introspection_root_field(std::string_view field_name) {
  return field_name == "__schema" || field_name == "__type";
}

// ---------------------------------------------------------------------------
// Execution

namespace {

// A field error on its way to the nearest nullable field or list item.
// `located` once the innermost field (or item) has stamped its path, which
// graphql-js's locatedError keeps from then on.
struct FieldFailure {
  Error error;
  bool located = false;
};

// The introspection object types, and for each the fields it answers.
enum class Obj { kSchema, kType, kField, kInputValue, kEnumValue, kDirective };

constexpr std::string_view obj_name(Obj o) {
  switch (o) {
    case Obj::kSchema:
      return "__Schema";
    case Obj::kType:
      return "__Type";
    case Obj::kField:
      return "__Field";
    case Obj::kInputValue:
      return "__InputValue";
    case Obj::kEnumValue:
      return "__EnumValue";
    case Obj::kDirective:
      return "__Directive";
  }
  return "";
}

// One id per (object type, field) pair; kUnknown fields are left out of
// the response as graphql-js does for fields the type does not define.
enum Fid : int {
  kUnknown,
  kTypename,
  // __Schema
  kSchemaDescription,
  kSchemaTypes,
  kSchemaQueryType,
  kSchemaMutationType,
  kSchemaSubscriptionType,
  kSchemaDirectives,
  // __Type
  kTypeKind,
  kTypeName,
  kTypeDescription,
  kTypeSpecifiedByUrl,
  kTypeFields,
  kTypeInterfaces,
  kTypePossibleTypes,
  kTypeEnumValues,
  kTypeInputFields,
  kTypeOfType,
  kTypeIsOneOf,
  // __Field, __InputValue, __EnumValue, __Directive share these
  kName,
  kDescription,
  kArgs,
  kType,
  kDefaultValue,
  kIsDeprecated,
  kDeprecationReason,
  kIsRepeatable,
  kLocations,
};

Fid field_id(Obj obj, std::string_view n) {
  if (n == "__typename") return kTypename;
  switch (obj) {
    case Obj::kSchema:
      if (n == "description") return kSchemaDescription;
      if (n == "types") return kSchemaTypes;
      if (n == "queryType") return kSchemaQueryType;
      if (n == "mutationType") return kSchemaMutationType;
      if (n == "subscriptionType") return kSchemaSubscriptionType;
      if (n == "directives") return kSchemaDirectives;
      return kUnknown;
    case Obj::kType:
      if (n == "kind") return kTypeKind;
      if (n == "name") return kTypeName;
      if (n == "description") return kTypeDescription;
      if (n == "specifiedByURL") return kTypeSpecifiedByUrl;
      if (n == "fields") return kTypeFields;
      if (n == "interfaces") return kTypeInterfaces;
      if (n == "possibleTypes") return kTypePossibleTypes;
      if (n == "enumValues") return kTypeEnumValues;
      if (n == "inputFields") return kTypeInputFields;
      if (n == "ofType") return kTypeOfType;
      if (n == "isOneOf") return kTypeIsOneOf;
      return kUnknown;
    default:
      break;
  }
  if (n == "name") return kName;
  if (n == "description") return kDescription;
  if (n == "isDeprecated" && obj != Obj::kDirective) return kIsDeprecated;
  if (n == "deprecationReason" && obj != Obj::kDirective) return kDeprecationReason;
  switch (obj) {
    case Obj::kField:
      if (n == "args") return kArgs;
      if (n == "type") return kType;
      break;
    case Obj::kInputValue:
      if (n == "type") return kType;
      if (n == "defaultValue") return kDefaultValue;
      break;
    case Obj::kDirective:
      if (n == "isRepeatable") return kIsRepeatable;
      if (n == "locations") return kLocations;
      if (n == "args") return kArgs;
      if (n == "isDeprecated") return kIsDeprecated;
      if (n == "deprecationReason") return kDeprecationReason;
      break;
    default:
      break;
  }
  return kUnknown;
}

// A __Type value: a named type, or the wrapper at `depth` of a reference
// ([Post!]! is NON_NULL, then LIST, then NON_NULL, then Post).
struct TypeView {
  const NamedType* named = nullptr;  // set when this is the named type itself
  const schema::TypeRef* ref = nullptr;
  size_t depth = 0;
};

// The sub-selection of one field group, collected once per request for
// every object the group is completed on (graphql-js memoizes the same).
struct Plan {
  std::vector<FieldGroup> groups;
  std::vector<Fid> ids;
};

class Executor {
 public:
  Executor(const IntrospectionIndex& index, const FragmentMap& fragments,
           const VariableValues& variables, std::vector<PathSegment> path,
           std::vector<Error>& errors)
      : schema_(index.schema()),
        data_(index.data()),
        fragments_(fragments),
        variables_(variables),
        path_(std::move(path)),
        errors_(errors) {}

  // The root field; false when its null must propagate to "data".
  bool root(const FieldGroup& group) {
    std::string_view name = group.first().name.value;
    if (name == "__schema") {
      try {
        write_schema(group);
      } catch (FieldFailure& f) {
        if (!f.located) f.error.path = path_;
        errors_.push_back(std::move(f.error));
        return false;
      }
      return true;
    }
    guarded(false, [&] {
      std::optional<std::string> type_name = string_arg(group.first(), "name");
      const NamedType* t = type_name ? data_.find(*type_name) : nullptr;
      if (t)
        write_type(TypeView{t, nullptr, 0}, group);
      else
        out_ += "null";
    });
    return true;
  }

  std::string take() { return std::move(out_); }

 private:
  // ---- error handling and arguments

  // Runs `body`, which writes one value; on a field error rolls the output
  // back and writes null, or passes the error up if the position is
  // non-null (graphql-js handleFieldError).
  // The path at the throw is the failing position's (the unwinding skipped
  // every pop_back), so the innermost handler stamps it there.
  template <typename Body>
  void guarded(bool non_null, Body&& body) {
    size_t mark = out_.size();
    size_t depth = path_.size();
    try {
      body();
    } catch (FieldFailure& f) {
      if (!f.located) {
        f.error.path = path_;
        f.located = true;
      }
      if (non_null) throw;
      path_.resize(depth);
      out_.resize(mark);
      out_ += "null";
      errors_.push_back(std::move(f.error));
    }
  }

  [[noreturn]] static void fail(std::string message, const Location& at) {
    FieldFailure f;
    f.error.message = std::move(message);
    f.error.locations.push_back({at.line, at.column});
    throw f;
  }

  // The last argument node of that name (graphql-js keyMap), or nullptr.
  static const Argument* find_arg(const Field& node, std::string_view name) {
    const Argument* found = nullptr;
    for (const Argument& a : node.arguments)
      if (a.name.value == name) found = &a;
    return found;
  }

  // A literal or variable argument value as getArgumentValues sees it:
  // nullptr when absent (or a variable without a runtime value), else the
  // JSON value for variables or the AST for literals.
  struct ArgValue {
    const Value* literal = nullptr;
    const json::Value* variable = nullptr;
    bool given() const { return literal || variable; }
  };

  ArgValue arg_value(const Field& node, std::string_view name, bool required,
                     std::string_view type) {
    const Argument* arg = find_arg(node, name);
    if (!arg) {
      if (required)
        fail("Argument \"" + std::string(name) + "\" of required type \"" + std::string(type) +
                 "\" was not provided.",
             node.loc);
      return {};
    }
    const Value& v = arg->value;
    if (const Variable* var = v.as<Variable>()) {
      auto it = variables_.find(var->name.value);
      if (it == variables_.end()) {
        if (required)
          fail("Argument \"" + std::string(name) + "\" of required type \"" + std::string(type) +
                   "\" was provided the variable \"$" + var->name.value +
                   "\" which was not provided a runtime value.",
               v.loc);
        return {};
      }
      if (it->second.is_null() && type.back() == '!')
        fail("Argument \"" + std::string(name) + "\" of non-null type \"" + std::string(type) +
                 "\" must not be null.",
             v.loc);
      return ArgValue{nullptr, &it->second};
    }
    if (v.kind() == ValueKind::kNull && type.back() == '!')
      fail("Argument \"" + std::string(name) + "\" of non-null type \"" + std::string(type) +
               "\" must not be null.",
           v.loc);
    return ArgValue{&v, nullptr};
  }

  [[noreturn]] static void invalid_literal(std::string_view name, const Value& v) {
    fail("Argument \"" + std::string(name) + "\" has invalid value " + print_value_literal(v) + ".",
         v.loc);
  }

  // includeDeprecated: Boolean = false (Boolean! = false on
  // __Schema.directives). Only true includes deprecated entries: null and
  // the default exclude them, as graphql-js's truthiness test does.
  bool include_deprecated(const Field& node, bool non_null) {
    ArgValue v = arg_value(node, "includeDeprecated", false, non_null ? "Boolean!" : "Boolean");
    if (v.variable) return v.variable->is_bool() && v.variable->as_bool();
    if (!v.literal || v.literal->kind() == ValueKind::kNull) return false;
    if (const BooleanValue* b = v.literal->as<BooleanValue>()) return b->value;
    invalid_literal("includeDeprecated", *v.literal);
  }

  // __type(name: String!): nullopt for a value that names no type.
  std::optional<std::string> string_arg(const Field& node, std::string_view name) {
    ArgValue v = arg_value(node, name, true, "String!");
    if (v.variable) {
      if (!v.variable->is_string()) return std::nullopt;
      return v.variable->text();
    }
    if (const StringValue* s = v.literal->as<StringValue>()) return s->value;
    invalid_literal(name, *v.literal);
  }

  // ---- sub-selections

  const Plan& plan(const FieldGroup& group, Obj obj) {
    auto it = plans_.find(&group);
    if (it != plans_.end()) return it->second;
    Plan p;
    try {
      p.groups = collect_subfields(schema_, obj_name(obj), group, fragments_, variables_);
    } catch (CollectFieldsError& e) {
      FieldFailure f;
      f.error = std::move(e.error);
      throw f;
    }
    p.ids.reserve(p.groups.size());
    for (const FieldGroup& g : p.groups) p.ids.push_back(field_id(obj, g.first().name.value));
    return plans_.emplace(&group, std::move(p)).first->second;
  }

  // Writes {"key": value, ...} for `obj`, calling `value(id, group)` for
  // each known field; unknown fields are skipped, __typename answered.
  template <typename ValueFn>
  void object(const FieldGroup& group, Obj obj, ValueFn&& value) {
    const Plan& p = plan(group, obj);
    out_ += '{';
    bool first = true;
    for (size_t i = 0; i < p.groups.size(); ++i) {
      if (p.ids[i] == kUnknown) continue;
      if (!first) out_ += ',';
      first = false;
      json::append_quoted(out_, p.groups[i].response_key);
      out_ += ':';
      path_.emplace_back(p.groups[i].response_key);
      if (p.ids[i] == kTypename)
        json::append_quoted(out_, obj_name(obj));
      else
        value(p.ids[i], p.groups[i]);
      path_.pop_back();
    }
    out_ += '}';
  }

  // A list of non-null objects: an item's error nulls the whole list (or
  // passes up when the list itself is non-null).
  template <typename Items, typename WriteItem>
  void list(bool non_null, const Items& items, WriteItem&& write_item) {
    guarded(non_null, [&] {
      out_ += '[';
      for (size_t i = 0; i < items.size(); ++i) {
        if (i) out_ += ',';
        path_.emplace_back(static_cast<int64_t>(i));
        guarded(true, [&] { write_item(items[i]); });
        path_.pop_back();
      }
      out_ += ']';
    });
  }

  void string_or_null(const std::optional<std::string>& s) {
    if (s)
      json::append_quoted(out_, *s);
    else
      out_ += "null";
  }

  // Entries not deprecated, unless include is set (graphql-js filters with
  // deprecationReason == null).
  template <typename T>
  std::vector<const T*> visible(const std::vector<T>& all, bool include) {
    std::vector<const T*> out;
    out.reserve(all.size());
    for (const T& x : all)
      if (include || !x.deprecation_reason) out.push_back(&x);
    return out;
  }

  // ---- the objects

  void write_schema(const FieldGroup& group) {
    object(group, Obj::kSchema, [&](Fid id, const FieldGroup& g) {
      switch (id) {
        case kSchemaDescription:
          return string_or_null(schema_.description);
        case kSchemaTypes:
          return list(true, data_.types, [&](const NamedType* t) {
            write_type(TypeView{t, nullptr, 0}, g);
          });
        case kSchemaQueryType:
          return named_type_or_null(true, schema_.query_type, g);
        case kSchemaMutationType:
          return named_type_or_null(false, schema_.mutation_type, g);
        case kSchemaSubscriptionType:
          return named_type_or_null(false, schema_.subscription_type, g);
        case kSchemaDirectives:
          return guarded(true, [&] {
            include_deprecated(g.first(), true);  // no directive is deprecated in the model
            list(true, data_.directives,
                 [&](const schema::Directive* d) { write_directive(*d, g); });
          });
        default:
          return;
      }
    });
  }

  void named_type_or_null(bool non_null, const std::optional<std::string>& name,
                          const FieldGroup& g) {
    const NamedType* t = name ? data_.find(*name) : nullptr;
    guarded(non_null, [&] {
      if (t)
        write_type(TypeView{t, nullptr, 0}, g);
      else
        out_ += "null";
    });
  }

  // Resolves a view to the named type when it is past its wrappers.
  TypeView resolved(TypeView v) {
    if (!v.named && v.ref && v.depth >= v.ref->wrappers.size()) v.named = data_.find(v.ref->name);
    return v;
  }

  static std::string_view kind_name(NamedType::Kind k) {
    switch (k) {
      case NamedType::Kind::kScalar:
        return "SCALAR";
      case NamedType::Kind::kObject:
        return "OBJECT";
      case NamedType::Kind::kInterface:
        return "INTERFACE";
      case NamedType::Kind::kUnion:
        return "UNION";
      case NamedType::Kind::kEnum:
        return "ENUM";
      case NamedType::Kind::kInputObject:
        return "INPUT_OBJECT";
    }
    return "";
  }

  void write_type(TypeView view, const FieldGroup& group) {
    const TypeView v = resolved(view);
    const NamedType* t = v.named;
    const bool wrapper = !t;
    object(group, Obj::kType, [&](Fid id, const FieldGroup& g) {
      switch (id) {
        case kTypeKind:
          if (wrapper)
            out_ += v.ref->wrappers[v.depth] == schema::TypeRef::Wrapper::kList ? "\"LIST\""
                                                                                : "\"NON_NULL\"";
          else
            json::append_quoted(out_, kind_name(t->kind));
          return;
        case kTypeName:
          return wrapper ? void(out_ += "null") : json::append_quoted(out_, t->name);
        case kTypeDescription:
          return wrapper ? void(out_ += "null") : string_or_null(t->description);
        case kTypeSpecifiedByUrl:
          return wrapper ? void(out_ += "null") : string_or_null(t->specified_by_url);
        case kTypeFields:
          return guarded(false, [&] {
            bool include = include_deprecated(g.first(), false);
            if (wrapper ||
                (t->kind != NamedType::Kind::kObject && t->kind != NamedType::Kind::kInterface))
              return void(out_ += "null");
            list(false, visible(t->fields, include),
                 [&](const schema::Field* f) { write_field(*f, g); });
          });
        case kTypeInterfaces:
          if (wrapper ||
              (t->kind != NamedType::Kind::kObject && t->kind != NamedType::Kind::kInterface))
            return void(out_ += "null");
          return named_list(t->interfaces, g);
        case kTypePossibleTypes:
          if (wrapper) return void(out_ += "null");
          if (t->kind == NamedType::Kind::kUnion) return named_list(t->members, g);
          if (t->kind == NamedType::Kind::kInterface) {
            auto it = data_.implementations.find(t->name);
            static const std::vector<const NamedType*> kNone;
            return list(false, it == data_.implementations.end() ? kNone : it->second,
                        [&](const NamedType* o) {
                          write_type(TypeView{o, nullptr, 0}, g);
                        });
          }
          return void(out_ += "null");
        case kTypeEnumValues:
          return guarded(false, [&] {
            bool include = include_deprecated(g.first(), false);
            if (wrapper || t->kind != NamedType::Kind::kEnum) return void(out_ += "null");
            list(false, visible(t->values, include),
                 [&](const schema::EnumValue* e) { write_enum_value(*e, g); });
          });
        case kTypeInputFields:
          return guarded(false, [&] {
            bool include = include_deprecated(g.first(), false);
            if (wrapper || t->kind != NamedType::Kind::kInputObject) return void(out_ += "null");
            list(false, visible(t->input_fields, include),
                 [&](const schema::InputValue* f) { write_input_value(*f, g); });
          });
        case kTypeOfType:
          if (!wrapper) return void(out_ += "null");
          return guarded(false, [&] { write_type(TypeView{nullptr, v.ref, v.depth + 1}, g); });
        case kTypeIsOneOf:
          out_ += (!wrapper && t->kind == NamedType::Kind::kInputObject) ? "false" : "null";
          return;
        default:
          return;
      }
    });
  }

  // interfaces and union members: names resolved through the index.
  void named_list(const std::vector<std::string>& names, const FieldGroup& g) {
    std::vector<const NamedType*> types;
    types.reserve(names.size());
    for (const std::string& n : names)
      if (const NamedType* t = data_.find(n)) types.push_back(t);
    list(false, types, [&](const NamedType* t) { write_type(TypeView{t, nullptr, 0}, g); });
  }

  void type_ref(const schema::TypeRef& ref, const FieldGroup& g) {
    guarded(true, [&] { write_type(TypeView{nullptr, &ref, 0}, g); });
  }

  template <typename T>
  void deprecation(Fid id, const T& x) {
    if (id == kIsDeprecated)
      out_ += x.deprecation_reason ? "true" : "false";
    else
      string_or_null(x.deprecation_reason);
  }

  void write_field(const schema::Field& f, const FieldGroup& group) {
    object(group, Obj::kField, [&](Fid id, const FieldGroup& g) {
      switch (id) {
        case kName:
          return json::append_quoted(out_, f.name);
        case kDescription:
          return string_or_null(f.description);
        case kArgs:
          return input_values(f.args, g);
        case kType:
          return type_ref(f.type, g);
        case kIsDeprecated:
        case kDeprecationReason:
          return deprecation(id, f);
        default:
          return;
      }
    });
  }

  void input_values(const std::vector<schema::InputValue>& args, const FieldGroup& g) {
    guarded(true, [&] {
      bool include = include_deprecated(g.first(), false);
      list(true, visible(args, include),
           [&](const schema::InputValue* a) { write_input_value(*a, g); });
    });
  }

  void write_input_value(const schema::InputValue& v, const FieldGroup& group) {
    object(group, Obj::kInputValue, [&](Fid id, const FieldGroup& g) {
      switch (id) {
        case kName:
          return json::append_quoted(out_, v.name);
        case kDescription:
          return string_or_null(v.description);
        case kType:
          return type_ref(v.type, g);
        case kDefaultValue:
          return string_or_null(v.default_value);
        case kIsDeprecated:
        case kDeprecationReason:
          return deprecation(id, v);
        default:
          return;
      }
    });
  }

  void write_enum_value(const schema::EnumValue& e, const FieldGroup& group) {
    object(group, Obj::kEnumValue, [&](Fid id, const FieldGroup&) {
      switch (id) {
        case kName:
          return json::append_quoted(out_, e.name);
        case kDescription:
          return string_or_null(e.description);
        case kIsDeprecated:
        case kDeprecationReason:
          return deprecation(id, e);
        default:
          return;
      }
    });
  }

  void write_directive(const schema::Directive& d, const FieldGroup& group) {
    object(group, Obj::kDirective, [&](Fid id, const FieldGroup& g) {
      switch (id) {
        case kName:
          return json::append_quoted(out_, d.name);
        case kDescription:
          return string_or_null(d.description);
        case kIsRepeatable:
          out_ += d.repeatable ? "true" : "false";
          return;
        case kLocations:
          out_ += '[';
          for (size_t i = 0; i < d.locations.size(); ++i) {
            if (i) out_ += ',';
            json::append_quoted(out_, d.locations[i]);
          }
          out_ += ']';
          return;
        case kArgs:
          return input_values(d.args, g);
        case kIsDeprecated:
          out_ += "false";
          return;
        case kDeprecationReason:
          out_ += "null";
          return;
        default:
          return;
      }
    });
  }

  const schema::Schema& schema_;
  const IntrospectionIndex::Data& data_;
  const FragmentMap& fragments_;
  const VariableValues& variables_;
  std::vector<PathSegment> path_;
  std::vector<Error>& errors_;
  std::string out_;
  std::unordered_map<const FieldGroup*, Plan> plans_;
};

}  // namespace

std::optional<std::string> resolve_introspection_field(
    const IntrospectionIndex& index, const FieldGroup& group, const FragmentMap& fragments,
    const VariableValues& variables, std::vector<PathSegment> path, std::vector<Error>& errors) {
  Executor executor(index, fragments, variables, std::move(path), errors);
  if (!executor.root(group)) return std::nullopt;
  return executor.take();
}

std::optional<std::string> resolve_introspection_field(
    const schema::Schema& schema, const FieldGroup& group, const FragmentMap& fragments,
    const VariableValues& variables, std::vector<PathSegment> path, std::vector<Error>& errors) {
  IntrospectionIndex index(schema);
  return resolve_introspection_field(index, group, fragments, variables, std::move(path), errors);
}

}  // namespace pg_gateway::graphql::exec
