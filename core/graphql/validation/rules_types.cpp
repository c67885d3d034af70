// Rules about types: KnownTypeNames, FragmentsOnCompositeTypes,
// VariablesAreInputTypes, ScalarLeafs, FieldsOnCorrectType and
// PossibleFragmentSpreads.
#include <algorithm>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/validation/rules.hpp"
#include "core/graphql/validation/suggestions.hpp"

namespace pg_gateway::graphql::validation {

namespace {

// Array.prototype.sort as V8 runs it on short arrays (TimSort's first run,
// then binary insertion): graphql-js sorts suggested types with a
// comparator that is not a strict weak order, so only the same algorithm
// gives the same order. `compare` returns < 0, 0 or > 0. Longer arrays
// (64+, never seen in practice) fall back to a stable sort.
template <typename T, typename Compare>
void js_sort(std::vector<T>& a, Compare compare) {
  const size_t n = a.size();
  if (n < 2) return;
  if (n >= 64) {
    std::stable_sort(a.begin(), a.end(), [&](const T& x, const T& y) { return compare(x, y) < 0; });
    return;
  }
  size_t run = 2;
  const bool descending = compare(a[1], a[0]) < 0;
  for (size_t i = 2; i < n; ++i, ++run) {
    int order = compare(a[i], a[i - 1]);
    if (descending ? order >= 0 : order < 0) break;
  }
  if (descending) std::reverse(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(run));
  for (size_t start = run; start < n; ++start) {
    T pivot = a[start];
    size_t left = 0, right = start;
    while (left < right) {
      size_t mid = left + ((right - left) >> 1);
      if (compare(pivot, a[mid]) < 0)
        right = mid;
      else
        left = mid + 1;
    }
    for (size_t p = start; p > left; --p) a[p] = a[p - 1];
    a[left] = pivot;
  }
}

}  // namespace

void Rules::known_type_names(const graphql::NamedType& type, bool in_type_system_definition) {
  const std::string& name = type.name.value;
  if (ctx_.find_type(name) || document_type_names_.count(name)) return;
  std::vector<std::string> suggestions;
  if (!ctx_.hide_suggestions()) {
    std::vector<std::string_view> options = ctx_.all_type_names();
    for (std::string_view defined : document_type_names_) options.push_back(defined);
    // In type-system definitions graphql-js also offers the standard names
    // first; all_type_names() already has them, and order only breaks ties.
    (void)in_type_system_definition;
    suggestions = suggestion_list(name, options);
  }
  ctx_.report("Unknown type \"" + name + "\"." + did_you_mean(suggestions),
              {location_of(type.loc)});
}

void Rules::fragment_on_composite_type(const graphql::NamedType& condition,
                                       const Name* fragment_name) {
  const NamedType* t = ctx_.find_type(condition.name.value);
  if (!t || is_composite(t)) return;
  if (fragment_name)
    ctx_.report("Fragment \"" + fragment_name->value +
                    "\" cannot condition on non composite type \"" + condition.name.value + "\".",
                {location_of(condition.loc)});
  else
    ctx_.report("Fragment cannot condition on non composite type \"" + condition.name.value + "\".",
                {location_of(condition.loc)});
}

void Rules::variables_are_input_types(const VariableDefinition& def) {
  Type t = ctx_.type_from_ast(def.type);
  if (!t || is_input_type(t.named())) return;
  ctx_.report("Variable \"$" + def.variable.name.value + "\" cannot be non-input type \"" +
                  type_to_string(def.type) + "\".",
              {location_of(def.type.loc)});
}

void Rules::scalar_leafs(const Field& field) {
  Type t = ti_.type();
  if (!t) return;
  const std::string& name = field.name.value;
  if (is_leaf(t.named())) {
    if (field.selection_set)
      ctx_.report("Field \"" + name + "\" must not have a selection since type \"" + t.str() +
                      "\" has no subfields.",
                  {location_of(field.selection_set->loc)});
  } else if (!field.selection_set) {
    ctx_.report("Field \"" + name + "\" of type \"" + t.str() +
                    "\" must have a selection of subfields. Did you mean \"" + name + " { ... }\"?",
                {location_of(field.loc)});
  }
}

// graphql-js getSuggestedTypeNames: the possible types of an abstract type
// (and their interfaces) that have the field, most used first, interfaces
// before their implementations, then by name.
std::vector<std::string> Rules::suggested_type_names(const NamedType& type,
                                                     std::string_view field) {
  if (!is_abstract(&type)) return {};
  std::vector<const NamedType*> suggested;
  std::map<const NamedType*, int> usage;
  for (const NamedType* possible : ctx_.possible_types(type)) {
    if (!ctx_.own_field(possible, field)) continue;
    if (!usage.count(possible)) suggested.push_back(possible);
    usage[possible] = 1;
    for (const std::string& iface_name : possible->interfaces) {
      const NamedType* iface = ctx_.find_type(iface_name);
      if (!ctx_.own_field(iface, field)) continue;
      if (!usage.count(iface)) suggested.push_back(iface);
      usage[iface] += 1;
    }
  }
  js_sort(suggested, [&](const NamedType* a, const NamedType* b) {
    int diff = usage[b] - usage[a];
    if (diff != 0) return diff;
    if (is_interface(a) && ctx_.is_sub_type(*a, *b)) return -1;
    if (is_interface(b) && ctx_.is_sub_type(*b, *a)) return 1;
    return natural_compare(a->name, b->name);
  });
  std::vector<std::string> names;
  for (const NamedType* t : suggested) names.push_back(t->name);
  return names;
}

void Rules::fields_on_correct_type(const Field& field) {
  const NamedType* parent = ti_.parent_type();
  if (!parent || ti_.field_def()) return;
  const std::string& name = field.name.value;
  std::string suggestion;
  if (!ctx_.hide_suggestions()) {
    suggestion = did_you_mean(suggested_type_names(*parent, name), "to use an inline fragment on");
    if (suggestion.empty() && (is_object(parent) || is_interface(parent))) {
      std::vector<std::string_view> fields;
      fields.reserve(parent->fields.size());
      for (const schema::Field& f : parent->fields) fields.push_back(f.name);
      suggestion = did_you_mean(suggestion_list(name, fields));
    }
  }
  ctx_.report("Cannot query field \"" + name + "\" on type \"" + parent->name + "\"." + suggestion,
              {location_of(field.loc)});
}

void Rules::possible_inline_fragment(const InlineFragment& fragment) {
  const NamedType* frag_type = ti_.type().named();
  const NamedType* parent = ti_.parent_type();
  if (!is_composite(frag_type) || !is_composite(parent)) return;
  if (ctx_.do_types_overlap(frag_type, parent)) return;
  ctx_.report("Fragment cannot be spread here as objects of type \"" + parent->name +
                  "\" can never be of type \"" + frag_type->name + "\".",
              {location_of(fragment.loc)});
}

void Rules::possible_fragment_spread(const FragmentSpread& spread) {
  const FragmentDefinition* fragment = ctx_.fragment(spread.name.value);
  if (!fragment) return;
  const NamedType* frag_type = ctx_.find_type(fragment->type_condition.name.value);
  const NamedType* parent = ti_.parent_type();
  if (!is_composite(frag_type) || !parent) return;
  if (ctx_.do_types_overlap(frag_type, parent)) return;
  ctx_.report("Fragment \"" + spread.name.value + "\" cannot be spread here as objects of type \"" +
                  parent->name + "\" can never be of type \"" + frag_type->name + "\".",
              {location_of(spread.loc)});
}

}  // namespace pg_gateway::graphql::validation
