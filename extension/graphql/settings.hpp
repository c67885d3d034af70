// pg_gateway.* parameters of the GraphQL endpoint: path, reflected schemas, plan cache, errors,
// trusted documents and operation limits
// (defined in settings.cpp, which also says what each one means). Values
// change on SIGHUP / pg_reload_conf() unless the parameter says restart.
#pragma once

namespace pg_gateway::graphql_pg::settings {

extern char* graphql_path;  // "" disables the GraphQL endpoint
extern char* schemas;       // comma-separated schema names the GraphQL schema reflects
extern int plan_cache_size;
extern bool mask_errors;
extern bool role_schemas;      // a schema per request role (else authenticator_role's)
extern int trusted_documents;  // 0 off, 1 allow, 2 only
extern int introspection;      // 0 on, 1 authenticated, 2 off
extern int max_query_depth;    // GraphQL operation limits (core/graphql/execution/limits.hpp)
extern int max_aliases;
extern int max_root_fields;
extern int max_query_cost;
extern int default_page_size;
extern int max_page_size;
extern int max_document_size;

// Defines these parameters; called once from _PG_init.
void define_settings();

}  // namespace pg_gateway::graphql_pg::settings
