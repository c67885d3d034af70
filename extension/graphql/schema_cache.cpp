#include "extension/pg/pg_api.hpp"

extern "C" {
#include "utils/array.h"
#include "utils/inval.h"
#include "utils/varlena.h"
}

#include "extension/graphql/schema_cache.hpp"

#include "core/http/http_error.hpp"
#include "extension/auth/settings.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::graphql_pg {

namespace {

constexpr const char* kMarkerRelation = "schema_change_marker";

// Written by the invalidation callback, which PostgreSQL calls from plain
// C while it processes invalidation messages (at transaction start and at
// lock acquisition): no C++ object, no allocation, nothing that can fail.
bool schema_stale = true;
Oid marker_relid = InvalidOid;
bool callback_registered = false;

void on_relcache_invalidation(Datum arg, Oid relid) {
  (void)arg;
  // InvalidOid: the whole relcache was reset (say, after the invalidation
  // queue overflowed), which may have swallowed the marker's message.
  if (relid == InvalidOid || relid == marker_relid) schema_stale = true;
}

// Roles and memberships are cluster-wide, so CREATE ROLE, GRANT role TO
// role and ALTER ROLE ... SUPERUSER fire no event trigger; they do
// invalidate the pg_authid and pg_auth_members caches in every backend of
// every database, at commit. The schema follows the privileges of a role
// and its memberships, so any such change makes it stale.
void on_role_invalidation(Datum arg, int cacheid, uint32 hashvalue) {
  (void)arg;
  (void)cacheid;
  (void)hashvalue;
  schema_stale = true;
}

struct ReflectionText {
  bool extension_installed;
  const char* json;  // SPI memory, valid until the transaction ends
};

}  // namespace

SchemaCache::SchemaCache() {
  if (callback_registered) return;
  pg::call([] {
    CacheRegisterRelcacheCallback(on_relcache_invalidation, Datum(0));
    CacheRegisterSyscacheCallback(AUTHOID, on_role_invalidation, Datum(0));
    CacheRegisterSyscacheCallback(AUTHMEMMEMROLE, on_role_invalidation, Datum(0));
  });
  callback_registered = true;
}

// The role whose privileges the schema follows (PostGraphile: the role it
// connects as): pg_gateway.authenticator_role, else the anonymous role;
// "" (both unset: requests run as the workers' superuser) reflects as the
// current user.
// Throws http::HttpError (500) naming the setting when the role does not
// exist, rather than letting reflect() fail with a bare "role does not
// exist".
std::string schema_role() {
  bool authenticator =
      auth_pg::settings::authenticator_role && *auth_pg::settings::authenticator_role;
  std::string name = pg::settings::text(authenticator ? auth_pg::settings::authenticator_role
                                                      : auth_pg::settings::anonymous_role);
  if (name.empty()) return name;
  const char* c_name = name.c_str();
  if (!OidIsValid(pg::role_oid(c_name)))
    throw http::HttpError(
        500, "PGGW500",
        std::string(authenticator ? "pg_gateway.authenticator_role" : "pg_gateway.anonymous_role") +
            " names a role that does not exist: " + name);
  return name;
}

