#include "core/graphql/validation/overlapping_fields.hpp"

#include <algorithm>
#include <unordered_set>

#include "core/graphql/scalars.hpp"

namespace pg_gateway::graphql::validation {

namespace {

constexpr size_t kMaxConflictDetailLength = 1000;
constexpr size_t kMaxConflictNodes = 20;

std::string abbreviate(std::string_view text) {
  if (text.size() <= kMaxConflictDetailLength) return std::string(text);
  return std::string(text.substr(0, kMaxConflictDetailLength)) + "...";
}

std::string_view response_name_of(const Field& f) {
  return f.alias ? std::string_view(f.alias->value) : std::string_view(f.name.value);
}

// A canonical text of a value literal: equal for literals graphql-js's
// stringifyValue() makes equal (object fields sorted by name, string values
// distinguished by their block flag), different otherwise.
void canonical(const Value& v, std::string& out) {
  auto text = [&out](std::string_view s) {
    out += std::to_string(s.size());
    out += ':';
    out += s;
  };
  switch (v.kind()) {
    case ValueKind::kVariable:
      out += 'V';
      text(v.as<Variable>()->name.value);
      return;
    case ValueKind::kInt:
      out += 'I';
      text(v.as<IntValue>()->raw);
      return;
    case ValueKind::kFloat:
      out += 'F';
      text(v.as<FloatValue>()->raw);
      return;
    case ValueKind::kString:
      out += v.as<StringValue>()->block ? 'B' : 'S';
      text(v.as<StringValue>()->value);
      return;
    case ValueKind::kBoolean:
      out += v.as<BooleanValue>()->value ? 'T' : 'f';
      return;
    case ValueKind::kNull:
      out += 'N';
      return;
    case ValueKind::kEnum:
      out += 'E';
      text(v.as<EnumValue>()->value);
      return;
    case ValueKind::kList:
      out += '[';
      for (const Value& item : v.as<ListValue>()->values) canonical(item, out);
      out += ']';
      return;
    case ValueKind::kObject: {
      std::vector<const ObjectField*> fields;
      for (const ObjectField& f : v.as<ObjectValue>()->fields) fields.push_back(&f);
      std::stable_sort(
          fields.begin(), fields.end(),
          [](const ObjectField* a, const ObjectField* b) { return a->name.value < b->name.value; });
      out += '{';
      for (const ObjectField* f : fields) {
        text(f->name.value);
        canonical(f->value, out);
      }
      out += '}';
      return;
    }
  }
}

}  // namespace

void OverlappingFieldsRule::spend(size_t cost) {
  remaining_budget_ -= static_cast<long>(cost);
  if (remaining_budget_ < 0) ctx_.abort_validation();
}

Type OverlappingFieldsRule::def_type(const schema::Field* definition) const {
  if (!definition) return Type();
  return Type::of(definition->type, ctx_.find_type(definition->type.name));
}

OverlappingFieldsRule::FieldInfo& OverlappingFieldsRule::info(FieldDetails& details) {
  if (!details.info) {
    details.info = std::make_unique<FieldInfo>();
    details.info->named_type = def_type(details.definition).named();
  }
  return *details.info;
}

// ---------------------------------------------------------------------------
// Collecting fields

OverlappingFieldsRule::CollectResult& OverlappingFieldsRule::collect_fields(
    const NamedType* parent_type, const SelectionSet& set) {
  auto key = std::make_pair(parent_type, &set);
  auto it = collected_.find(key);
  if (it != collected_.end()) return *it->second;
  auto result = std::make_unique<CollectResult>();
  std::unordered_set<std::string_view> seen_fragments;
  collect_fields_into(parent_type, set, *result, seen_fragments);
  return *(collected_[key] = std::move(result));
}

void OverlappingFieldsRule::collect_fields_into(
    const NamedType* parent_type, const SelectionSet& set, CollectResult& result,
    std::unordered_set<std::string_view>& seen_fragments) {
  for (const Selection& sel : set.selections) {
    if (const Field* f = sel.as<Field>()) {
      std::string_view name = response_name_of(*f);
      auto [pos, inserted] = result.group_index.emplace(name, result.grouped.size());
      if (inserted) result.grouped.emplace_back(name, FieldList());
      FieldDetails& d = details_.emplace_back();
      d.parent_type = parent_type;
      d.node = f;
      d.definition = ctx_.own_field(parent_type, f->name.value);
      d.simple_leaf = f->arguments.empty() && !f->selection_set;
      result.grouped[pos->second].second.push_back(&d);
    } else if (const FragmentSpread* spread = sel.as<FragmentSpread>()) {
      if (seen_fragments.insert(spread->name.value).second)
        result.fragment_names.push_back(spread->name.value);
    } else {
      const InlineFragment& inl = *sel.as<InlineFragment>();
      const NamedType* type =
          inl.type_condition ? ctx_.find_type(inl.type_condition->name.value) : parent_type;
      collect_fields_into(type, inl.selection_set, result, seen_fragments);
    }
  }
}

OverlappingFieldsRule::CollectResult* OverlappingFieldsRule::collect_fragment_fields(
    const FragmentDefinition& fragment) {
  return &collect_fields(ctx_.find_type(fragment.type_condition.name.value),
                         fragment.selection_set);
}

// ---------------------------------------------------------------------------
// Comparing

void OverlappingFieldsRule::check(const SelectionSet& set, const NamedType* parent_type,
                                  bool parent_is_inline_fragment) {
  // An inline fragment's fields are compared as part of its parent's set.
  if (parent_is_inline_fragment) return;
  if (set.selections.size() <= 1 &&
      (set.selections.empty() || set.selections[0].kind() != SelectionKind::kInlineFragment))
    return;
  Conflicts conflicts;
  CollectResult& result = collect_fields(parent_type, set);
  conflicts_within(conflicts, result);
  const std::vector<std::string_view> names = result.fragment_names;
  if (!names.empty() && (!result.grouped.empty() || names.size() > 1)) {
    for (size_t i = 0; i < names.size(); ++i) {
      conflicts_between_fields_and_fragment(conflicts, false, result, names[i]);
      for (size_t j = i + 1; j < names.size(); ++j)
        conflicts_between_fragments(conflicts, false, names[i], names[j]);
    }
  }
  for (const Conflict& c : conflicts) {
    std::vector<SourceLocation> locations;
    for (const Field* f : c.fields1) locations.push_back(location_of(f->loc));
    for (const Field* f : c.fields2) locations.push_back(location_of(f->loc));
    ctx_.report("Fields \"" + abbreviate(c.response_name) + "\" conflict because " + c.reason +
                    ". Use different aliases on the fields to fetch both if this was intentional.",
                std::move(locations));
  }
}

void OverlappingFieldsRule::conflicts_within(Conflicts& out, CollectResult& result) {
  for (auto& [name, fields] : result.grouped) {
    if (fields.size() < 2) continue;
    for (size_t i = 0; i < fields.size(); ++i)
      for (size_t j = i + 1; j < fields.size(); ++j)
        if (auto c = find_conflict(false, name, *fields[i], *fields[j]))
          out.push_back(std::move(*c));
  }
}

void OverlappingFieldsRule::conflicts_between(Conflicts& out, bool exclusive, CollectResult& r1,
                                              CollectResult& r2) {
  if (r1.grouped.empty() || r2.grouped.empty()) return;
  for (const Overlap& o : overlapping_fields(r1, r2))
    for (FieldDetails* f1 : *o.fields1)
      for (FieldDetails* f2 : *o.fields2)
        if (auto c = find_conflict(exclusive, o.response_name, *f1, *f2))
          out.push_back(std::move(*c));
}

const std::vector<OverlappingFieldsRule::Overlap>& OverlappingFieldsRule::overlapping_fields(
    CollectResult& r1, CollectResult& r2) {
  auto it = r1.overlapping.find(&r2);
  if (it != r1.overlapping.end()) return it->second;
  std::vector<Overlap> overlaps;
  for (const auto& [name, fields1] : r1.grouped) {
    spend(1);
    auto other = r2.group_index.find(name);
    if (other != r2.group_index.end())
      overlaps.push_back(Overlap{name, &fields1, &r2.grouped[other->second].second});
  }
  return r1.overlapping[&r2] = std::move(overlaps);
}

// graphql-js recurses through the fragments a fragment spreads; this is the
// same pre-order walk with an explicit stack, so long fragment chains cannot
// exhaust the C++ stack. Each popped name is one call of graphql-js's
// collectConflictsBetweenFieldsAndFragment.
void OverlappingFieldsRule::conflicts_between_fields_and_fragment(Conflicts& out, bool exclusive,
                                                                  CollectResult& result,
                                                                  std::string_view fragment_name) {
  std::vector<std::string_view> stack{fragment_name};
  while (!stack.empty()) {
    std::string_view name = stack.back();
    stack.pop_back();
    spend(1);
    if (result.grouped.empty()) continue;
    auto compared = result.compared_fragments.find(name);
    if (compared != result.compared_fragments.end() &&
        (!compared->second || (exclusive && compared->second)))
      continue;
    result.compared_fragments[name] = exclusive;
    const FragmentDefinition* fragment = ctx_.fragment(name);
    if (!fragment) continue;
    CollectResult* result2 = collect_fragment_fields(*fragment);
    if (result2 == &result) continue;
    conflicts_between(out, exclusive, result, *result2);
    for (auto it = result2->fragment_names.rbegin(); it != result2->fragment_names.rend(); ++it)
      stack.push_back(*it);
  }
}

void OverlappingFieldsRule::conflicts_between_fragments(Conflicts& out, bool exclusive,
                                                        std::string_view name1,
                                                        std::string_view name2) {
  std::vector<std::pair<std::string_view, std::string_view>> stack{{name1, name2}};
  while (!stack.empty()) {
    auto [a, b] = stack.back();
    stack.pop_back();
    spend(2);
    if (a == b) continue;
    // PairSet.has: either order; a non-exclusive comparison covers both.
    auto present = [&](std::string_view x, std::string_view y) {
      auto it = compared_pairs_.find({x, y});
      if (it == compared_pairs_.end()) return false;
      return exclusive ? true : it->second == exclusive;
    };
    if (present(a, b) || present(b, a)) continue;
    compared_pairs_[{a, b}] = exclusive;
    const FragmentDefinition* f1 = ctx_.fragment(a);
    const FragmentDefinition* f2 = ctx_.fragment(b);
    if (!f1 || !f2) continue;
    CollectResult* r1 = collect_fragment_fields(*f1);
    CollectResult* r2 = collect_fragment_fields(*f2);
    conflicts_between(out, exclusive, *r1, *r2);
    std::vector<std::pair<std::string_view, std::string_view>> next;
    for (std::string_view ref2 : r2->fragment_names) next.emplace_back(a, ref2);
    for (std::string_view ref1 : r1->fragment_names) next.emplace_back(ref1, b);
    for (auto it = next.rbegin(); it != next.rend(); ++it) stack.push_back(*it);
  }
}

OverlappingFieldsRule::Conflicts OverlappingFieldsRule::conflicts_between_sub_selection_sets(
    bool exclusive, const NamedType* parent1, const SelectionSet& set1, const NamedType* parent2,
    const SelectionSet& set2) {
  Conflicts out;
  CollectResult& r1 = collect_fields(parent1, set1);
  CollectResult& r2 = collect_fields(parent2, set2);
  conflicts_between(out, exclusive, r1, r2);
  const std::vector<std::string_view> names1 = r1.fragment_names;
  const std::vector<std::string_view> names2 = r2.fragment_names;
  for (std::string_view n2 : names2) conflicts_between_fields_and_fragment(out, exclusive, r1, n2);
  for (std::string_view n1 : names1) conflicts_between_fields_and_fragment(out, exclusive, r2, n1);
  for (std::string_view n1 : names1)
    for (std::string_view n2 : names2) conflicts_between_fragments(out, exclusive, n1, n2);
  return out;
}

std::optional<OverlappingFieldsRule::Conflict> OverlappingFieldsRule::find_conflict(
    bool parent_exclusive, std::string_view response_name, FieldDetails& f1, FieldDetails& f2) {
  const Field& node1 = *f1.node;
  const Field& node2 = *f2.node;
  const bool exclusive =
      parent_exclusive ||
      (f1.parent_type != f2.parent_type && is_object(f1.parent_type) && is_object(f2.parent_type));
  spend(2);
  Type type1 = def_type(f1.definition);
  Type type2 = def_type(f2.definition);
  const bool same_type =
      (!f1.definition && !f2.definition) || (f1.definition && f2.definition && type1.same(type2));
  if (f1.simple_leaf && f2.simple_leaf && same_type && node1.name.value == node2.name.value)
    return std::nullopt;

  if (!exclusive) {
    FieldInfo& info1 = info(f1);
    FieldInfo& info2 = info(f2);
    auto known = info1.comparisons.find(&info2);
    if (known == info1.comparisons.end()) {
      std::optional<std::string> reason;
      if (node1.name.value != node2.name.value)
        reason = "\"" + abbreviate(node1.name.value) + "\" and \"" + abbreviate(node2.name.value) +
                 "\" are different fields";
      else if (!same_arguments(node1, info2, node2))
        reason = "they have differing arguments";
      known = info1.comparisons.emplace(&info2, std::move(reason)).first;
    }
    if (known->second) return Conflict{response_name, *known->second, {&node1}, {&node2}};
  }

  if (type1 && type2 && do_types_conflict(type1, type2)) {
    FieldInfo& info1 = info(f1);
    FieldInfo& info2 = info(f2);
    if (!info1.type_string) info1.type_string = type1.str();
    if (!info2.type_string) info2.type_string = type2.str();
    return Conflict{response_name,
                    "they return conflicting types \"" + *info1.type_string + "\" and \"" +
                        *info2.type_string + "\"",
                    {&node1},
                    {&node2}};
  }

  if (!node1.selection_set || !node2.selection_set) return std::nullopt;
  if (++depth_ > kMaxConflictDepth) ctx_.abort_validation();
  Conflicts sub =
      conflicts_between_sub_selection_sets(exclusive, info(f1).named_type, *node1.selection_set,
                                           info(f2).named_type, *node2.selection_set);
  --depth_;
  if (sub.empty()) return std::nullopt;

  std::string message;
  for (const Conflict& c : sub) {
    if (!message.empty()) message += " and ";
    message += "subfields \"" + abbreviate(c.response_name) + "\" conflict because " + c.reason;
    if (message.size() > kMaxConflictDetailLength) break;
  }
  // The enclosing field first, then the subfields' nodes, at most 20 in all
  // (taking the last ones of each conflict).
  auto nodes = [&sub](const Field* enclosing, bool first_side) {
    std::vector<const Field*> out{enclosing};
    for (const Conflict& c : sub) {
      const std::vector<const Field*>& side = first_side ? c.fields1 : c.fields2;
      size_t remaining = kMaxConflictNodes - out.size();
      size_t take = std::min(remaining, side.size());
      out.insert(out.end(), side.end() - static_cast<std::ptrdiff_t>(take), side.end());
      if (out.size() == kMaxConflictNodes) break;
    }
    return out;
  };
  return Conflict{response_name, abbreviate(message), nodes(&node1, true), nodes(&node2, false)};
}

bool OverlappingFieldsRule::same_arguments(const Field& a, FieldInfo& b_info, const Field& b) {
  if (a.arguments.empty()) return b.arguments.empty();
  if (a.arguments.size() != b.arguments.size()) return false;
  if (b_info.argument_values.empty())  // graphql-js's Map: the last argument of a name
    for (const Argument& x : b.arguments) b_info.argument_values[x.name.value] = &x.value;
  for (const Argument& arg1 : a.arguments) {
    spend(1);
    auto arg2 = b_info.argument_values.find(arg1.name.value);
    if (arg2 == b_info.argument_values.end()) return false;
    if (stringify(arg1.value) != stringify(*arg2->second)) return false;
  }
  return true;
}

const std::string& OverlappingFieldsRule::stringify(const Value& value) {
  auto it = stringified_.find(&value);
  if (it != stringified_.end()) return it->second;
  std::string out;
  canonical(value, out);
  return stringified_[&value] = std::move(out);
}

bool OverlappingFieldsRule::do_types_conflict(Type t1, Type t2) {
  while (true) {
    if (t1.same(t2)) return false;
    spend(1);
    if (t1.is_list()) {
      if (!t2.is_list()) return true;
    } else if (t2.is_list()) {
      return true;
    } else if (t1.is_non_null()) {
      if (!t2.is_non_null()) return true;
    } else if (t2.is_non_null()) {
      return true;
    } else {
      if (is_leaf(t1.named()) || is_leaf(t2.named())) return t1.named() != t2.named();
      return false;
    }
    t1 = t1.of_type();
    t2 = t2.of_type();
  }
}

}  // namespace pg_gateway::graphql::validation
