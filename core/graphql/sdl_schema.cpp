#include "core/graphql/sdl_schema.hpp"

#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "core/graphql/parser.hpp"
#include "core/graphql/scalars.hpp"

namespace pg_gateway::graphql {

namespace {

using schema::NamedType;

constexpr std::string_view kDefaultDeprecationReason = "No longer supported";

bool is_specified_directive(std::string_view name) {
  return name == "include" || name == "skip" || name == "deprecated" || name == "specifiedBy" ||
         name == "oneOf";
}

// The AST's type reference as the model's: wrappers outermost first.
schema::TypeRef to_type_ref(const TypeRef& ast) {
  schema::TypeRef out;
  const TypeRef* t = &ast;
  while (t->kind != TypeRef::Kind::kNamed) {
    out.wrappers.push_back(t->kind == TypeRef::Kind::kList ? schema::TypeRef::Wrapper::kList
                                                           : schema::TypeRef::Wrapper::kNonNull);
    t = t->inner.get();
  }
  out.name = t->name.value;
  return out;
}

std::optional<std::string> description_of(const std::optional<Description>& d) {
  if (!d) return std::nullopt;
  return d->value;
}

const Argument* find_argument(const Directive& d, std::string_view name) {
  const Argument* found = nullptr;
  for (const Argument& a : d.arguments)
    if (a.name.value == name) found = &a;
  return found;
}

// graphql-js getDeprecationReason: @deprecated with no reason means the
// default reason; reason: null means not deprecated.
std::optional<std::string> deprecation_of(const std::vector<Directive>& directives) {
  for (const Directive& d : directives) {
    if (d.name.value != "deprecated") continue;
    const Argument* reason = find_argument(d, "reason");
    if (!reason) return std::string(kDefaultDeprecationReason);
    if (const StringValue* s = reason->value.as<StringValue>()) return s->value;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> specified_by_of(const std::vector<Directive>& directives) {
  for (const Directive& d : directives) {
    if (d.name.value != "specifiedBy") continue;
    const Argument* url = find_argument(d, "url");
    if (url && url->value.as<StringValue>()) return url->value.as<StringValue>()->value;
  }
  return std::nullopt;
}

// /^-?(?:0|[1-9][0-9]*)$/: an ID that astFromValue prints as an Int.
bool is_integer_string(std::string_view s) {
  size_t i = (!s.empty() && s[0] == '-') ? 1 : 0;
  if (i >= s.size()) return false;
  if (s[i] == '0') return i + 1 == s.size();
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// Builds the Schema in two passes: first every definition becomes a type
// (remembering the default-value literals), then, with all types known,
// references are checked and defaults are coerced and printed.
class SchemaFromSdl {
 public:
  SchemaFromSdl(const Document& doc, const SdlOptions& options) : doc_(doc), options_(options) {}

  schema::Schema build() {
    for (const Definition& def : doc_.definitions) collect(def);
    for (const Definition& def : doc_.definitions) extend(def);
    set_root_types();
    for (auto& [name, type] : types_) check_references(type);
    for (schema::Directive& d : directives_)
      for (schema::InputValue& a : d.args) check_type(a.type);
    resolve_defaults();
    schema::Schema out = std::move(schema_);
    for (auto& [name, type] : types_) out.add(std::move(type));
    out.directives = std::move(directives_);
    return out;
  }

 private:
  // Where a default literal was written, kept until every type is known
  // (indexes, not pointers: extensions may still grow the vectors).
  struct DefaultSite {
    enum Kind { kFieldArg, kInputField, kDirectiveArg } kind;
    std::string owner;  // type name (empty for directives)
    size_t index;       // field, input field or directive
    size_t arg;         // argument (field and directive arguments)
    const Value* literal;
  };

  void collect(const Definition& def) {
    switch (def.kind()) {
      case DefinitionKind::kSchema:
        for (const OperationTypeDefinition& op : def.as<SchemaDefinition>()->operation_types)
          set_operation(op);
        explicit_schema_ = true;
        if (def.as<SchemaDefinition>()->description)
          schema_.description = def.as<SchemaDefinition>()->description->value;
        return;
      case DefinitionKind::kScalarType: {
        const auto& d = *def.as<ScalarTypeDefinition>();
        NamedType& t = add_type(d.name, NamedType::Kind::kScalar, d.description);
        t.specified_by_url = specified_by_of(d.directives);
        return;
      }
      case DefinitionKind::kObjectType: {
        const auto& d = *def.as<ObjectTypeDefinition>();
        NamedType& t = add_type(d.name, NamedType::Kind::kObject, d.description);
        add_members(t, d.interfaces, d.fields);
        return;
      }
      case DefinitionKind::kInterfaceType: {
        const auto& d = *def.as<InterfaceTypeDefinition>();
        NamedType& t = add_type(d.name, NamedType::Kind::kInterface, d.description);
        add_members(t, d.interfaces, d.fields);
        return;
      }
      case DefinitionKind::kUnionType: {
        const auto& d = *def.as<UnionTypeDefinition>();
        NamedType& t = add_type(d.name, NamedType::Kind::kUnion, d.description);
        for (const graphql::NamedType& m : d.types) t.members.push_back(m.name.value);
        return;
      }
      case DefinitionKind::kEnumType: {
        const auto& d = *def.as<EnumTypeDefinition>();
        NamedType& t = add_type(d.name, NamedType::Kind::kEnum, d.description);
        add_enum_values(t, d.values);
        return;
      }
      case DefinitionKind::kInputObjectType: {
        const auto& d = *def.as<InputObjectTypeDefinition>();
        add_input_fields(add_type(d.name, NamedType::Kind::kInputObject, d.description), d.fields);
        return;
      }
      case DefinitionKind::kDirective: {
        const auto& d = *def.as<DirectiveDefinition>();
        if (is_specified_directive(d.name.value) && !options_.keep_specified_directives) return;
        schema::Directive out;
        out.name = d.name.value;
        out.description = description_of(d.description);
        out.repeatable = d.repeatable;
        for (const Name& loc : d.locations) out.locations.push_back(loc.value);
        directives_.push_back(std::move(out));
        size_t at = directives_.size() - 1;
        add_input_values(directives_.back().args, d.arguments, [&](size_t i, const Value* v) {
          defaults_.push_back({DefaultSite::kDirectiveArg, {}, at, i, v});
        });
        return;
      }
      default:
        return;  // extensions: second pass; executable definitions: ignored
    }
  }

  void extend(const Definition& def) {
    switch (def.kind()) {
      case DefinitionKind::kSchemaExtension:
        for (const OperationTypeDefinition& op : def.as<SchemaExtension>()->operation_types)
          set_operation(op);
        explicit_schema_ = true;
        return;
      case DefinitionKind::kObjectTypeExtension: {
        const auto& d = *def.as<ObjectTypeExtension>();
        add_members(extended(d.name, NamedType::Kind::kObject), d.interfaces, d.fields);
        return;
      }
      case DefinitionKind::kInterfaceTypeExtension: {
        const auto& d = *def.as<InterfaceTypeExtension>();
        add_members(extended(d.name, NamedType::Kind::kInterface), d.interfaces, d.fields);
        return;
      }
      case DefinitionKind::kUnionTypeExtension: {
        const auto& d = *def.as<UnionTypeExtension>();
        NamedType& t = extended(d.name, NamedType::Kind::kUnion);
        for (const graphql::NamedType& m : d.types) t.members.push_back(m.name.value);
        return;
      }
      case DefinitionKind::kEnumTypeExtension: {
        const auto& d = *def.as<EnumTypeExtension>();
        add_enum_values(extended(d.name, NamedType::Kind::kEnum), d.values);
        return;
      }
      case DefinitionKind::kInputObjectTypeExtension: {
        const auto& d = *def.as<InputObjectTypeExtension>();
        add_input_fields(extended(d.name, NamedType::Kind::kInputObject), d.fields);
        return;
      }
      case DefinitionKind::kScalarTypeExtension:
        extended(def.as<ScalarTypeExtension>()->name, NamedType::Kind::kScalar);
        return;
      default:
        return;
    }
  }

  NamedType& add_type(const Name& name, NamedType::Kind kind,
                      const std::optional<Description>& description) {
    if (types_.count(name.value) || schema::is_specified_scalar(name.value))
      throw SdlError("There can be only one type named \"" + name.value + "\".");
    NamedType& t = types_[name.value];
    t.kind = kind;
    t.name = name.value;
    t.description = description_of(description);
    return t;
  }

  NamedType& extended(const Name& name, NamedType::Kind kind) {
    auto it = types_.find(name.value);
    if (it == types_.end() || it->second.kind != kind)
      throw SdlError("Cannot extend type \"" + name.value + "\" because it is not defined.");
    return it->second;
  }

  void add_members(NamedType& t, const std::vector<graphql::NamedType>& interfaces,
                   const std::vector<FieldDefinition>& fields) {
    for (const graphql::NamedType& i : interfaces) t.interfaces.push_back(i.name.value);
    for (const FieldDefinition& fd : fields) {
      schema::Field f;
      f.name = fd.name.value;
      f.description = description_of(fd.description);
      f.type = to_type_ref(fd.type);
      f.deprecation_reason = deprecation_of(fd.directives);
      t.fields.push_back(std::move(f));
      size_t at = t.fields.size() - 1;
      add_input_values(t.fields.back().args, fd.arguments, [&](size_t i, const Value* v) {
        defaults_.push_back({DefaultSite::kFieldArg, t.name, at, i, v});
      });
    }
  }

  void add_enum_values(NamedType& t, const std::vector<EnumValueDefinition>& values) {
    for (const EnumValueDefinition& v : values)
      t.values.push_back(schema::EnumValue{v.name.value, description_of(v.description),
                                           deprecation_of(v.directives)});
  }

  void add_input_fields(NamedType& t, const std::vector<InputValueDefinition>& defs) {
    add_input_values(t.input_fields, defs, [&](size_t i, const Value* v) {
      defaults_.push_back({DefaultSite::kInputField, t.name, i, 0, v});
      input_field_defaults_[{t.name, i}] = v;
    });
  }

  // Adds the input values; on_default(index, literal) for each default.
  template <typename OnDefault>
  void add_input_values(std::vector<schema::InputValue>& out,
                        const std::vector<InputValueDefinition>& defs, OnDefault on_default) {
    for (const InputValueDefinition& d : defs) {
      schema::InputValue v;
      v.name = d.name.value;
      v.description = description_of(d.description);
      v.type = to_type_ref(d.type);
      v.deprecation_reason = deprecation_of(d.directives);
      out.push_back(std::move(v));
      if (d.default_value) on_default(out.size() - 1, &*d.default_value);
    }
  }

  void set_operation(const OperationTypeDefinition& op) {
    const std::string& name = op.type.name.value;
    switch (op.operation) {
      case OperationType::kQuery:
        schema_.query_type = name;
        break;
      case OperationType::kMutation:
        schema_.mutation_type = name;
        break;
      case OperationType::kSubscription:
        schema_.subscription_type = name;
        break;
    }
  }

  void set_root_types() {
    if (explicit_schema_) return;
    if (types_.count("Mutation")) schema_.mutation_type = "Mutation";
    if (types_.count("Subscription")) schema_.subscription_type = "Subscription";
  }

  void check_type(const schema::TypeRef& t) {
    if (!types_.count(t.name) && !schema::is_specified_scalar(t.name))
      throw SdlError("Unknown type: \"" + t.name + "\".");
  }

  void check_references(const NamedType& t) {
    for (const schema::Field& f : t.fields) {
      check_type(f.type);
      for (const schema::InputValue& a : f.args) check_type(a.type);
    }
    for (const schema::InputValue& f : t.input_fields) check_type(f.type);
    for (const std::string& i : t.interfaces) check_type(schema::TypeRef::named(i));
    for (const std::string& m : t.members) check_type(schema::TypeRef::named(m));
  }

  // ---- default values: valueFromAST, then astFromValue and print ----

  void resolve_defaults() {
    for (const DefaultSite& site : defaults_) {
      schema::InputValue* v = nullptr;
      switch (site.kind) {
        case DefaultSite::kFieldArg:
          v = &types_.find(site.owner)->second.fields[site.index].args[site.arg];
          break;
        case DefaultSite::kInputField:
          v = &types_.find(site.owner)->second.input_fields[site.index];
          break;
        case DefaultSite::kDirectiveArg:
          v = &directives_[site.index].args[site.arg];
          break;
      }
      v->default_value = print_coerced(*site.literal, v->type, 0, 0);
    }
  }

  // The printed default of an input object's field that the literal left
  // out (valueFromAST fills it in), or nullopt when it has none.
  std::optional<std::string> field_default(NamedType& type, size_t index, int depth) {
    auto lit = input_field_defaults_.find({type.name, index});
    if (lit == input_field_defaults_.end()) return std::nullopt;
    return print_coerced(*lit->second, type.input_fields[index].type, 0, depth + 1);
  }

  std::optional<std::string> print_coerced(const Value& literal, const schema::TypeRef& type,
                                           size_t wrapper, int depth) {
    if (depth > 64) return std::nullopt;  // defaults that refer to each other
    using Wrapper = schema::TypeRef::Wrapper;
    const bool non_null =
        wrapper < type.wrappers.size() && type.wrappers[wrapper] == Wrapper::kNonNull;
    if (non_null) {
      if (literal.kind() == ValueKind::kNull) return std::nullopt;
      return print_coerced(literal, type, wrapper + 1, depth);
    }
    if (literal.kind() == ValueKind::kVariable) return std::nullopt;
    if (literal.kind() == ValueKind::kNull) return "null";
    if (wrapper < type.wrappers.size()) {  // a list
      if (const ListValue* list = literal.as<ListValue>()) {
        std::string out = "[";
        for (size_t i = 0; i < list->values.size(); ++i) {
          std::optional<std::string> item =
              print_coerced(list->values[i], type, wrapper + 1, depth);
          if (!item) return std::nullopt;
          out += (i ? ", " : "") + *item;
        }
        return out + "]";
      }
      std::optional<std::string> item = print_coerced(literal, type, wrapper + 1, depth);
      if (!item) return std::nullopt;
      return "[" + *item + "]";
    }
    return print_named(literal, type.name, depth);
  }

  std::optional<std::string> print_named(const Value& literal, const std::string& name, int depth) {
    if (schema::is_specified_scalar(name)) {
      scalars::LeafResult r = scalars::parse_literal(scalars::codec_for(name), literal, nullptr);
      if (!r.ok()) return std::nullopt;
      if (name == "Boolean") return std::string(r.value.as_bool() ? "true" : "false");
      if (name == "Int" || name == "Float") return r.value.text();
      if (name == "ID" && is_integer_string(r.value.text())) return r.value.text();
      return schema::print_string(r.value.text());
    }
    auto it = types_.find(name);
    if (it == types_.end()) return std::nullopt;
    NamedType& t = it->second;
    switch (t.kind) {
      case NamedType::Kind::kEnum: {
        const EnumValue* e = literal.as<EnumValue>();
        if (!e) return std::nullopt;
        for (const schema::EnumValue& v : t.values)
          if (v.name == e->value) return e->value;
        return std::nullopt;
      }
      case NamedType::Kind::kInputObject:
        return print_input_object(literal, t, depth);
      case NamedType::Kind::kScalar: {
        // A custom scalar built from SDL: valueFromASTUntyped, then
        // astFromValue of the plain value it makes.
        scalars::LeafResult r = scalars::parse_literal(
            scalars::ScalarCodec{scalars::Codec::kCustom, name}, literal, nullptr);
        if (!r.ok()) return std::nullopt;
        if (r.value.is_bool()) return std::string(r.value.as_bool() ? "true" : "false");
        if (r.value.is_number()) return r.value.text();
        if (r.value.is_string()) return schema::print_string(r.value.text());
        return scalars::print_value(literal);  // graphql-js cannot print these at all
      }
      default:
        return std::nullopt;
    }
  }

  std::optional<std::string> print_input_object(const Value& literal, NamedType& t, int depth) {
    const ObjectValue* object = literal.as<ObjectValue>();
    if (!object) return std::nullopt;
    std::string out = "{";
    bool first = true;
    for (size_t i = 0; i < t.input_fields.size(); ++i) {
      const schema::InputValue& field = t.input_fields[i];
      const ObjectField* given = nullptr;
      for (const ObjectField& f : object->fields)
        if (f.name.value == field.name) given = &f;  // the last one wins
      std::optional<std::string> printed;
      if (given && given->value.kind() != ValueKind::kVariable) {
        printed = print_coerced(given->value, field.type, 0, depth + 1);
        if (!printed) return std::nullopt;
      } else {
        printed = field_default(t, i, depth);
        if (!printed && field.type.is_non_null()) return std::nullopt;
      }
      if (!printed) continue;
      out += (first ? "" : ", ") + field.name + ": " + *printed;
      first = false;
    }
    return out + "}";
  }

  const Document& doc_;
  const SdlOptions& options_;
  schema::Schema schema_;
  bool explicit_schema_ = false;
  std::map<std::string, NamedType, std::less<>> types_;
  std::vector<schema::Directive> directives_;
  std::vector<DefaultSite> defaults_;
  std::map<std::pair<std::string, size_t>, const Value*> input_field_defaults_;
};

}  // namespace

schema::Schema schema_from_sdl(std::string_view sdl, const SdlOptions& sdl_options) {
  ParseOptions options;
  options.max_bytes = std::numeric_limits<size_t>::max();
  options.max_tokens = std::numeric_limits<size_t>::max();
  ParseResult parsed = parse_document(sdl, options);
  if (!parsed.ok())
    throw SdlError(parsed.error->message + " (line " + std::to_string(parsed.error->line) +
                   ", column " + std::to_string(parsed.error->column) + ")");
  return SchemaFromSdl(parsed.document, sdl_options).build();
}

}  // namespace pg_gateway::graphql
