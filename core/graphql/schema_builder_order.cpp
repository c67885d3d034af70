#include "core/graphql/schema_builder_order.hpp"

#include <algorithm>
#include <coroutine>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace pg_gateway::graphql::build {

namespace {

using catalog::Catalog;
using catalog::Oid;

// ---------------------------------------------------------------------------
// A JavaScript-like microtask queue with promises and async functions.
//
// Only timing matters here, so a promise carries a small value (a pointer or
// a flag) and never rejects. The rules are V8's (checked with node 22):
//   - awaiting a settled promise or a plain value resumes in a job posted at
//     once; awaiting a pending promise resumes in a job posted when it settles;
//   - settling a promise posts its reactions in registration order;
//   - p.then(f) settles in the reaction job when f returns a value, and two
//     jobs after the promise f returns settles when it returns one (the
//     NewPromiseResolveThenableJob round trip); so does an async function that
//     returns a promise;
//   - Promise.all settles in the job of the last element's reaction.

class JobQueue {
 public:
  void post(std::function<void()> job) { jobs_.push_back(std::move(job)); }
  // Runs jobs until none is left; false if the cap was hit (a cycle).
  bool run(size_t cap) {
    size_t n = 0;
    while (!jobs_.empty()) {
      if (++n > cap) return false;
      std::function<void()> job = std::move(jobs_.front());
      jobs_.pop_front();
      job();
    }
    return true;
  }

 private:
  std::deque<std::function<void()>> jobs_;
};

// The queue the coroutines of the current simulation post to.
thread_local JobQueue* current_queue = nullptr;

template <class T>
struct PromiseState {
  bool settled = false;
  T value{};
  std::vector<std::function<void()>> reactions;

  void settle(T v) {
    value = std::move(v);
    settled = true;
    std::vector<std::function<void()>> r = std::move(reactions);
    for (auto& f : r) current_queue->post(std::move(f));
  }
  void on_settle(std::function<void()> f) {
    if (settled) {
      current_queue->post(std::move(f));
    } else {
      reactions.push_back(std::move(f));
    }
  }
};

template <class T>
using Promise = std::shared_ptr<PromiseState<T>>;

template <class T>
Promise<T> settled_promise(T v) {
  auto p = std::make_shared<PromiseState<T>>();
  p->settled = true;
  p->value = std::move(v);
  return p;
}

// `await promise`.
template <class T>
struct PromiseAwaiter {
  Promise<T> p;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    p->on_settle([h] { h.resume(); });
  }
  T await_resume() const { return p->value; }
};

template <class T>
PromiseAwaiter<T> await(Promise<T> p) {
  return PromiseAwaiter<T>{std::move(p)};
}

// `await value` (not a promise): one job.
struct Tick {
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    current_queue->post([h] { h.resume(); });
  }
  void await_resume() const noexcept {}
};

// `return promise` from an async function: resumes where JavaScript would
// settle the function's own promise, i.e. two jobs after `p` settles.
template <class T>
struct AdoptAwaiter {
  Promise<T> p;
  bool await_ready() const noexcept { return false; }
  void await_suspend(std::coroutine_handle<> h) {
    Promise<T> inner = p;
    current_queue->post([inner, h] { inner->on_settle([h] { h.resume(); }); });
  }
  T await_resume() const { return p->value; }
};

template <class T>
AdoptAwaiter<T> adopt(Promise<T> p) {
  return AdoptAwaiter<T>{std::move(p)};
}

// An async function: runs at once up to its first await; its promise
// settles when it returns.
template <class T>
struct Async {
  Promise<T> promise;