// gateway.reflect(pg_gateway.schemas, role) as text, or nullopt when the
// extension is not installed. Schema names are split the way search_path is
// (quotes keep case and commas). An extension older than 0.3.0 (no marker
// relation) has the one-argument reflect(), without privileges.
std::optional<std::string> SchemaCache::reflect(bool with_privileges, const std::string& as_role) {
  const char* setting = graphql_pg::settings::schemas ? graphql_pg::settings::schemas : "public";
  std::string role_name = as_role.empty() ? schema_role() : as_role;
  const char* role = role_name.c_str();
  ReflectionText r = pg::call([setting, role, with_privileges] {
    ReflectionText out{false, nullptr};
    if (!OidIsValid(get_extension_oid("pg_gateway", true))) return out;
    out.extension_installed = true;
    char* copy = pstrdup(setting);
    List* names = NIL;
    if (!SplitIdentifierString(copy, ',', &names))
      ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                      errmsg("invalid list syntax in pg_gateway.schemas")));
    int n = list_length(names);
    Datum* elems = static_cast<Datum*>(palloc(sizeof(Datum) * (n > 0 ? n : 1)));
    int i = 0;
    ListCell* cell;
    foreach (cell, names)
      elems[i++] = DirectFunctionCall1(namein, CStringGetDatum(static_cast<char*>(lfirst(cell))));
    ArrayType* array = construct_array(elems, n, NAMEOID, NAMEDATALEN, false, TYPALIGN_CHAR);
    Oid argtypes[2] = {NAMEARRAYOID, NAMEOID};
    Datum values[2] = {PointerGetDatum(array), DirectFunctionCall1(namein, CStringGetDatum(role))};
    const char* sql = !with_privileges ? "SELECT gateway.reflect($1)::text"
                      : *role          ? "SELECT gateway.reflect($1, $2)::text"
                                       : "SELECT gateway.reflect($1, current_user)::text";
    int nargs = with_privileges && *role ? 2 : 1;
    int rc = SPI_execute_with_args(sql, nargs, argtypes, values, nullptr, true, 1);
    if (rc != SPI_OK_SELECT || SPI_processed != 1)
      elog(ERROR, "gateway.reflect() returned an unexpected result");
    out.json = SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1);
    if (!out.json) elog(ERROR, "gateway.reflect() returned NULL");
    return out;
  });
  if (!r.extension_installed) return std::nullopt;
  return std::string(r.json);
}

std::shared_ptr<const graphql::exec::ServedSchema> SchemaCache::current(const std::string& database,
                                                                        const std::string& role,
                                                                        bool& rebuilt) {
  rebuilt = false;
  // What every schema depends on besides the catalog. The role is part of
  // it because PostGraphile's schema follows the privileges of the role it
  // serves (RBAC).
  const std::string setting = pg::settings::text(graphql_pg::settings::schemas) + "\n" +
                              pg::settings::text(auth_pg::settings::anonymous_role) + "\n" +
                              pg::settings::text(auth_pg::settings::authenticator_role) + "\n" +
                              pg::settings::text(auth_pg::settings::jwt_type);
  if (schema_stale || setting != settings_) {
    // Every role's schema is out of date: all go, with the plans made for
    // their SQL (the caller clears those).
    rebuilt = !entries_.empty();
    entries_.clear();
    settings_ = setting;
  }
  for (auto it = entries_.begin(); it != entries_.end(); ++it)
    if (it->role == role) {
      entries_.splice(entries_.begin(), entries_, it);  // most recently used first
      return entries_.front().schema;
    }

  // Cleared before reflecting: an invalidation processed from here on (by
  // a lock the reflection takes) marks the new schema stale again, which
  // costs at most one extra rebuild and never misses a change.
  schema_stale = false;
  Oid marker = pg::gateway_relation(kMarkerRelation);
  marker_relid = marker;
  std::optional<std::string> json;
  try {
    json = reflect(OidIsValid(marker), role);
  } catch (...) {
    schema_stale = true;  // an old schema must not be served as if current
    throw;
  }
  if (!json) {
    entries_.clear();
    schema_stale = true;
    throw http::HttpError(
        503, "PGGW503",
        "extension \"pg_gateway\" is not installed in database \"" + database + "\"", {},
        "run CREATE EXTENSION pg_gateway in that database");
  }
  // The least recently used role's schema goes before the new one is built.
  while (entries_.size() >= kMaxRoleSchemas) entries_.pop_back();
  graphql::build::BuildOptions options;
  options.jwt_type = pg::settings::text(auth_pg::settings::jwt_type);
  entries_.push_front(
      Entry{role, graphql::exec::ServedSchema::from_reflection_json(*json, options)});
  ++builds_;
  // Smart tags that do not parse (a malformed @pgCacheControl) are ignored
  // by the build; the operator learns it here, once per build.
  for (const std::string& w : entries_.front().schema->built().warnings)
    pg::warning("pg_gateway: " + w, "fix the smart comment; until then the tag is ignored");
  if (!OidIsValid(marker)) {
    // An extension script older than 0.3.0 has no event trigger to say when
    // the catalog changes: never trust the cache then.
    schema_stale = true;
    if (!warned_no_marker_)
      pg::warning(
          "pg_gateway: the installed extension version cannot report schema changes, so the "
          "GraphQL schema is rebuilt for every request",
          "run ALTER EXTENSION pg_gateway UPDATE");
    warned_no_marker_ = true;
  }
  return entries_.front().schema;
}

}  // namespace pg_gateway::graphql_pg
