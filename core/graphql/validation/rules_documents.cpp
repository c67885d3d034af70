// Rules about the document's operations and fragments: ExecutableDefinitions,
// UniqueOperationNames, LoneAnonymousOperation, SingleFieldSubscriptions,
// UniqueFragmentNames, KnownFragmentNames, NoUnusedFragments,
// NoFragmentCycles and MaxIntrospectionDepth.
#include <map>
#include <unordered_set>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/validation/rules.hpp"

namespace pg_gateway::graphql::validation {

namespace {

std::string_view definition_name(const Definition& def) {
  return std::visit(
      [](const auto& node) -> std::string_view {
        using T = std::decay_t<decltype(node)>;
        if constexpr (std::is_same_v<T, SchemaDefinition> || std::is_same_v<T, SchemaExtension>)
          return {};
        else if constexpr (std::is_same_v<T, OperationDefinition>)
          return node.name ? std::string_view(node.name->value) : std::string_view();
        else
          return node.name.value;
      },
      def.node);
}

}  // namespace

void Rules::executable_definitions(const Document& doc) {
  for (const Definition& def : doc.definitions) {
    if (def.is_executable()) continue;
    const bool is_schema =
        def.kind() == DefinitionKind::kSchema || def.kind() == DefinitionKind::kSchemaExtension;
    std::string name = is_schema ? "schema" : "\"" + std::string(definition_name(def)) + "\"";
    ctx_.report("The " + name + " definition is not executable.", {location_of(def.loc())});
  }
}

void Rules::unique_operation_names(const OperationDefinition& op) {
  if (!op.name) return;
  auto [it, inserted] = operation_names_.emplace(op.name->value, &*op.name);
  if (!inserted)
    ctx_.report("There can be only one operation named \"" + op.name->value + "\".",
                {location_of(it->second->loc), location_of(op.name->loc)});
}

void Rules::lone_anonymous_operation(const OperationDefinition& op) {
  if (!op.name && operation_count_ > 1)
    ctx_.report("This anonymous operation must be the only defined operation.",
                {location_of(op.loc)});
}

namespace {

// graphql-js's shouldIncludeNode with no variable values: only literal
// @skip(if: true) and @include(if: false) exclude. (graphql-js throws out
// of validate() for a variable or a bad literal there; we include.)
bool included_without_variables(const std::vector<Directive>& directives) {
  auto literal_if = [&](std::string_view name) -> std::optional<bool> {
    for (const Directive& d : directives) {
      if (d.name.value != name) continue;
      for (const Argument& a : d.arguments)
        if (a.name.value == "if")
          if (const BooleanValue* b = a.value.as<BooleanValue>()) return b->value;
      return std::nullopt;  // the first such directive decides
    }
    return std::nullopt;
  };
  if (literal_if("skip") == std::optional<bool>(true)) return false;
  if (literal_if("include") == std::optional<bool>(false)) return false;
  return true;
}

}  // namespace

void Rules::single_field_subscriptions(const OperationDefinition& op) {
  if (op.operation != OperationType::kSubscription) return;
  const NamedType* subscription = ctx_.root_type(OperationType::kSubscription);
  if (!subscription) return;
  if (!subscription_fragments_indexed_) {  // graphql-js builds its fragment map once
    subscription_fragments_indexed_ = true;
    ctx_.spend_fragment_work(ctx_.document().definitions.size());
  }

  // graphql-js collectFields over the subscription type, charging the
  // fragment work budget per selection set; an explicit stack instead of
  // recursion so that fragment chains cannot exhaust the C++ stack.
  std::vector<std::pair<std::string_view, std::vector<const Field*>>> groups;
  std::map<std::string_view, size_t> group_index;
  std::unordered_set<std::string_view> visited_fragments;
  struct Frame {
    const SelectionSet* set;
    size_t next;
  };
  auto enter_set = [&](const SelectionSet& set, std::vector<Frame>& stack) {
    ctx_.spend_fragment_work(set.selections.size());
    for (const Selection& s : set.selections) {
      const std::vector<Directive>* directives = nullptr;
      if (const Field* f = s.as<Field>()) directives = &f->directives;
      if (const FragmentSpread* f = s.as<FragmentSpread>()) directives = &f->directives;
      if (const InlineFragment* f = s.as<InlineFragment>()) directives = &f->directives;
      ctx_.spend_fragment_work(directives->size());
      for (const Directive& d : *directives)
        if (d.name.value == "skip" || d.name.value == "include")
          ctx_.spend_fragment_work(d.arguments.size());
    }
    stack.push_back(Frame{&set, 0});
  };
  auto condition_matches = [&](const std::optional<graphql::NamedType>& condition) {
    if (!condition) return true;
    const NamedType* t = ctx_.find_type(condition->name.value);
    if (t == subscription) return true;
    return is_abstract(t) && ctx_.is_sub_type(*t, *subscription);
  };
  std::vector<Frame> stack;
  enter_set(op.selection_set, stack);
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.set->selections.size()) {
      stack.pop_back();
      continue;
    }
    const Selection& s = frame.set->selections[frame.next++];
    if (const Field* f = s.as<Field>()) {
      if (!included_without_variables(f->directives)) continue;
      std::string_view key = f->alias ? f->alias->value : f->name.value;
      auto [it, inserted] = group_index.emplace(key, groups.size());
      if (inserted) groups.emplace_back(key, std::vector<const Field*>());
      groups[it->second].second.push_back(f);
    } else if (const InlineFragment* inl = s.as<InlineFragment>()) {
      if (!included_without_variables(inl->directives) || !condition_matches(inl->type_condition))
        continue;
      enter_set(inl->selection_set, stack);
    } else {
      const FragmentSpread& spread = *s.as<FragmentSpread>();
      if (visited_fragments.count(spread.name.value) ||
          !included_without_variables(spread.directives))
        continue;
      visited_fragments.insert(spread.name.value);
      // graphql-js's map keeps the last fragment of a name, like ctx_.fragment().
      const FragmentDefinition* fragment = ctx_.fragment(spread.name.value);
      if (!fragment || !condition_matches(fragment->type_condition)) continue;
      enter_set(fragment->selection_set, stack);
    }
  }

  const std::string prefix =
      op.name ? "Subscription \"" + op.name->value + "\"" : std::string("Anonymous Subscription");
  if (groups.size() > 1) {
    std::vector<SourceLocation> extra;
    for (size_t i = 1; i < groups.size(); ++i)
      for (const Field* f : groups[i].second) extra.push_back(location_of(f->loc));
    ctx_.report(prefix + " must select only one top level field.", std::move(extra));
  }
  for (const auto& [key, fields] : groups) {
    if (fields[0]->name.value.rfind("__", 0) != 0) continue;
    std::vector<SourceLocation> locations;
    for (const Field* f : fields) locations.push_back(location_of(f->loc));
    ctx_.report(prefix + " must not select an introspection top level field.",
                std::move(locations));
  }
}