  struct promise_type {
    Promise<T> p = std::make_shared<PromiseState<T>>();
    Async get_return_object() { return Async{p}; }
    std::suspend_never initial_suspend() noexcept { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_value(T v) { p->settle(std::move(v)); }
    void unhandled_exception() { std::terminate(); }
  };
};

// p.then(() => undefined)
template <class T>
Promise<bool> then_value(const Promise<T>& p) {
  auto q = std::make_shared<PromiseState<bool>>();
  p->on_settle([q] { q->settle(true); });
  return q;
}

// p.then(() => f()) where f returns a promise.
template <class T>
Promise<bool> then_promise(const Promise<T>& p, std::function<Promise<bool>()> f) {
  auto q = std::make_shared<PromiseState<bool>>();
  p->on_settle([q, f] {
    Promise<bool> inner = f();
    current_queue->post([q, inner] { inner->on_settle([q, inner] { q->settle(inner->value); }); });
  });
  return q;
}

// Promise.all(list)
template <class T>
Promise<bool> all(const std::vector<Promise<T>>& list) {
  auto agg = std::make_shared<PromiseState<bool>>();
  if (list.empty()) {
    agg->settled = true;
    agg->value = true;
    return agg;
  }
  auto remaining = std::make_shared<size_t>(list.size());
  for (const Promise<T>& p : list)
    p->on_settle([agg, remaining] {
      if (--*remaining == 0) agg->settle(true);
    });
  return agg;
}

// ---------------------------------------------------------------------------
// What the gather phase sees of the catalog.

// pg_class as PostGraphile's introspection lists it: tables, views, ... and
// the classes behind composite types (relkind 'c').
struct SimClass {
  Oid oid = 0;
  std::string schema;
  std::string name;
  char relkind = 'r';
  std::vector<Oid> attribute_types;  // attnum >= 1, in attnum order
  int uniques = 0;                   // unique/primary constraints, fake ones included
  const catalog::Class* cls = nullptr;
};

// A codec as far as timing and resource decisions need it.
struct Codec {
  bool has_attributes = false;  // a row or composite type
  bool is_anonymous = false;    // a RETURNS TABLE / OUT-parameters record
  const Codec* array_of = nullptr;
};

// The pg_catalog types @dataplan/pg has a built-in codec for
// (getCodecByPgCatalogTypeName), arrays included.
bool known_pg_catalog_type(std::string_view name) {
  static const std::set<std::string_view> kKnown = {
      "unknown",  "void",     "bool",      "bytea",       "char",     "bpchar",  "varchar",
      "text",     "name",     "uuid",      "xml",         "tsvector", "tsquery", "json",
      "jsonb",    "jsonpath", "bit",       "varbit",      "int2",     "int4",    "int8",
      "float8",   "float4",   "numeric",   "money",       "box",      "point",   "path",
      "line",     "lseg",     "circle",    "polygon",     "cidr",     "inet",    "macaddr",
      "macaddr8", "date",     "timestamp", "timestamptz", "time",     "timetz",  "interval",
      "oid"};
  static const std::set<std::string_view> kNoArray = {"unknown", "void"};
  if (!name.empty() && name[0] == '_') {
    std::string_view element = name.substr(1);
    return kKnown.count(element) > 0 && kNoArray.count(element) == 0;
  }
  return kKnown.count(name) > 0;
}

constexpr Oid kRecordType = 2249;
constexpr Oid kTriggerType = 2279;

// ---------------------------------------------------------------------------
// The gather phase, one coroutine per JavaScript function whose promise hops
// decide the order. Names follow graphile-build-pg's helpers; comments give
// the JavaScript awaits they stand for.

class Gather {
 public:
  explicit Gather(const Catalog& cat) : cat_(cat) { collect_classes(); }

  std::vector<RegistryEntry> run() {
    JobQueue queue;
    current_queue = &queue;
    drive();
    bool finished = queue.run(50'000'000);
    current_queue = nullptr;
    if (!finished) throw std::runtime_error("registry order simulation did not finish");
    return std::move(order_);
  }

 private:
  // PgIntrospectionPlugin.getIntrospection(): announces classes, then
  // attributes and constraints (no gather hooks listen to those), then procs.
  Async<bool> drive() {
    for (const SimClass& c : classes_)
      if (exposed_.count(c.schema)) table_resource(c);
    co_await await(announced());  // classes
    co_await await(announced());  // attributes
    co_await await(announced());  // constraints
    for (const catalog::Function* f : procs_) proc_hook(f);
    co_return true;
  }

  // Promise.all() over the results of hooks that returned nothing (GCC 12
  // cannot have the braced list inside a coroutine).
  static Promise<bool> announced() {
    std::vector<Promise<bool>> results(1, settled_promise(true));
    return all(results);
  }
  static Promise<bool> none_inherited() { return all(std::vector<Promise<bool>>()); }

  // getDb() / getService(): `await getIntrospection()` (a plain array by now).
  Async<bool> get_db() {
    co_await Tick{};
    co_return true;
  }
  // getClass, getType, getNamespace, getNamespaceByName, getExtensionByName,
  // getTypeByArray, getInheritedForClass: `await getDb()`.
  Async<bool> get_entity() {
    co_await await(get_db().promise);
    co_return true;
  }
  // getAttributesForClass, getConstraintsForClass, getEnumsForType,
  // getRangeByType: `await getClass()` / `await getType()`.
  Async<bool> get_entity_detail() {
    co_await await(get_entity().promise);
    co_return true;
  }

