#include "core/graphql/validation/context.hpp"

#include <algorithm>
#include <type_traits>

#include "core/graphql/builtin_types.hpp"
#include "core/graphql/validation/walker.hpp"

namespace pg_gateway::graphql::validation {

using Kind = NamedType::Kind;
using Wrapper = schema::TypeRef::Wrapper;

// ---------------------------------------------------------------------------
// Type

Type Type::named(const NamedType* t) {
  Type out;
  out.named_ = t;
  return out;
}

Type Type::of(const schema::TypeRef& ref, const NamedType* named) {
  Type out;
  if (!named) return out;
  out.ref_ = &ref;
  out.named_ = named;
  return out;
}

bool Type::is_non_null() const {
  return is_wrapping() && ref_->wrappers[depth_] == Wrapper::kNonNull;
}
bool Type::is_list() const { return is_wrapping() && ref_->wrappers[depth_] == Wrapper::kList; }

Type Type::of_type() const {
  Type out = *this;
  ++out.depth_;
  return out;
}

Type Type::nullable() const { return is_non_null() ? of_type() : *this; }

bool Type::same(const Type& other) const {
  if (named_ != other.named_) return false;
  if (!is_wrapping() && !other.is_wrapping()) return true;
  return ref_ == other.ref_ && depth_ == other.depth_;
}

std::string Type::str() const {
  if (!named_) return "undefined";
  std::string out = named_->name;
  if (!ref_) return out;
  for (size_t i = ref_->wrappers.size(); i > depth_; --i)
    out = ref_->wrappers[i - 1] == Wrapper::kList ? "[" + out + "]" : out + "!";
  return out;
}

bool is_leaf(const NamedType* t) {
  return t && (t->kind == Kind::kScalar || t->kind == Kind::kEnum);
}
bool is_composite(const NamedType* t) {
  return t && (t->kind == Kind::kObject || t->kind == Kind::kInterface || t->kind == Kind::kUnion);
}
bool is_abstract(const NamedType* t) {
  return t && (t->kind == Kind::kInterface || t->kind == Kind::kUnion);
}
bool is_input_type(const NamedType* t) { return is_leaf(t) || is_input_object(t); }
bool is_output_type(const NamedType* t) { return t && t->kind != Kind::kInputObject; }
bool is_object(const NamedType* t) { return t && t->kind == Kind::kObject; }
bool is_interface(const NamedType* t) { return t && t->kind == Kind::kInterface; }
bool is_input_object(const NamedType* t) { return t && t->kind == Kind::kInputObject; }
bool is_enum(const NamedType* t) { return t && t->kind == Kind::kEnum; }

SourceLocation location_of(const Location& loc) { return SourceLocation{loc.line, loc.column}; }

// ---------------------------------------------------------------------------
// Context: errors and budgets

Context::Context(const schema::Schema& schema, const Document& document,
                 const ValidateOptions& options, std::vector<Error>& errors)
    : schema_(schema), document_(document), options_(options), errors_(errors) {}

void Context::report(std::string message, std::vector<SourceLocation> locations) {
  if (errors_.size() >= options_.max_errors) {
    errors_.push_back(
        Error{"Too many validation errors, error limit reached. Validation aborted.", {}, {}, {}});
    throw Aborted{};
  }
  errors_.push_back(Error{std::move(message), std::move(locations), {}, {}});
}

void Context::abort_validation() {
  errors_.push_back(Error{"Validation aborted.", {}, {}, {}});
  throw Aborted{};
}

void Context::spend_fragment_work(size_t cost) {
  remaining_fragment_work_ -= static_cast<long>(cost);
  if (remaining_fragment_work_ < 0) abort_validation();
}

// ---------------------------------------------------------------------------
// Context: types

const NamedType* Context::find_type(std::string_view name) const {
  return graphql::find_type(schema_, name);
}

Type Context::type_from_ast(const TypeRef& ast) {
  schema::TypeRef ref;
  const TypeRef* t = &ast;
  while (t->kind != TypeRef::Kind::kNamed) {
    ref.wrappers.push_back(t->kind == TypeRef::Kind::kList ? Wrapper::kList : Wrapper::kNonNull);
    t = t->inner.get();
  }
  const NamedType* named = find_type(t->name.value);
  if (!named) return Type();
  if (ref.wrappers.empty()) return Type::named(named);
  ref.name = named->name;
  converted_types_.push_back(std::move(ref));
  return Type::of(converted_types_.back(), named);
}

const NamedType* Context::root_type(OperationType op) const {
  const std::string* name = nullptr;
  switch (op) {
    case OperationType::kQuery:
      name = &schema_.query_type;
      break;
    case OperationType::kMutation:
      name = schema_.mutation_type ? &*schema_.mutation_type : nullptr;
      break;
    case OperationType::kSubscription:
      name = schema_.subscription_type ? &*schema_.subscription_type : nullptr;
      break;
  }
  return name ? schema_.find(*name) : nullptr;
}

bool Context::is_sub_type(const NamedType& abstract_type, const NamedType& maybe_sub) const {
  // No scan of the schema: a union lists its members and an implementation
  // lists its interfaces.
  if (abstract_type.kind == Kind::kUnion) {
    if (maybe_sub.kind != Kind::kObject) return false;
    return std::find(abstract_type.members.begin(), abstract_type.members.end(), maybe_sub.name) !=
           abstract_type.members.end();
  }
  if (abstract_type.kind != Kind::kInterface) return false;
  if (maybe_sub.kind != Kind::kObject && maybe_sub.kind != Kind::kInterface) return false;
  return std::find(maybe_sub.interfaces.begin(), maybe_sub.interfaces.end(), abstract_type.name) !=
         maybe_sub.interfaces.end();
}

const std::vector<const NamedType*>& Context::possible_types(const NamedType& abstract_type) {
  auto it = possible_types_.find(&abstract_type);
  if (it != possible_types_.end()) return it->second;
  std::vector<const NamedType*>& out = possible_types_[&abstract_type];
  if (abstract_type.kind == Kind::kUnion) {
    for (const std::string& m : abstract_type.members)
      if (const NamedType* t = find_type(m); is_object(t)) out.push_back(t);
  } else if (abstract_type.kind == Kind::kInterface) {
    // Only unknown-field suggestions and abstract-abstract overlaps get
    // here, so one pass over the schema, memoized, is affordable.
    for (const NamedType* t : schema_.types_in_order())
      if (t->kind == Kind::kObject && is_sub_type(abstract_type, *t)) out.push_back(t);
  }
  return out;
}

bool Context::do_types_overlap(const NamedType* a, const NamedType* b) {
  if (a == b) return true;
  if (is_abstract(a)) {
    if (is_abstract(b)) {
      for (const NamedType* t : possible_types(*a))
        if (is_sub_type(*b, *t)) return true;
      return false;
    }
    return is_sub_type(*a, *b);
  }
  if (is_abstract(b)) return is_sub_type(*b, *a);
  return false;
}

bool Context::is_type_sub_type_of(Type sub, Type super) {
  while (true) {
    if (sub.same(super)) return true;
    if (super.is_non_null()) {
      if (!sub.is_non_null()) return false;
      sub = sub.of_type();
      super = super.of_type();
      continue;
    }
    if (sub.is_non_null()) {
      sub = sub.of_type();
      continue;
    }
    if (super.is_list()) {
      if (!sub.is_list()) return false;
      sub = sub.of_type();
      super = super.of_type();
      continue;
    }
    if (sub.is_list()) return false;
    const NamedType* s = sub.named();
    const NamedType* p = super.named();
    return is_abstract(p) && (is_interface(s) || is_object(s)) && is_sub_type(*p, *s);
  }
}

const schema::Field* Context::own_field(const NamedType* parent, std::string_view name) {
  if (!parent || (parent->kind != Kind::kObject && parent->kind != Kind::kInterface))
    return nullptr;
  // NamedType::field() scans the fields; a root type of a big schema has
  // thousands, and every field of the document is looked up more than once
  // (TypeInfo, OverlappingFieldsCanBeMerged), so lookups are remembered.
  auto key = std::make_pair(parent, name);
  auto it = field_lookups_.find(key);
  if (it != field_lookups_.end()) return it->second;
  const schema::Field* field = parent->field(name);
  field_lookups_.emplace(key, field);
  return field;
}

const std::vector<std::string_view>& Context::all_type_names() {
  if (all_type_names_ready_) return all_type_names_;
  all_type_names_ready_ = true;
  std::set<std::string_view> seen;
  for (const NamedType* t : schema_.types_in_order())
    if (seen.insert(t->name).second) all_type_names_.push_back(t->name);
  for (std::string_view builtin :
       {"String", "Int", "Float", "Boolean", "ID", "__Schema", "__Type", "__TypeKind", "__Field",
        "__InputValue", "__EnumValue", "__Directive", "__DirectiveLocation"})
    if (seen.insert(builtin).second) all_type_names_.push_back(builtin);
  return all_type_names_;
}

// ---------------------------------------------------------------------------
// Context: fragments and variable usages

const FragmentDefinition* Context::fragment(std::string_view name) {
  if (!fragments_ready_) {
    fragments_ready_ = true;
    for (const Definition& def : document_.definitions)
      if (const FragmentDefinition* f = def.as<FragmentDefinition>())
        fragments_[f->name.value] = f;  // a later definition wins, as in graphql-js
  }
  auto it = fragments_.find(name);
  return it == fragments_.end() ? nullptr : it->second;
}

const std::vector<const FragmentSpread*>& Context::fragment_spreads(const SelectionSet& set) {
  auto it = spreads_.find(&set);
  if (it != spreads_.end()) return it->second;
  std::vector<const FragmentSpread*>& spreads = spreads_[&set];
  // graphql-js's explicit stack: a set's own spreads first, nested sets
  // last-in first-out.
  std::vector<const SelectionSet*> to_visit{&set};
  while (!to_visit.empty()) {
    const SelectionSet* s = to_visit.back();
    to_visit.pop_back();
    for (const Selection& sel : s->selections) {
      if (const FragmentSpread* spread = sel.as<FragmentSpread>())
        spreads.push_back(spread);
      else if (const Field* f = sel.as<Field>(); f && f->selection_set)
        to_visit.push_back(&*f->selection_set);
      else if (const InlineFragment* inl = sel.as<InlineFragment>())
        to_visit.push_back(&inl->selection_set);
    }
  }
  return spreads;
}

const std::vector<const FragmentDefinition*>& Context::recursively_referenced_fragments(
    const std::vector<const OperationDefinition*>& operations) {
  return referenced_[referenced_fragments_index(operations)];
}

size_t Context::referenced_fragments_index(
    const std::vector<const OperationDefinition*>& operations) {
  std::vector<std::string_view> names;
  std::set<std::string_view> name_set;
  for (const OperationDefinition* op : operations)
    for (const FragmentSpread* s : fragment_spreads(op->selection_set))
      if (name_set.insert(s->name.value).second) names.push_back(s->name.value);
  // graphql-js's SetMap: keyed by the set of directly spread names.
  auto cached = referenced_index_.find(name_set);
  if (cached != referenced_index_.end()) return cached->second;
  std::set<std::string_view> key = name_set;

  std::vector<const FragmentDefinition*> fragments;
  spend_fragment_work(names.size());
  // A JavaScript Set iterated while it grows: names added are visited too.
  for (size_t i = 0; i < names.size(); ++i) {
    const FragmentDefinition* frag = fragment(names[i]);
    if (!frag) continue;
    fragments.push_back(frag);
    const std::vector<const FragmentSpread*>& spreads = fragment_spreads(frag->selection_set);
    spend_fragment_work(spreads.size());
    for (const FragmentSpread* s : spreads)
      if (name_set.insert(s->name.value).second) names.push_back(s->name.value);
  }
  referenced_.push_back(std::move(fragments));
  referenced_index_.emplace(std::move(key), referenced_.size() - 1);
  return referenced_.size() - 1;
}

namespace {

// Collects the variables used under one node with the types at their
// positions (graphql-js getVariableUsages); variable definitions are skipped.
struct UsageHooks : NoHooks {
  TypeInfo* ti = nullptr;
  std::vector<VariableUsage>* out = nullptr;

