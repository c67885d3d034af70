// Rules about directives, arguments and values: KnownDirectives,
// UniqueDirectivesPerLocation, KnownArgumentNames, UniqueArgumentNames,
// ProvidedRequiredArguments, ValuesOfCorrectType and UniqueInputFieldNames.
#include <algorithm>
#include <unordered_map>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/scalars.hpp"
#include "core/graphql/validation/rules.hpp"
#include "core/graphql/validation/suggestions.hpp"

namespace pg_gateway::graphql::validation {

namespace {

DirectiveFacts facts_of(const schema::Directive& d) {
  DirectiveFacts f;
  f.repeatable = d.repeatable;
  for (const std::string& loc : d.locations) f.locations.push_back(loc);
  for (const schema::InputValue& a : d.args) {
    if (std::find(f.args.begin(), f.args.end(), a.name) == f.args.end()) f.args.push_back(a.name);
    if (a.type.is_non_null() && !a.default_value)
      f.required.emplace_back(a.name, a.type.to_string());
  }
  return f;
}

// A directive defined in the document itself (graphql-js lets those
// override the schema's for these rules).
DirectiveFacts facts_of(const DirectiveDefinition& d) {
  DirectiveFacts f;
  f.repeatable = d.repeatable;
  for (const Name& loc : d.locations) f.locations.push_back(loc.value);
  for (const InputValueDefinition& a : d.arguments) {
    if (std::find(f.args.begin(), f.args.end(), a.name.value) == f.args.end())
      f.args.push_back(a.name.value);
    bool required = a.type.kind == TypeRef::Kind::kNonNull && !a.default_value;
    if (!required) continue;
    // keyMap: a repeated name keeps its first position and its last type.
    auto same = std::find_if(f.required.begin(), f.required.end(),
                             [&](const auto& r) { return r.first == a.name.value; });
    if (same != f.required.end())
      same->second = type_to_string(a.type);
    else
      f.required.emplace_back(a.name.value, type_to_string(a.type));
  }
  return f;
}

}  // namespace

const DirectiveFacts* Rules::directive_facts(std::string_view name) {
  if (!directive_facts_ready_) {
    directive_facts_ready_ = true;
    for (const schema::Directive& d : specified_directives())
      directive_facts_[d.name] = facts_of(d);
    for (const schema::Directive& d : ctx_.schema().directives)
      directive_facts_[d.name] = facts_of(d);
    for (const Definition& def : ctx_.document().definitions)
      if (const DirectiveDefinition* d = def.as<DirectiveDefinition>())
        directive_facts_[d->name.value] = facts_of(*d);
  }
  auto it = directive_facts_.find(name);
  return it == directive_facts_.end() ? nullptr : &it->second;
}

void Rules::known_directives(const Directive& directive, std::string_view location) {
  const std::string& name = directive.name.value;
  const DirectiveFacts* facts = directive_facts(name);
  if (!facts) {
    ctx_.report("Unknown directive \"@" + name + "\".", {location_of(directive.loc)});
    return;
  }
  if (std::find(facts->locations.begin(), facts->locations.end(), location) ==
      facts->locations.end())
    ctx_.report("Directive \"@" + name + "\" may not be used on " + std::string(location) + ".",
                {location_of(directive.loc)});
}

void Rules::unique_directives_per_location(const std::vector<Directive>& directives,
                                           std::map<std::string_view, const Directive*>& seen) {
  for (const Directive& d : directives) {
    const DirectiveFacts* facts = directive_facts(d.name.value);
    if (!facts || facts->repeatable) continue;
    auto [it, inserted] = seen.emplace(d.name.value, &d);
    if (!inserted)
      ctx_.report("The directive \"@" + d.name.value + "\" can only be used once at this location.",
                  {location_of(it->second->loc), location_of(d.loc)});
  }
}

void Rules::unique_directives_per_location(const std::vector<Directive>& directives) {
  if (directives.size() < 2) return;  // nothing to repeat
  std::map<std::string_view, const Directive*> seen;
  unique_directives_per_location(directives, seen);
}

void Rules::known_argument_names_on_directive(const Directive& directive) {
  const DirectiveFacts* facts = directive_facts(directive.name.value);
  if (!facts) return;
  for (const Argument& arg : directive.arguments) {
    if (std::find(facts->args.begin(), facts->args.end(), arg.name.value) != facts->args.end())
      continue;
    std::string suggestion;
    if (!ctx_.hide_suggestions())
      suggestion = did_you_mean(suggestion_list(arg.name.value, facts->args));
    ctx_.report("Unknown argument \"" + arg.name.value + "\" on directive \"@" +
                    directive.name.value + "\"." + suggestion,
                {location_of(arg.loc)});
  }
}

void Rules::known_argument_names(const Argument& argument) {
  if (in_directive_) return;  // directive arguments: known_argument_names_on_directive
  const schema::Field* field = ti_.field_def();
  const NamedType* parent = ti_.parent_type();
  if (ti_.argument() || !field || !parent) return;
  std::string suggestion;
  if (!ctx_.hide_suggestions()) {
    std::vector<std::string_view> names;
    for (const schema::InputValue& a : field->args) names.push_back(a.name);
    suggestion = did_you_mean(suggestion_list(argument.name.value, names));
  }
  ctx_.report("Unknown argument \"" + argument.name.value + "\" on field \"" + parent->name + "." +
                  field->name + "\"." + suggestion,
              {location_of(argument.loc)});
}

void Rules::unique_argument_names(const std::vector<Argument>& arguments) {
  if (arguments.size() < 2) return;
  // graphql-js groupBy: groups in first-seen order.
  std::vector<std::pair<std::string_view, std::vector<const Argument*>>> groups;
  std::unordered_map<std::string_view, size_t> group_of;
  for (const Argument& a : arguments) {
    auto [it, inserted] = group_of.emplace(a.name.value, groups.size());
    if (inserted) groups.emplace_back(a.name.value, std::vector<const Argument*>());
    groups[it->second].second.push_back(&a);
  }
  for (const auto& [name, args] : groups) {
    if (args.size() < 2) continue;
    std::vector<SourceLocation> locations;
    for (const Argument* a : args) locations.push_back(location_of(a->name.loc));
    ctx_.report("There can be only one argument named \"" + std::string(name) + "\".",
                std::move(locations));
  }
}

void Rules::provided_required_arguments(const Field& field) {
  const schema::Field* def = ti_.field_def();
  if (!def) return;
  for (const schema::InputValue& arg : def->args) {
    if (!arg.type.is_non_null() || arg.default_value) continue;
    bool provided = std::any_of(field.arguments.begin(), field.arguments.end(),
                                [&](const Argument& a) { return a.name.value == arg.name; });
    if (!provided)
      ctx_.report("Field \"" + def->name + "\" argument \"" + arg.name + "\" of type \"" +
                      arg.type.to_string() + "\" is required, but it was not provided.",
                  {location_of(field.loc)});
  }
}

void Rules::provided_required_arguments_on_directive(const Directive& directive) {
  const DirectiveFacts* facts = directive_facts(directive.name.value);
  if (!facts) return;
  for (const auto& required : facts->required) {
    std::string_view name = required.first;
    bool provided = std::any_of(directive.arguments.begin(), directive.arguments.end(),
                                [&](const Argument& a) { return a.name.value == name; });
    if (!provided)
      ctx_.report("Directive \"@" + directive.name.value + "\" argument \"" + std::string(name) +
                      "\" of type \"" + required.second +
                      "\" is required, but it was not provided.",
                  {location_of(directive.loc)});
  }
}

// ---------------------------------------------------------------------------
// ValuesOfCorrectType

void Rules::values_of_correct_type(const Value& value) {
  if (values_skip_) return;  // inside a list or object checked as a whole
  switch (value.kind()) {
    case ValueKind::kList:
      if (!ti_.parent_input_type().nullable().is_list()) {
        check_leaf_value(value);
        values_skip_ = &value;
      }
      return;
    case ValueKind::kObject: {
      const NamedType* type = ti_.input_type().named();
      if (!is_input_object(type)) {
        check_leaf_value(value);
        values_skip_ = &value;
        return;
      }
      const std::vector<ObjectField>& given = value.as<ObjectValue>()->fields;
      for (const schema::InputValue& field : type->input_fields) {
        if (!field.type.is_non_null() || field.default_value) continue;
        bool present = std::any_of(given.begin(), given.end(), [&](const ObjectField& f) {
          return f.name.value == field.name;
        });
        if (!present)
          ctx_.report("Field \"" + type->name + "." + field.name + "\" of required type \"" +
                          field.type.to_string() + "\" was not provided.",
                      {location_of(value.loc)});
      }
      return;
    }
    case ValueKind::kNull: {
      Type type = ti_.input_type();
      if (type.is_non_null())
        ctx_.report("Expected value of type \"" + type.str() + "\", found null.",
                    {location_of(value.loc)});
      return;
    }
    case ValueKind::kVariable:
      return;
    default:
      check_leaf_value(value);
  }
}

void Rules::values_of_correct_type(const ObjectField& field) {
  if (values_skip_) return;
  const NamedType* parent = ti_.parent_input_type().named();
  if (ti_.input_type() || !is_input_object(parent)) return;
  std::string suggestion;
  if (!ctx_.hide_suggestions()) {
    std::vector<std::string_view> names;
    for (const schema::InputValue& f : parent->input_fields) names.push_back(f.name);
    suggestion = did_you_mean(suggestion_list(field.name.value, names));
  }
  ctx_.report("Field \"" + field.name.value + "\" is not defined by type \"" + parent->name +
                  "\"." + suggestion,
              {location_of(field.loc)});
}

// graphql-js isValidValueNode: a leaf type decides through its
// parseLiteral, and how that failed decides the error's form.
void Rules::check_leaf_value(const Value& value) {
  Type location_type = ti_.input_type();
  if (!location_type) return;
  const NamedType* type = location_type.named();
  auto expected = [&](std::string_view suffix) {
    return "Expected value of type \"" + location_type.str() + "\", found " +
           scalars::print_value(value) + std::string(suffix);
  };
  if (!is_leaf(type)) {
    ctx_.report(expected("."), {location_of(value.loc)});
    return;
  }
  scalars::LeafResult r = is_enum(type)
                              ? scalars::parse_enum_literal(*type, value, ctx_.hide_suggestions())
                              : scalars::parse_literal(scalars::codec_of(*type), value, nullptr);
  switch (r.status) {
    case scalars::LeafResult::Status::kOk:
      return;
    case scalars::LeafResult::Status::kUndefined:
      ctx_.report(expected("."), {location_of(value.loc)});
      return;
    case scalars::LeafResult::Status::kError:
      ctx_.report(std::move(r.message));
      return;
    case scalars::LeafResult::Status::kErrorAtNode:
      ctx_.report(std::move(r.message), {location_of(value.loc)});
      return;
    case scalars::LeafResult::Status::kPlainError:
      ctx_.report(expected("; ") + r.message, {location_of(value.loc)});
      return;
  }
}

// ---------------------------------------------------------------------------
// UniqueInputFieldNames

void Rules::unique_input_field_names_enter() { input_field_names_.emplace_back(); }

void Rules::unique_input_field_names_leave() { input_field_names_.pop_back(); }

void Rules::unique_input_field_names(const ObjectField& field) {
  auto [it, inserted] = input_field_names_.back().emplace(field.name.value, &field.name);
  if (!inserted)
    ctx_.report("There can be only one input field named \"" + field.name.value + "\".",
                {location_of(it->second->loc), location_of(field.name.loc)});
}

}  // namespace pg_gateway::graphql::validation
