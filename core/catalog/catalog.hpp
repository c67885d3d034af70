// The database objects the GraphQL schema is built from, as plain data.
//
// The PG zone reads them with one query (gateway.reflect(schemas), which
// returns a JSON document) and hands the text to from_reflection_json();
// everything after that (naming, schema building, SQL compilation) is core
// code that unit tests can drive with hand-written catalogs.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/catalog/smart_tags.hpp"

namespace pg_gateway::catalog {

using Oid = uint32_t;

struct Column {
  int16_t num = 0;
  std::string name;
  Oid type = 0;
  int32_t typmod = -1;
  bool not_null = false;
  bool has_default = false;  // DEFAULT, identity or generated
  bool generated = false;    // GENERATED ALWAYS AS (...) STORED: never writable
  char identity = 0;         // 'a' GENERATED ALWAYS AS IDENTITY, 'd' BY DEFAULT, 0 none
  SmartTags tags;
  // attacl, as aclitem texts ("role=rw/grantor"); nullopt when NULL. Only
  // meaningful when the snapshot has privileges (Catalog::has_privileges()).
  std::optional<std::vector<std::string>> acl;
};

struct Constraint {
  enum class Kind : char { kPrimaryKey = 'p', kUnique = 'u', kForeignKey = 'f' };
  Kind kind = Kind::kPrimaryKey;
  std::string name;
  std::vector<int16_t> keys;
  Oid foreign_class = 0;
  std::vector<int16_t> foreign_keys;
  SmartTags tags;
};

struct Index {
  std::vector<int16_t> keys;  // 0 for an expression column
  bool unique = false;
  bool primary = false;
  bool partial = false;
};

struct Class {
  enum class Kind : char {
    kTable = 'r',
    kView = 'v',
    kMaterializedView = 'm',
    kPartitionedTable = 'p',
    kForeignTable = 'f'
  };
  Oid oid = 0;
  std::string schema;
  std::string name;
  Kind kind = Kind::kTable;
  Oid row_type = 0;
  std::vector<Column> columns;
  std::vector<Constraint> constraints;
  std::vector<Index> indexes;
  SmartTags tags;
  // With privileges: the owner's name, relacl (nullopt when NULL) and
  // pg_relation_is_updatable(oid, true) (-1 when unknown: assume all).
  std::string owner;
  std::optional<std::vector<std::string>> acl;
  int updatable_mask = -1;
  // For cache policies: relrowsecurity; the relations this class reads
  // besides itself (a view's base relations, transitively; an RLS table's
  // policies' relations); and whether what it reads is unknown (a
  // non-IMMUTABLE function or a foreign table in the view or policies).
  bool row_security = false;
  std::vector<Oid> reads;
  bool opaque_reads = false;

  const Column* column(int16_t num) const;
  const Column* column(std::string_view name) const;
  const Constraint* primary_key() const;
};

struct Type {
  enum class Kind : char {
    kBase = 'b',
    kComposite = 'c',
    kDomain = 'd',
    kEnum = 'e',
    kPseudo = 'p',
    kRange = 'r',
    kMultirange = 'm'
  };
  Oid oid = 0;
  std::string schema;
  std::string name;
  Kind kind = Kind::kBase;
  char category = 'U';    // pg_type.typcategory ('A' array, 'N' numeric, ...)
  Oid element = 0;        // for arrays
  Oid array = 0;          // the array type of this type
  Oid base = 0;           // for domains
  Oid class_oid = 0;      // for composites (tables' row types too)
  bool not_null = false;  // domain NOT NULL
  std::vector<std::string> enum_labels;
  std::vector<Column> attributes;  // composite attributes
  SmartTags tags;

  // PostGIS's geometry and geography: base types (only C code, i.e. the
  // extension, can make those) of these names. The API carries them as
  // GeoJSON, converted by the PostGIS functions in the type's schema.
  bool is_geometry() const { return kind == Kind::kBase && name == "geometry"; }
  bool is_geography() const { return kind == Kind::kBase && name == "geography"; }
  bool is_spatial() const { return is_geometry() || is_geography(); }
};

struct Argument {
  std::string name;  // empty when unnamed
  Oid type = 0;
  char mode = 'i';  // i, o, b (inout), v (variadic), t (table)
};

struct Function {
  Oid oid = 0;
  std::string schema;
  std::string name;
  std::vector<Argument> arguments;  // every argument, all modes, in order
  int input_count = 0;              // pronargs
  int default_count = 0;            // trailing input arguments with defaults
  Oid return_type = 0;
  bool returns_set = false;
  char volatility = 'v';  // i, s, v
  bool strict = false;
  bool security_definer = false;
  SmartTags tags;
  std::string owner;                            // with privileges
  std::optional<std::vector<std::string>> acl;  // proacl; nullopt when NULL

  bool is_mutation() const { return volatility == 'v'; }
};

class ReflectionError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A schema (namespace) the snapshot covers, with its COMMENT's smart tags
// (e.g. a schema-wide @pgCacheControl).
struct Namespace {
  std::string name;
  SmartTags tags;
};

// A role the snapshot's role (Catalog::current_user) is a member of,
// directly or not, INHERIT or not, itself included.
struct Role {
  std::string name;
  bool superuser = false;
  std::vector<std::string> member_of;
};

struct Catalog {
  int server_version_num = 0;
  // The role the snapshot was taken as and its memberships; empty when the
  // snapshot carries no privileges (then everything counts as granted).
  std::string current_user;
  std::vector<Role> roles;
  bool has_privileges() const { return !current_user.empty(); }
  std::vector<Class> classes;
  std::vector<Type> types;
  std::vector<Function> functions;
  std::vector<Namespace> schemas;
  // Whether the snapshot reports what HTTP caching needs (row_security,
  // reads, opaque_reads, schemas: gateway.reflect of extension 0.7.0 and
  // later). Without them a view's reads and a table's row security are
  // unknown, and the GraphQL worker caches nothing.
  bool has_cache_facts = false;

  const Class* find_class(Oid oid) const;
  // The schema of this name, or nullptr when the snapshot does not list it.
  const Namespace* find_schema(std::string_view name) const;
  const Type* find_type(Oid oid) const;
  // The table or view whose row type this is, if any.
  const Class* class_of_row_type(Oid type_oid) const;

  // Builds lookup indexes; from_reflection_json() calls it.
  void index();

 private:
  std::unordered_map<Oid, size_t> class_by_oid_;
  std::unordered_map<Oid, size_t> class_by_row_type_;
  std::unordered_map<Oid, size_t> type_by_oid_;
};

// Parses gateway.reflect()'s JSON. Throws ReflectionError on a document
// that does not have the expected shape.
Catalog from_reflection_json(std::string_view json_text);

}  // namespace pg_gateway::catalog