  // PgRBACPlugin.pgCodecs_attribute / pgTables_PgResourceOptions (tables
  // only) / pgProcedures_PgResourceOptions: `await getService()`.
  Async<bool> rbac(bool applies) {
    if (!applies) co_return true;
    co_await await(get_db().promise);
    co_return true;
  }
  static bool table_like(char relkind) {
    return relkind == 'r' || relkind == 'v' || relkind == 'm' || relkind == 'f' || relkind == 'p';
  }

  // info.process("pgCodecs_attribute"): RBAC (async), enum tables and index
  // behaviors (both sync), chained with .then().
  Promise<bool> process_attribute(char relkind) {
    Promise<bool> rbac_done = rbac(table_like(relkind)).promise;
    return then_value(then_value(rbac_done));
  }

  // info.process("pgTables_PgResourceOptions" / "pgProcedures_PgResourceOptions"):
  // PgRemoveExtensionResourcesPlugin (async, no await), then RBAC.
  Promise<bool> process_resource_options(bool rbac_applies) {
    Promise<bool> remove_extension = settled_promise(true);
    return then_promise(remove_extension,
                        [this, rbac_applies] { return rbac(rbac_applies).promise; });
  }

  // PgCodecsPlugin's pgCodecs_findPgCodec hook; sets *found.
  Async<bool> find_codec(const catalog::Type* type, std::shared_ptr<const Codec*> found) {
    co_await await(get_entity().promise);  // getNamespaceByName("pg_catalog")
    if (type->schema == "pg_catalog" && known_pg_catalog_type(type->name)) {
      *found = make_codec(false, nullptr);
      co_return true;
    }
    co_await await(get_entity().promise);  // getExtensionByName("citext")
    co_await await(get_entity().promise);  // getExtensionByName("hstore")
    if (type->kind == catalog::Type::Kind::kEnum) {
      co_await await(get_entity_detail().promise);  // getEnumsForType
      co_await Tick{};                              // pgCodecs_enumType_extensions
      *found = make_codec(false, nullptr);
      co_return true;
    }
    if (type->kind == catalog::Type::Kind::kRange) {
      co_await await(get_entity_detail().promise);  // getRangeByType
      Oid subtype = builtin_range_subtype(type->oid);
      if (!subtype) co_return true;
      const Codec* inner = co_await await(codec_from_type(subtype));
      if (!inner) co_return true;
      co_await Tick{};  // pgCodecs_rangeOfCodec_extensions
      *found = make_codec(false, nullptr);
      co_return true;
    }
    if (type->kind == catalog::Type::Kind::kDomain) {
      const Codec* inner = nullptr;
      if (type->base) inner = co_await await(codec_from_type(type->base));
      if (inner) {
        co_await Tick{};  // pgCodecs_domainOfCodec_extensions
        *found = make_codec(inner->has_attributes, nullptr);
        co_return true;
      }
    }
    if (type->category == 'A') {
      co_await await(get_entity().promise);  // getTypeByArray
      if (type->element && cat_.find_type(type->element)) {
        const Codec* inner = co_await await(codec_from_type(type->element));
        if (inner) {
          co_await Tick{};  // pgCodecs_listOfCodec_extensions
          *found = make_codec(false, inner);
          co_return true;
        }
      }
    }
    co_return true;
  }

  // PgLtreePlugin's pgCodecs_findPgCodec hook.
  Async<bool> ltree_find_codec(const catalog::Type* type) {
    if (type->name != "ltree" && type->name != "_ltree") co_return true;
    co_await await(get_entity().promise);  // getExtensionByName("ltree")
    co_return true;
  }

  // PgCodecsPlugin.getCodecFromType (memoized per type).
  Promise<const Codec*> codec_from_type(Oid type_oid) {
    auto it = type_codecs_.find(type_oid);
    if (it != type_codecs_.end()) return it->second;
    Promise<const Codec*> p = type_codec_chain(type_oid).promise;
    type_codecs_.emplace(type_oid, p);
    return p;
  }
  Async<const Codec*> type_codec_chain(Oid type_oid) {
    co_await await(get_entity().promise);  // getType
    const catalog::Type* type = find_type(type_oid);
    if (!type) co_return nullptr;
    if (type->kind == catalog::Type::Kind::kComposite) {
      co_return co_await adopt(codec_from_class(type->class_oid));
    }
    auto found = std::make_shared<const Codec*>(nullptr);
    // info.process("pgCodecs_findPgCodec"): ltree hook, then the codecs hook.
    Promise<bool> ltree = ltree_find_codec(type).promise;
    // (The lambda must not sit inside the co_await expression: GCC 12
    // miscompiles that and `found` reads back null afterwards.)
    Promise<bool> found_done =
        then_promise(ltree, [this, type, found] { return find_codec(type, found).promise; });
    co_await await(found_done);
    if (!*found) co_return nullptr;
    co_await await(settled_promise(true));  // pgCodecs_PgCodec (PgRefsPlugin, nothing to do)
    co_return *found;
  }

