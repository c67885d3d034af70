#include "extension/pg_api.hpp"

extern "C" {
#include "utils/array.h"
#include "utils/inval.h"
#include "utils/varlena.h"
}

#include "extension/schema_cache.hpp"

#include "core/http/http_error.hpp"
#include "extension/gucs.hpp"
#include "extension/pg_guard.hpp"
#include "extension/pg_log.hpp"

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

struct ReflectionText {
  bool extension_installed;
  const char* json;  // SPI memory, valid until the transaction ends
};

}  // namespace

SchemaCache::SchemaCache() {
  if (callback_registered) return;
  pg::call([] { CacheRegisterRelcacheCallback(on_relcache_invalidation, Datum(0)); });
  callback_registered = true;
}

// gateway.reflect(pg_gateway.schemas) as text, or nullopt when the
// extension is not installed. Schema names are split the way search_path is
// (quotes keep case and commas).
std::optional<std::string> SchemaCache::reflect() {
  const char* setting = gucs::schemas ? gucs::schemas : "public";
  ReflectionText r = pg::call([setting] {
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
    Oid argtypes[1] = {NAMEARRAYOID};
    Datum values[1] = {PointerGetDatum(array)};
    int rc = SPI_execute_with_args("SELECT gateway.reflect($1)::text", 1, argtypes, values, nullptr,
                                   true, 1);
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
                                                                        bool& rebuilt) {
  rebuilt = false;
  // What the schema depends on besides the catalog. The role is part of it
  // because PostGraphile's schema follows the privileges of the role it
  // serves (RBAC).
  const std::string setting = std::string(gucs::schemas ? gucs::schemas : "") + "\n" +
                              (gucs::anonymous_role ? gucs::anonymous_role : "");
  if (schema_ && !schema_stale && setting == settings_) return schema_;

  // Cleared before reflecting: an invalidation processed from here on (by
  // a lock the reflection takes) marks the new schema stale again, which
  // costs at most one extra rebuild and never misses a change.
  schema_stale = false;
  Oid marker = pg::call([] {
    Oid nsp = get_namespace_oid("gateway", true);
    return OidIsValid(nsp) ? get_relname_relid(kMarkerRelation, nsp) : InvalidOid;
  });
  marker_relid = marker;
  std::optional<std::string> json;
  try {
    json = reflect();
  } catch (...) {
    schema_stale = true;  // the old schema must not be served as if current
    throw;
  }
  if (!json) {
    schema_.reset();
    schema_stale = true;
    throw http::HttpError(
        503, "PGGW503",
        "extension \"pg_gateway\" is not installed in database \"" + database + "\"", {},
        "run CREATE EXTENSION pg_gateway in that database");
  }
  schema_.reset();  // the old schema's memory goes before the new one is built
  schema_ = graphql::exec::ServedSchema::from_reflection_json(*json);
  settings_ = setting;
  ++builds_;
  rebuilt = true;
  if (!OidIsValid(marker)) {
    // An extension script older than 0.3.0 has no event trigger to say when
    // the catalog changes: never trust the cache then.
    schema_stale = true;
    if (!warned_no_marker_)
      pg::log_warning(
          "pg_gateway: the installed extension version cannot report schema changes, so the "
          "GraphQL schema is rebuilt for every request",
          "run ALTER EXTENSION pg_gateway UPDATE");
    warned_no_marker_ = true;
  }
  return schema_;
}

}  // namespace pg_gateway::graphql_pg
