#include "extension/pg/catalog.hpp"

#include "extension/pg/guard.hpp"

namespace pg_gateway::pg {

Oid role_oid(const char* name) {
  return call([name] { return get_role_oid(name, true); });
}

bool is_superuser(Oid role) {
  return call([role] { return superuser_arg(role); });
}

bool role_exists(Oid role) {
  return call([role] { return SearchSysCacheExists1(AUTHOID, ObjectIdGetDatum(role)); });
}

std::string role_name(Oid role) {
  const char* name = call([role]() -> const char* { return GetUserNameFromId(role, true); });
  return name ? name : "";
}

bool extension_installed(const char* name) {
  return call([name] { return OidIsValid(get_extension_oid(name, true)); });
}

Oid gateway_relation(const char* name) {
  return call([name] {
    Oid nsp = get_namespace_oid("gateway", true);
    return OidIsValid(nsp) ? get_relname_relid(name, nsp) : InvalidOid;
  });
}

bool in_recovery() {
  return call([] { return RecoveryInProgress(); });
}

const char* qualified_function_name(Oid function) {
  return call([function]() -> const char* {
    char* nsp = get_namespace_name(get_func_namespace(function));
    char* fn = get_func_name(function);
    if (!nsp || !fn) return nullptr;
    return quote_qualified_identifier(nsp, fn);
  });
}

}  // namespace pg_gateway::pg