  // PgCodecsPlugin.getCodecFromClass (memoized per class).
  Promise<const Codec*> codec_from_class(Oid class_oid) {
    auto it = class_codecs_.find(class_oid);
    if (it != class_codecs_.end()) return it->second;
    Promise<const Codec*> p = class_codec_chain(class_oid).promise;
    class_codecs_.emplace(class_oid, p);
    return p;
  }
  Async<const Codec*> class_codec_chain(Oid class_oid) {
    co_await await(get_entity().promise);  // getClass
    const SimClass* c = find_class(class_oid);
    if (!c) co_return nullptr;
    co_await await(get_entity().promise);         // getNamespace
    co_await await(get_entity_detail().promise);  // getAttributesForClass
    bool any = false;
    for (Oid t : c->attribute_types) {
      const Codec* codec = co_await await(codec_from_type(t));
      if (!codec) continue;
      any = true;
      co_await await(process_attribute(c->relkind));
    }
    if (!any) co_return nullptr;
    co_await await(settled_promise(true));  // pgCodecs_recordType_spec (polymorphism)
    co_await await(settled_promise(true));  // pgCodecs_PgCodec
    co_return make_codec(true, nullptr);
  }

  // PgTablesPlugin.getResourceOptions (memoized per class): the chain that
  // adds a table's resource. Resolves to the class, or null.
  Promise<const SimClass*> table_resource(const SimClass& c) {
    auto it = table_resources_.find(c.oid);
    if (it != table_resources_.end()) return it->second;
    Promise<const SimClass*> p = table_resource_chain(&c).promise;
    table_resources_.emplace(c.oid, p);
    return p;
  }
  Async<const SimClass*> table_resource_chain(const SimClass* c) {
    co_await await(get_entity_detail().promise);  // getAttributesForClass
    const Codec* codec = co_await await(codec_from_class(c->oid));
    if (!codec) co_return nullptr;
    co_await await(get_entity_detail().promise);  // getConstraintsForClass
    co_await await(get_entity().promise);         // getInheritedForClass
    co_await await(none_inherited());             // inherited constraints
    std::vector<Promise<bool>> uniques;
    for (int i = 0; i < c->uniques; ++i) uniques.push_back(unique_chain().promise);
    co_await await(all(uniques));
    co_await await(process_resource_options(table_like(c->relkind)));
    co_await Tick{};  // getRegistryBuilder()
    if (c->relkind != 'c' && c->cls) add_resource(c->cls, nullptr);
    co_return c;
  }
  // One unique constraint: `await info.process("pgTables_unique")` (no hooks).
  Async<bool> unique_chain() {
    co_await Tick{};
    co_return true;
  }

  // PgProceduresPlugin's pgIntrospection_proc hook.
  Async<bool> proc_hook(const catalog::Function* f) {
    co_await Tick{};  // getIntrospection()
    if (f->return_type == kTriggerType) co_return true;
    if (f->name.rfind("__", 0) == 0) co_return true;
    if (overloaded_.count(f->schema + "." + f->name)) co_return true;
    if (range_constructor(*f)) co_return true;
    // getResourceOptions: the chain, then `.then(addResource)`.
    Promise<const catalog::Function*> chain = proc_chain(f).promise;
    chain->on_settle([this, chain] {
      if (chain->value) add_resource(nullptr, chain->value);
    });
    co_return true;
  }

  static bool out_mode(char m) { return m == 'o' || m == 'b' || m == 't'; }