void Rules::unique_fragment_names(const FragmentDefinition& fragment) {
  auto [it, inserted] = fragment_names_.emplace(fragment.name.value, &fragment.name);
  if (!inserted)
    ctx_.report("There can be only one fragment named \"" + fragment.name.value + "\".",
                {location_of(it->second->loc), location_of(fragment.name.loc)});
}

void Rules::known_fragment_names(const FragmentSpread& spread) {
  if (!ctx_.fragment(spread.name.value))
    ctx_.report("Unknown fragment \"" + spread.name.value + "\".", {location_of(spread.name.loc)});
}

void Rules::no_unused_fragments(const Document&) {
  std::unordered_set<std::string_view> used;
  for (const FragmentDefinition* f : ctx_.recursively_referenced_fragments(unused_check_ops_))
    used.insert(f->name.value);
  for (const FragmentDefinition* f : unused_check_frags_)
    if (!used.count(f->name.value))
      ctx_.report("Fragment \"" + f->name.value + "\" is never used.", {location_of(f->loc)});
}

// graphql-js's depth-first search for spread cycles, with an explicit stack
// (a long chain of fragments would otherwise recurse once per fragment).
void Rules::no_fragment_cycles(const FragmentDefinition& start) {
  if (cycle_checked_.count(start.name.value)) return;
  struct Frame {
    std::string_view name;
    const std::vector<const FragmentSpread*>* spreads;
    size_t next;
  };
  std::vector<const FragmentSpread*> path;
  std::map<std::string_view, size_t> path_index;  // fragment -> where its spreads start in path
  std::vector<Frame> stack;
  auto enter = [&](const FragmentDefinition& fragment) {
    cycle_checked_.insert(fragment.name.value);
    const auto& spreads = ctx_.fragment_spreads(fragment.selection_set);
    if (spreads.empty()) return false;
    path_index[fragment.name.value] = path.size();
    stack.push_back(Frame{fragment.name.value, &spreads, 0});
    return true;
  };
  enter(start);
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.next == frame.spreads->size()) {
      path_index.erase(frame.name);
      stack.pop_back();
      if (!stack.empty()) path.pop_back();  // the spread that led into this fragment
      continue;
    }
    const FragmentSpread* spread = (*frame.spreads)[frame.next++];
    const std::string& spread_name = spread->name.value;
    auto cycle = path_index.find(spread_name);
    path.push_back(spread);
    if (cycle == path_index.end()) {
      const FragmentDefinition* target = ctx_.fragment(spread_name);
      if (target && !cycle_checked_.count(target->name.value) && enter(*target))
        continue;  // path keeps the spread until that fragment is done
    } else {
      std::string via;
      std::vector<SourceLocation> locations;
      for (size_t i = cycle->second; i < path.size(); ++i) {
        if (i + 1 < path.size()) via += (via.empty() ? "\"" : ", \"") + path[i]->name.value + "\"";
        locations.push_back(location_of(path[i]->loc));
      }
      ctx_.report("Cannot spread fragment \"" + spread_name + "\" within itself" +
                      (via.empty() ? "." : " via " + via + "."),
                  std::move(locations));
    }
    path.pop_back();
  }
}