  bool enter_variable_definition(const VariableDefinition&) { return false; }
  void enter_value(const Value& v) {
    if (const Variable* var = v.as<Variable>())
      out->push_back(
          VariableUsage{var, ti->input_type(), ti->has_default_value(), ti->parent_input_type()});
  }
};

}  // namespace

template <typename Node>
const std::vector<VariableUsage>& Context::variable_usages(const Node& node) {
  auto it = usages_.find(&node);
  if (it != usages_.end()) return it->second;
  std::vector<VariableUsage> found;
  TypeInfo ti(*this);
  UsageHooks hooks;
  hooks.ti = &ti;
  hooks.out = &found;
  Walker<UsageHooks> walker(ti, hooks);
  if constexpr (std::is_same_v<Node, OperationDefinition>)
    walker.operation(node);
  else
    walker.fragment_definition(node);
  return usages_[&node] = std::move(found);
}

const std::vector<VariableUsage>& Context::recursive_variable_usages(
    const OperationDefinition& op) {
  auto it = recursive_usages_.find(&op);
  if (it != recursive_usages_.end()) return it->second;
  // Operations reaching the same fragments share those fragments' usages
  // (graphql-js caches them by the fragment list), and so spend once.
  size_t key = referenced_fragments_index({&op});
  auto fu = fragment_usages_.find(key);
  if (fu == fragment_usages_.end()) {
    const std::vector<const FragmentDefinition*>& fragments = referenced_[key];
    spend_fragment_work(fragments.size());
    std::vector<VariableUsage> all;
    for (const FragmentDefinition* frag : fragments) {
      const std::vector<VariableUsage>& local = variable_usages(*frag);
      spend_fragment_work(local.size());
      all.insert(all.end(), local.begin(), local.end());
    }
    fu = fragment_usages_.emplace(key, std::move(all)).first;
  }
  spend_fragment_work(fu->second.size());
  std::vector<VariableUsage> usages = variable_usages(op);
  usages.insert(usages.end(), fu->second.begin(), fu->second.end());
  return recursive_usages_[&op] = std::move(usages);
}

// ---------------------------------------------------------------------------
// TypeInfo

void TypeInfo::enter_selection_set() {
  const NamedType* named = type().named();
  parent_type_stack_.push_back(is_composite(named) ? named : nullptr);
}

void TypeInfo::enter_field(const Field& node) {
  const NamedType* parent = parent_type();
  const schema::Field* def = nullptr;
  if (parent) {
    def = meta_field(ctx_.schema(), *parent, node.name.value);
    if (!def) def = ctx_.own_field(parent, node.name.value);
  }
  Type field_type;
  if (def) field_type = Type::of(def->type, ctx_.find_type(def->type.name));
  field_def_stack_.push_back(def);
  type_stack_.push_back(is_output_type(field_type.named()) ? field_type : Type());
}

void TypeInfo::leave_field() {
  field_def_stack_.pop_back();
  type_stack_.pop_back();
}

void TypeInfo::enter_directive(const Directive& node) {
  directive_ = find_directive(ctx_.schema(), node.name.value);
}

void TypeInfo::enter_operation(const OperationDefinition& node) {
  const NamedType* root = ctx_.root_type(node.operation);
  type_stack_.push_back(is_object(root) ? Type::named(root) : Type());
}

void TypeInfo::enter_fragment(const std::optional<graphql::NamedType>& type_condition) {
  const NamedType* t = type_condition ? ctx_.find_type(type_condition->name.value) : type().named();
  type_stack_.push_back(is_output_type(t) ? Type::named(t) : Type());
}

void TypeInfo::enter_variable_definition(const VariableDefinition& node) {
  Type t = ctx_.type_from_ast(node.type);
  input_type_stack_.push_back(is_input_type(t.named()) ? t : Type());
}

void TypeInfo::enter_argument(const Argument& node) {
  // graphql-js: getDirective() ?? getFieldDef(). An unknown directive has
  // no definition, so its arguments are looked up on the enclosing field.
  const std::vector<schema::InputValue>* args = nullptr;
  if (directive_)
    args = &directive_->args;
  else if (const schema::Field* f = field_def())
    args = &f->args;
  const schema::InputValue* arg = nullptr;
  if (args)
    for (const schema::InputValue& a : *args)
      if (a.name == node.name.value) {
        arg = &a;
        break;
      }
  argument_ = arg;
  default_value_stack_.push_back(arg && arg->default_value.has_value());
  Type t = arg ? Type::of(arg->type, ctx_.find_type(arg->type.name)) : Type();
  input_type_stack_.push_back(is_input_type(t.named()) ? t : Type());
}

void TypeInfo::leave_argument() {
  argument_ = nullptr;
  default_value_stack_.pop_back();
  input_type_stack_.pop_back();
}

void TypeInfo::enter_list_value() {
  Type list = input_type().nullable();
  Type item = list.is_list() ? list.of_type() : list;
  default_value_stack_.push_back(false);
  input_type_stack_.push_back(is_input_type(item.named()) ? item : Type());
}

void TypeInfo::enter_object_field(const ObjectField& node) {
  const NamedType* object = input_type().named();
  const schema::InputValue* field = nullptr;
  if (is_input_object(object))
    for (const schema::InputValue& f : object->input_fields)
      if (f.name == node.name.value) {
        field = &f;
        break;
      }
  default_value_stack_.push_back(field && field->default_value.has_value());
  Type t = field ? Type::of(field->type, ctx_.find_type(field->type.name)) : Type();
  input_type_stack_.push_back(is_input_type(t.named()) ? t : Type());
}

void TypeInfo::leave_list_or_object_field() {
  default_value_stack_.pop_back();
  input_type_stack_.pop_back();
}

}  // namespace pg_gateway::graphql::validation