  // pg_gateway's own: PostGIS geometry/geography (and arrays of them) are
  // GeoJSON, so functions taking or returning them are served. PostGraphile
  // 5 finds no codec for them; the codec is supplied only where a missing
  // one would drop a function, and without awaiting, so that the order of
  // everything PostGraphile does serve stays its order.
  const Codec* spatial_codec(Oid oid) {
    const catalog::Type* t = cat_.find_type(oid);
    for (int depth = 0; t && t->kind == catalog::Type::Kind::kDomain && depth < 32; ++depth)
      t = cat_.find_type(t->base);
    if (t && t->category == 'A' && t->element) {
      const catalog::Type* e = cat_.find_type(t->element);
      if (e && e->is_spatial()) return make_codec(false, make_codec(false, nullptr));
      return nullptr;
    }
    return t && t->is_spatial() ? make_codec(false, nullptr) : nullptr;
  }

  // makeCodecFromReturn(): the record of a RETURNS TABLE / OUT function.
  Async<const Codec*> record_codec(const catalog::Function* f) {
    for (const catalog::Argument& a : f->arguments) {
      if (!out_mode(a.mode)) continue;
      const Codec* c = co_await await(codec_from_type(a.type));
      if (!c) c = spatial_codec(a.type);
      if (!c) {
        co_await await(get_entity().promise);  // getType, for the warning
        co_return nullptr;
      }
    }
    co_return make_codec(true, nullptr, true);
  }

  // The body of PgProceduresPlugin.getResourceOptions.
  Async<const catalog::Function*> proc_chain(const catalog::Function* f) {
    size_t outs = 0;
    for (const catalog::Argument& a : f->arguments) outs += out_mode(a.mode) ? 1 : 0;
    bool needs_record = outs > 1;
    if (f->return_type == kRecordType && !needs_record) co_return nullptr;
    const Codec* ret = nullptr;
    if (needs_record) {
      ret = co_await await(record_codec(f).promise);
    } else {
      ret = co_await await(codec_from_type(f->return_type));
      if (!ret) ret = spatial_codec(f->return_type);
    }
    if (!ret) co_return nullptr;
    for (const catalog::Argument& a : f->arguments) {
      if (a.mode == 'v') co_return nullptr;
      if (a.mode != 'i' && a.mode != 'b') continue;
      const Codec* c = co_await await(codec_from_type(a.type));
      if (!c) c = spatial_codec(a.type);
      if (!c) {
        co_await await(get_entity().promise);  // getType, for the warning
        co_return nullptr;
      }
    }
    bool row_like = !ret->is_anonymous &&
                    (ret->has_attributes || (ret->array_of && ret->array_of->has_attributes));
    if (row_like) {
      co_await await(get_entity().promise);  // getType(prorettype)
      const catalog::Type* rt = cat_.find_type(f->return_type);
      if (ret->array_of) {
        co_await await(get_entity().promise);  // getType(typelem)
        rt = rt ? cat_.find_type(rt->element) : nullptr;
      }
      co_await await(get_entity().promise);  // getClass(typrelid)
      const SimClass* c = rt ? find_class(rt->class_oid) : nullptr;
      if (!c) co_return nullptr;
      const SimClass* resource = co_await await(table_resource(*c));
      if (!resource) {
        const Codec* codec = co_await await(codec_from_class(c->oid));
        co_await Tick{};  // the inner async function's result
        if (!codec) co_return nullptr;
      } else {
        co_await Tick{};  // `await (async () => resourceOptions)()`
      }
      co_await Tick{};  // pgProcedures_functionResourceOptions (no hooks)
    }
    co_await await(process_resource_options(true));
    co_return f;
  }

  // Functions named after a range type of their schema are its constructors.
  bool range_constructor(const catalog::Function& f) const {
    for (const catalog::Type& t : cat_.types)
      if (t.kind == catalog::Type::Kind::kRange && t.schema == f.schema && t.name == f.name)
        return true;
    return false;
  }

  void add_resource(const catalog::Class* cls, const catalog::Function* f) {
    RegistryEntry e;
    e.cls = cls;
    e.function = f;
    order_.push_back(e);
  }

  const Codec* make_codec(bool attributes, const Codec* array_of, bool anonymous = false) {
    Codec c;
    c.has_attributes = attributes;
    c.is_anonymous = anonymous;
    c.array_of = array_of;
    codecs_.push_back(c);
    return &codecs_.back();
  }

  // The snapshot holds the types something uses; the subtypes of built-in
  // ranges are not among them unless a column uses them too.
  const catalog::Type* find_type(Oid oid) {
    if (const catalog::Type* t = cat_.find_type(oid)) return t;
    static const std::map<Oid, const char*> kRangeSubtypes = {
        {23, "int4"},        {20, "int8"},          {1700, "numeric"},
        {1114, "timestamp"}, {1184, "timestamptz"}, {1082, "date"}};
    auto it = kRangeSubtypes.find(oid);
    if (it == kRangeSubtypes.end()) return nullptr;
    catalog::Type t;
    t.oid = oid;
    t.schema = "pg_catalog";
    t.name = it->second;
    extra_types_.push_back(std::move(t));
    return &extra_types_.back();
  }