void Rules::max_introspection_depth(const Field& field) {
  if (introspection_skip_) return;  // inside a field already reported
  if (field.name.value != "__schema" && field.name.value != "__type") return;
  if (!introspection_too_deep(field)) return;
  ctx_.report("Maximum introspection depth exceeded", {location_of(field.loc)});
  introspection_skip_ = &field;
}

// graphql-js's checkDepth: three nested fields/interfaces/possibleTypes/
// inputFields lists below __schema or __type are too deep. Its recursion
// becomes an explicit stack here; fragment results are memoized by the
// depth they were entered at, across checks, exactly as graphql-js does.
bool Rules::introspection_too_deep(const Field& root) {
  constexpr int kMaxListsDepth = 3;
  struct Frame {
    const SelectionSet* set;
    size_t next;
    int depth;
    const std::string* fragment;  // entered through this spread (else nullptr)
  };
  std::map<std::string_view, int> visited;
  std::vector<Frame> stack;
  if (root.selection_set) stack.push_back(Frame{&*root.selection_set, 0, 0, nullptr});
  bool exceeded = false;
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (exceeded || frame.next == frame.set->selections.size()) {
      if (frame.fragment) {
        if (exceeded)
          introspection_exceeded_[*frame.fragment] = frame.depth;
        else
          introspection_checked_[*frame.fragment] = frame.depth;
      }
      stack.pop_back();
      continue;
    }
    const Selection& s = frame.set->selections[frame.next++];
    const int depth = frame.depth;
    if (const Field* f = s.as<Field>()) {
      int d = depth;
      const std::string& n = f->name.value;
      if (n == "fields" || n == "interfaces" || n == "possibleTypes" || n == "inputFields") {
        if (++d >= kMaxListsDepth) {
          exceeded = true;
          continue;
        }
      }
      if (f->selection_set) stack.push_back(Frame{&*f->selection_set, 0, d, nullptr});
    } else if (const InlineFragment* inl = s.as<InlineFragment>()) {
      stack.push_back(Frame{&inl->selection_set, 0, depth, nullptr});
    } else {
      const std::string& name = s.as<FragmentSpread>()->name.value;
      auto ex = introspection_exceeded_.find(name);
      if (ex != introspection_exceeded_.end() && ex->second <= depth) {
        exceeded = true;
        continue;
      }
      auto vis = visited.find(name);
      auto chk = introspection_checked_.find(name);
      if ((vis != visited.end() && vis->second >= depth) ||
          (chk != introspection_checked_.end() && chk->second >= depth))
        continue;
      const FragmentDefinition* fragment = ctx_.fragment(name);
      if (!fragment) continue;
      visited[name] = depth;
      stack.push_back(Frame{&fragment->selection_set, 0, depth, &name});
    }
  }
  return exceeded;
}

}  // namespace pg_gateway::graphql::validation
