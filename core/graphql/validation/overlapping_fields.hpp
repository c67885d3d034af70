// OverlappingFieldsCanBeMerged (spec 5.3.2), as graphql-js 16.15 does it:
// fields are collected once per (parent type, selection set) and every
// comparison is memoized (fragment against fields, fragment pairs,
// overlapping response names, argument equality), so the work grows with
// the document rather than exponentially with its fragments. A complexity
// budget of 500,000 comparison units aborts validation beyond that, and
// comparisons nested deeper than kMaxConflictDepth abort it too (graphql-js
// would overflow its call stack there; we must not overflow ours).
#pragma once
#include "core/core_zone.hpp"

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/graphql/validation/context.hpp"

namespace pg_gateway::graphql::validation {

class OverlappingFieldsRule {
 public:
  explicit OverlappingFieldsRule(Context& context) : ctx_(context) {}

  // The SelectionSet hook. `parent_type` is TypeInfo's parent type there.
  void check(const SelectionSet& set, const NamedType* parent_type, bool parent_is_inline_fragment);

  static constexpr size_t kMaxConflictDepth = 1000;

 private:
  // What a field's comparisons need, made when the field first overlaps.
  struct FieldInfo {
    // Reasons already found against other fields (nullopt: no conflict).
    std::unordered_map<const FieldInfo*, std::optional<std::string>> comparisons;
    const NamedType* named_type = nullptr;
    std::optional<std::string> type_string;
    std::unordered_map<std::string_view, const Value*> argument_values;  // made when compared
  };
  struct FieldDetails {
    const NamedType* parent_type = nullptr;
    const Field* node = nullptr;
    const schema::Field* definition = nullptr;
    bool simple_leaf = false;
    std::unique_ptr<FieldInfo> info;  // made when the field first overlaps
  };
  using FieldList = std::vector<FieldDetails*>;
  struct CollectResult;
  struct Overlap {
    std::string_view response_name;
    const FieldList* fields1;
    const FieldList* fields2;
  };
  struct CollectResult {
    std::vector<std::pair<std::string_view, FieldList>> grouped;  // response name order
    std::unordered_map<std::string_view, size_t> group_index;
    std::vector<std::string_view> fragment_names;
    std::unordered_map<std::string_view, bool> compared_fragments;  // name -> mutually exclusive
    std::unordered_map<const CollectResult*, std::vector<Overlap>> overlapping;
  };
  struct Conflict {
    std::string_view response_name;
    std::string reason;
    std::vector<const Field*> fields1;
    std::vector<const Field*> fields2;
  };
  using Conflicts = std::vector<Conflict>;

  FieldInfo& info(FieldDetails& details);
  CollectResult& collect_fields(const NamedType* parent_type, const SelectionSet& set);
  CollectResult* collect_fragment_fields(const FragmentDefinition& fragment);
  void collect_fields_into(const NamedType* parent_type, const SelectionSet& set,
                           CollectResult& result,
                           std::unordered_set<std::string_view>& seen_fragments);

  void conflicts_within(Conflicts& out, CollectResult& result);
  void conflicts_between(Conflicts& out, bool exclusive, CollectResult& r1, CollectResult& r2);
  void conflicts_between_fields_and_fragment(Conflicts& out, bool exclusive, CollectResult& result,
                                             std::string_view fragment_name);
  void conflicts_between_fragments(Conflicts& out, bool exclusive, std::string_view name1,
                                   std::string_view name2);
  Conflicts conflicts_between_sub_selection_sets(bool exclusive, const NamedType* parent1,
                                                 const SelectionSet& set1, const NamedType* parent2,
                                                 const SelectionSet& set2);
  const std::vector<Overlap>& overlapping_fields(CollectResult& r1, CollectResult& r2);
  std::optional<Conflict> find_conflict(bool parent_exclusive, std::string_view response_name,
                                        FieldDetails& f1, FieldDetails& f2);
  bool same_arguments(const Field& a, FieldInfo& b_info, const Field& b);
  const std::string& stringify(const Value& value);
  bool do_types_conflict(Type t1, Type t2);
  Type def_type(const schema::Field* definition) const;

  void spend(size_t cost);

  Context& ctx_;
  long remaining_budget_ = 500000;
  size_t depth_ = 0;
  std::deque<FieldDetails> details_;
  std::map<std::pair<const NamedType*, const SelectionSet*>, std::unique_ptr<CollectResult>>
      collected_;
  // graphql-js PairSet: (fragment, fragment) -> compared as mutually exclusive.
  std::map<std::pair<std::string_view, std::string_view>, bool> compared_pairs_;
  std::unordered_map<const Value*, std::string> stringified_;
};

}  // namespace pg_gateway::graphql::validation