  const SimClass* find_class(Oid oid) const {
    for (const SimClass& c : classes_)
      if (c.oid == oid) return &c;
    return nullptr;
  }

  // Smart-tag constraints (PgFakeConstraintsPlugin) count like real ones.
  static int unique_count(const catalog::Class& cls) {
    int n = 0;
    for (const catalog::Constraint& k : cls.constraints) {
      if (k.kind == catalog::Constraint::Kind::kForeignKey) continue;
      bool attributes_only = true;
      for (int16_t key : k.keys) attributes_only &= key > 0;
      if (attributes_only) ++n;
    }
    if (cls.tags.has("primaryKey")) ++n;
    n += static_cast<int>(cls.tags.values("unique").size());
    return n;
  }

  void collect_classes() {
    std::set<Oid> seen;
    for (const catalog::Class& cls : cat_.classes) {
      SimClass c;
      c.oid = cls.oid;
      c.schema = cls.schema;
      c.name = cls.name;
      c.relkind = static_cast<char>(cls.kind);
      for (const catalog::Column& col : cls.columns)
        if (col.num >= 1) c.attribute_types.push_back(col.type);
      c.uniques = unique_count(cls);
      c.cls = &cls;
      seen.insert(cls.oid);
      classes_.push_back(std::move(c));
    }
    for (const catalog::Type& t : cat_.types) {
      if (t.kind != catalog::Type::Kind::kComposite || !t.class_oid || seen.count(t.class_oid))
        continue;
      SimClass c;
      c.oid = t.class_oid;
      c.schema = t.schema;
      c.name = t.name;
      c.relkind = 'c';
      for (const catalog::Column& col : t.attributes)
        if (col.num >= 1) c.attribute_types.push_back(col.type);
      classes_.push_back(std::move(c));
    }
    // The introspection query orders classes by namespace, then relname
    // (type "name": byte order); schema names stand in for namespace oids.
    std::stable_sort(classes_.begin(), classes_.end(), [](const SimClass& a, const SimClass& b) {
      return std::tie(a.schema, a.name) < std::tie(b.schema, b.name);
    });
    std::map<std::string, int> names;
    for (const catalog::Function& f : cat_.functions) ++names[f.schema + "." + f.name];
    for (const auto& [name, n] : names)
      if (n > 1) overloaded_.insert(name);
    for (const catalog::Function& f : cat_.functions) {
      procs_.push_back(&f);
      exposed_.insert(f.schema);
    }
    for (const catalog::Class& cls : cat_.classes) exposed_.insert(cls.schema);
    std::stable_sort(procs_.begin(), procs_.end(),
                     [](const catalog::Function* a, const catalog::Function* b) {
                       return std::tie(a->schema, a->name) < std::tie(b->schema, b->name);
                     });
  }

  const Catalog& cat_;
  std::vector<SimClass> classes_;
  std::vector<const catalog::Function*> procs_;
  std::set<std::string> overloaded_;
  // The schemas the snapshot was taken of (composite types of other schemas
  // are in it only because something uses them).
  std::set<std::string> exposed_;
  std::deque<Codec> codecs_;
  std::deque<catalog::Type> extra_types_;
  std::map<Oid, Promise<const Codec*>> type_codecs_;
  std::map<Oid, Promise<const Codec*>> class_codecs_;
  std::map<Oid, Promise<const SimClass*>> table_resources_;
  std::vector<RegistryEntry> order_;
};

}  // namespace

// Subtypes of PostgreSQL's built-in range types (pg_range is not in the
// snapshot; user-defined ranges therefore get no codec).
catalog::Oid builtin_range_subtype(catalog::Oid range) {
  switch (range) {
    case 3904:
      return 23;  // int4range
    case 3926:
      return 20;  // int8range
    case 3906:
      return 1700;  // numrange
    case 3908:
      return 1114;  // tsrange
    case 3910:
      return 1184;  // tstzrange
    case 3912:
      return 1082;  // daterange
    default:
      return 0;
  }
}

std::vector<RegistryEntry> registry_order(const Catalog& catalog) { return Gather(catalog).run(); }

}  // namespace pg_gateway::graphql::build
