#include "core/graphql/cache/cache_policy.hpp"

#include <algorithm>
#include <map>
#include <vector>

#include "core/graphql/execution/collect_fields.hpp"
#include "core/graphql/execution/introspection.hpp"

namespace pg_gateway::graphql::cache {

namespace {

using schema::NamedType;

// Deeper than any operation the limits let through (limits.hpp); past it
// the walk stops and the response is not cacheable.
constexpr int kMaxDepth = 256;

// Apollo's "composite": what has fields to select, hence its own hint.
bool is_composite(const NamedType* t) {
  return t && (t->kind == NamedType::Kind::kObject || t->kind == NamedType::Kind::kInterface ||
               t->kind == NamedType::Kind::kUnion);
}

// Types whose runtime object type is only known once the row is read.
bool is_abstract(const NamedType* t) {
  return t && (t->kind == NamedType::Kind::kInterface || t->kind == NamedType::Kind::kUnion);
}

class PolicyWalker {
 public:
  PolicyWalker(const build::BuiltSchema& built, const exec::FragmentMap& fragments,
               const exec::VariableValues& variables, int64_t default_max_age)
      : built_(built),
        schema_(built.schema),
        fragments_(fragments),
        variables_(variables),
        default_max_age_(default_max_age) {}

  // The fields of one object of type `object_type` (root: of the operation).
  void walk(const std::string& object_type, const std::vector<exec::FieldGroup>& groups, bool root,
            int depth) {
    if (depth > kMaxDepth) {
      contribute_max_age(0);
      return;
    }
    for (const exec::FieldGroup& group : groups) field(object_type, group, root, depth);
  }

  CachePolicy result() const { return policy_; }

  // The smallest max age wins; also used to make a response uncacheable (0).
  void contribute_max_age(int64_t seconds) {
    policy_.max_age = policy_.max_age ? std::min(*policy_.max_age, seconds) : seconds;
  }

 private:
  // One field's resolved hint joins the policy.
  void contribute(const CacheHint& h) {
    if (h.max_age) contribute_max_age(*h.max_age);
    if (h.scope == Scope::kPrivate) policy_.scope = Scope::kPrivate;
  }

  // One field of `parent`: its own contribution, then its selections.
  void field(const std::string& parent, const exec::FieldGroup& group, bool root, int depth) {
    const std::string& name = group.first().name.value;
    if (name == "__typename") return;
    if (root && exec::is_introspection_root_field(name)) {
      contribute_max_age(default_max_age_);
      return;
    }
    const NamedType* parent_type = schema_.find(parent);
    const schema::Field* def = parent_type ? parent_type->field(name) : nullptr;
    if (!def) {
      contribute_max_age(0);  // validation rules this out; do not cache what is not understood
      return;
    }
    const std::string& returns = def->type.name;
    const NamedType* return_type = schema_.find(returns);
    const CacheHint* field_hint = built_.cache_hints.field_hint(parent, name);

    // Connections count as their nodes.
    std::string target = returns;
    if (auto c = built_.connections.find(returns); c != built_.connections.end())
      target = c->second.node_type;
    const NamedType* target_type = schema_.find(target);
    if (is_abstract(target_type)) {
      own_contribution(target_type, field_hint, root);
      for (const std::string& t : possible_types(*target_type))
        own_contribution(schema_.find(t), field_hint, root);
    } else {
      own_contribution(target_type, field_hint, root);
    }

    if (!is_composite(return_type)) return;
    if (is_abstract(return_type)) {
      for (const std::string& t : possible_types(*return_type))
        walk(t, exec::collect_subfields(schema_, t, group, fragments_, variables_), false,
             depth + 1);
    } else {
      walk(returns, exec::collect_subfields(schema_, returns, group, fragments_, variables_), false,
           depth + 1);
    }
  }

  // Apollo's rule for one field whose value is of type `type` (nullptr or
  // a scalar: no type hint).
  void own_contribution(const NamedType* type, const CacheHint* field_hint, bool root) {
    bool composite = is_composite(type);
    CacheHint h;
    if (composite)
      if (const CacheHint* th = built_.cache_hints.type_hint(type->name)) h = *th;
    if (field_hint) {
      if (field_hint->max_age || field_hint->inherit_max_age) {
        h.max_age = field_hint->max_age;
        h.inherit_max_age = field_hint->inherit_max_age;
      }
      if (field_hint->scope) h.scope = field_hint->scope;
    }
    if (!h.max_age && !h.inherit_max_age && (root || composite)) h.max_age = default_max_age_;
    contribute(h);
  }

  // The object types a value of an interface or union can be, once per
  // type name (cached: Node has every table).
  const std::vector<std::string>& possible_types(const NamedType& abstract) {
    auto it = possible_.find(abstract.name);
    if (it != possible_.end()) return it->second;
    std::vector<std::string>& out = possible_[abstract.name];
    if (abstract.kind == NamedType::Kind::kUnion) {
      out = abstract.members;
    } else {
      for (const NamedType* t : schema_.types_in_order())
        if (t->kind == NamedType::Kind::kObject &&
            std::find(t->interfaces.begin(), t->interfaces.end(), abstract.name) !=
                t->interfaces.end())
          out.push_back(t->name);
    }
    return out;
  }

  const build::BuiltSchema& built_;
  const schema::Schema& schema_;
  const exec::FragmentMap& fragments_;
  const exec::VariableValues& variables_;
  int64_t default_max_age_;
  CachePolicy policy_;
  std::map<std::string, std::vector<std::string>, std::less<>> possible_;
};

}  // namespace

// The same CollectFields the response uses, so that fragments, @skip,
// @include and aliases count exactly as they do for the data.
CachePolicy compute_cache_policy(const build::BuiltSchema& built,
                                 const SelectionSet& root_selection,
                                 const exec::FragmentMap& fragments,
                                 const exec::VariableValues& variables, int64_t default_max_age) {
  PolicyWalker walker(built, fragments, variables, default_max_age);
  const std::string& query = built.schema.query_type;
  try {
    walker.walk(query,
                exec::collect_fields(built.schema, query, root_selection, fragments, variables),
                true, 0);
  } catch (const exec::CollectFieldsError&) {
    walker.contribute_max_age(0);
  }
  return walker.result();
}

// Written by hand: three fixed members, no escaping needed.
std::string cache_control_json(const CachePolicy& policy) {
  return "{\"version\":1,\"maxAge\":" + std::to_string(policy.max_age.value_or(0)) +
         ",\"scope\":\"" + (policy.scope == Scope::kPrivate ? "PRIVATE" : "PUBLIC") + "\"}";
}

}  // namespace pg_gateway::graphql::cache
