// Rules about variables: UniqueVariableNames, NoUndefinedVariables,
// NoUnusedVariables and VariablesInAllowedPosition. The last three run when
// an operation is left, over the variables it uses directly or through the
// fragments it spreads (Context::recursive_variable_usages).
#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/graphql/validation/rules.hpp"

namespace pg_gateway::graphql::validation {

void Rules::unique_variable_names(const OperationDefinition& op) {
  // graphql-js groupBy: groups in first-seen order.
  std::vector<std::pair<std::string_view, std::vector<const VariableDefinition*>>> groups;
  std::unordered_map<std::string_view, size_t> group_of;
  for (const VariableDefinition& def : op.variable_definitions) {
    auto [it, inserted] = group_of.emplace(def.variable.name.value, groups.size());
    if (inserted)
      groups.emplace_back(def.variable.name.value, std::vector<const VariableDefinition*>());
    groups[it->second].second.push_back(&def);
  }
  for (const auto& [name, defs] : groups) {
    if (defs.size() < 2) continue;
    std::vector<SourceLocation> locations;
    for (const VariableDefinition* d : defs) locations.push_back(location_of(d->variable.name.loc));
    ctx_.report("There can be only one variable named \"$" + std::string(name) + "\".",
                std::move(locations));
  }
}

void Rules::no_undefined_variables(const OperationDefinition& op) {
  for (const VariableUsage& usage : ctx_.recursive_variable_usages(op)) {
    const std::string& name = usage.node->name.value;
    if (defined_variables_.count(name)) continue;
    ctx_.report(op.name ? "Variable \"$" + name + "\" is not defined by operation \"" +
                              op.name->value + "\"."
                        : "Variable \"$" + name + "\" is not defined.",
                {location_of(usage.node->loc), location_of(op.loc)});
  }
}

void Rules::no_unused_variables(const OperationDefinition& op) {
  std::set<std::string_view> used;
  for (const VariableUsage& usage : ctx_.recursive_variable_usages(op))
    used.insert(usage.node->name.value);
  for (const VariableDefinition* def : variable_defs_) {
    const std::string& name = def->variable.name.value;
    if (used.count(name)) continue;
    ctx_.report(op.name ? "Variable \"$" + name + "\" is never used in operation \"" +
                              op.name->value + "\"."
                        : "Variable \"$" + name + "\" is never used.",
                {location_of(def->loc)});
  }
}

void Rules::variables_in_allowed_position(const OperationDefinition& op) {
  for (const VariableUsage& usage : ctx_.recursive_variable_usages(op)) {
    auto def = variable_def_map_.find(usage.node->name.value);
    if (def == variable_def_map_.end() || !usage.type) continue;
    Type var_type = ctx_.type_from_ast(def->second->type);
    if (!var_type) continue;
    // A nullable variable may fill a non-null position only when the
    // variable or the position has a default (spec 5.8.5).
    bool allowed;
    if (usage.type.is_non_null() && !var_type.is_non_null()) {
      const std::optional<Value>& var_default = def->second->default_value;
      bool non_null_var_default = var_default && var_default->kind() != ValueKind::kNull;
      allowed = (non_null_var_default || usage.has_default) &&
                ctx_.is_type_sub_type_of(var_type, usage.type.of_type());
    } else {
      allowed = ctx_.is_type_sub_type_of(var_type, usage.type);
    }
    if (allowed) continue;
    ctx_.report("Variable \"$" + usage.node->name.value + "\" of type \"" + var_type.str() +
                    "\" used in position expecting type \"" + usage.type.str() + "\".",
                {location_of(def->second->loc), location_of(usage.node->loc)});
  }
}

}  // namespace pg_gateway::graphql::validation
