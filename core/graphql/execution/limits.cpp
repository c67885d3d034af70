#include "core/graphql/execution/limits.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace pg_gateway::graphql::exec {

namespace {

constexpr int64_t kCap = int64_t(1) << 50;  // saturation: far above any limit
constexpr int64_t kUnboundedPage = 100;     // a connection with no page size at all

int64_t add(int64_t a, int64_t b) { return std::min(kCap, a + b); }
int64_t mul(int64_t a, int64_t b) {
  if (a == 0 || b == 0) return 0;
  return a > kCap / b ? kCap : std::min(kCap, a * b);
}

// The totals of one selection set (in the context of a parent type).
struct Totals {
  int64_t depth = 0;    // of the deepest field below (a leaf field is 1)
  int64_t aliases = 0;  // aliased fields
  int64_t fields = 0;   // fields directly in it (root fields, at the root)
  int64_t cost = 0;
};

class Measurer {
 public:
  Measurer(const schema::Schema& schema, const FragmentMap& fragments,
           const VariableValues& variables, const OperationLimits& limits)
      : schema_(schema), fragments_(fragments), variables_(variables), limits_(limits) {}

  Totals selection_set(const SelectionSet& set, const std::string& parent, int guard) {
    Totals t;
    if (guard > 256) {  // validation refuses cycles; past this, count it as too deep
      t.depth = kCap;
      return t;
    }
    for (const Selection& s : set.selections) {
      if (const Field* f = s.as<Field>()) {
        Totals one = field(*f, parent, guard);
        t.depth = std::max(t.depth, one.depth);
        t.aliases = add(t.aliases, one.aliases);
        t.cost = add(t.cost, one.cost);
        t.fields = add(t.fields, 1);
      } else if (const InlineFragment* in = s.as<InlineFragment>()) {
        std::string type = in->type_condition ? in->type_condition->name.value : parent;
        merge(t, selection_set(in->selection_set, type, guard + 1));
      } else if (const FragmentSpread* spread = s.as<FragmentSpread>()) {
        merge(t, fragment(spread->name.value, guard));
      }
    }
    return t;
  }

 private:
  static void merge(Totals& into, const Totals& t) {
    into.depth = std::max(into.depth, t.depth);
    into.aliases = add(into.aliases, t.aliases);
    into.cost = add(into.cost, t.cost);
    into.fields = add(into.fields, t.fields);
  }

  // A fragment's totals do not depend on where it is spread: computed once.
  Totals fragment(const std::string& name, int guard) {
    if (auto m = memo_.find(name); m != memo_.end()) return m->second;
    auto f = fragments_.find(name);
    if (f == fragments_.end()) return {};
    Totals t =
        selection_set(f->second->selection_set, f->second->type_condition.name.value, guard + 1);
    memo_[name] = t;
    return t;
  }

  // A literal or variable int argument of the field.
  std::optional<int64_t> int_argument(const Field& f, std::string_view name) const {
    for (const Argument& a : f.arguments) {
      if (a.name.value != name) continue;
      if (const IntValue* i = a.value.as<IntValue>()) {
        try {
          return std::stoll(i->raw);
        } catch (...) {
          return kCap;
        }
      }
      if (const Variable* v = a.value.as<Variable>()) {
        auto it = variables_.find(v->name.value);
        if (it != variables_.end() && it->second.is_number()) {
          std::optional<int64_t> n = it->second.as_int64();
          return n ? n : std::optional<int64_t>(kCap);
        }
      }
    }
    return std::nullopt;
  }

  Totals field(const Field& f, const std::string& parent, int guard) {
    Totals t;
    const std::string& name = f.name.value;
    if (name == "__schema" || name == "__type") return t;  // introspection: not counted
    t.aliases = f.alias && f.alias->value != name ? 1 : 0;
    t.depth = 1;
    t.cost = 1;
    if (name == "__typename") return t;
    const schema::NamedType* p = schema_.find(parent);
    const schema::Field* def = p ? p->field(name) : nullptr;
    if (!f.selection_set || !def) return t;
    Totals below = selection_set(*f.selection_set, def->type.name, guard + 1);
    t.depth = add(1, below.depth);
    t.aliases = add(t.aliases, below.aliases);
    int64_t page = 1;
    bool connection = false;
    for (const schema::InputValue& a : def->args)
      connection |= a.name == "first" || a.name == "last";
    if (connection) {
      std::optional<int64_t> first = int_argument(f, "first"), last = int_argument(f, "last");
      page = first                      ? *first
             : last                     ? *last
             : limits_.default_page > 0 ? limits_.default_page
             : limits_.max_page > 0     ? limits_.max_page
                                        : kUnboundedPage;
      if (first && last) page = std::min(*first, *last);
      page = std::max<int64_t>(page, 0);
    }
    t.cost = add(1, mul(page, below.cost));
    return t;
  }

  const schema::Schema& schema_;
  const FragmentMap& fragments_;
  const VariableValues& variables_;
  const OperationLimits& limits_;
  std::map<std::string, Totals> memo_;
};

std::string root_type(const schema::Schema& schema, OperationType op) {
  if (op == OperationType::kMutation && schema.mutation_type) return *schema.mutation_type;
  if (op == OperationType::kSubscription && schema.subscription_type)
    return *schema.subscription_type;
  return schema.query_type;
}

}  // namespace

OperationMeasure measure_operation(const schema::Schema& schema, const OperationDefinition& op,
                                   const FragmentMap& fragments, const VariableValues& variables,
                                   const OperationLimits& limits) {
  Measurer m(schema, fragments, variables, limits);
  Totals t = m.selection_set(op.selection_set, root_type(schema, op.operation), 0);
  return OperationMeasure{t.depth, t.aliases, t.fields, t.cost};
}

std::optional<Error> check_operation_limits(const schema::Schema& schema,
                                            const OperationDefinition& op,
                                            const FragmentMap& fragments,
                                            const VariableValues& variables,
                                            const OperationLimits& limits) {
  if (limits.max_depth <= 0 && limits.max_aliases <= 0 && limits.max_root_fields <= 0 &&
      limits.max_cost <= 0)
    return std::nullopt;
  OperationMeasure m = measure_operation(schema, op, fragments, variables, limits);
  auto refuse = [&](const char* what, int64_t value, int64_t limit, const char* setting) {
    return Error{std::string("Operation ") + what + " " + std::to_string(value) +
                     " exceeds the limit of " + std::to_string(limit) + " (" + setting + ")",
                 {SourceLocation{op.loc.line, op.loc.column}},
                 {},
                 {}};
  };
  if (limits.max_depth > 0 && m.depth > limits.max_depth)
    return refuse("depth", m.depth, limits.max_depth, "pg_gateway.max_query_depth");
  if (limits.max_root_fields > 0 && m.root_fields > limits.max_root_fields)
    return refuse("root field count", m.root_fields, limits.max_root_fields,
                  "pg_gateway.max_root_fields");
  if (limits.max_aliases > 0 && m.aliases > limits.max_aliases)
    return refuse("alias count", m.aliases, limits.max_aliases, "pg_gateway.max_aliases");
  if (limits.max_cost > 0 && m.cost > limits.max_cost)
    return refuse("cost", m.cost, limits.max_cost, "pg_gateway.max_query_cost");
  return std::nullopt;
}

}  // namespace pg_gateway::graphql::exec
