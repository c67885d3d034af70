// pg_gateway.* parameters of the GraphQL endpoint: path, reflected schemas, plan cache, errors,
// trusted documents and operation limits.
#include "extension/pg/pg_api.hpp"

#include "extension/graphql/settings.hpp"

extern "C" {
#include "utils/varlena.h"
}

#include <stdexcept>
#include <string>

#include "extension/pg/settings.hpp"

namespace pg_gateway::graphql_pg::settings {

char* graphql_path = nullptr;
char* schemas = nullptr;
int plan_cache_size = 256;
bool mask_errors = false;
bool role_schemas = true;
int trusted_documents = 0;  // off
int introspection = 0;      // on
int max_query_depth = 16;
int max_aliases = 256;
int max_root_fields = 64;
int max_query_cost = 0;
int default_page_size = 0;
int max_page_size = 0;
int max_document_size = 1024 * 1024;

namespace {

// The GraphQL path must be a plain origin-form path that the built-in
// routes do not already own; "" turns the endpoint off.
void validate_graphql_path(const char* p) {
  if (!*p) return;
  if (*p != '/') throw std::invalid_argument("The GraphQL path must start with \"/\".");
  for (const char* c = p; *c; ++c) {
    unsigned char u = static_cast<unsigned char>(*c);
    if (u <= 0x20 || u >= 0x7F || *c == '?' || *c == '#')
      throw std::invalid_argument(
          "The GraphQL path holds only URL path characters, without a query string.");
  }
  if (strcmp(p, "/live") == 0 || strcmp(p, "/ready") == 0 || strcmp(p, "/ready/write") == 0)
    throw std::invalid_argument("\"" + std::string(p) + "\" is a built-in route of pg_gateway.");
}

// A list of schema names as search_path spells them (quotes keep case).
void validate_schemas(const char* value) {
  int count = -1;
  pg::call([value, &count] {
    char* copy = pstrdup(value);
    List* names = NIL;
    bool ok = SplitIdentifierString(copy, ',', &names);
    count = ok ? list_length(names) : -1;
    list_free(names);
    pfree(copy);
  });
  if (count < 0) throw std::invalid_argument("List syntax is invalid.");
  if (count == 0) throw std::invalid_argument("Name at least one schema.");
}

}  // namespace

void define_settings() {
  pg::settings::define_string(
      {"pg_gateway.graphql_path", "HTTP path of the GraphQL endpoint.",
       "POST and GET requests to this path run GraphQL; an empty string turns the endpoint off.",
       PGC_SIGHUP},
      &graphql_path, "/graphql", pg::settings::check_string<validate_graphql_path>);
  pg::settings::define_string({"pg_gateway.schemas", "Schemas the GraphQL schema is built from.",
                               "A comma-separated list of schema names, written as in search_path.",
                               PGC_SIGHUP, GUC_LIST_INPUT},
                              &schemas, "public", pg::settings::check_string<validate_schemas>);
  pg::settings::define_int(
      {"pg_gateway.plan_cache_size", "Prepared GraphQL statements kept per HTTP worker.",
       "Least recently used plans are freed beyond it; 0 prepares every statement afresh.",
       PGC_SIGHUP},
      &plan_cache_size, 256, 0, 100000);
  pg::settings::define_bool(
      {"pg_gateway.mask_errors", "Hide PostgreSQL error messages from GraphQL clients.",
       "When on, a database error reaches the client as \"An error occurred (logged with hash: "
       "..., id: ...)\" and its text goes to the server log, as PostGraphile does.",
       PGC_SIGHUP},
      &mask_errors, false);
  pg::settings::define_bool(
      {"pg_gateway.role_schemas", "Serve each role the GraphQL schema of its own privileges.",
       "On: a request sees (in introspection and validation) only the tables, columns, functions "
       "and mutations its role may use. Off: every request sees what pg_gateway.authenticator_role "
       "may use, as PostGraphile does.",
       PGC_SIGHUP},
      &role_schemas, true);
  static const struct config_enum_entry trusted_options[] = {
      {"off", 0, false}, {"allow", 1, false}, {"only", 2, false}, {nullptr, 0, false}};
  pg::settings::define_enum(
      {"pg_gateway.trusted_documents",
       "Whether GraphQL documents are run from gateway.trusted_documents.",
       "off: only documents sent in full; allow: also {\"documentId\": \"sha256:...\"} (or "
       "Apollo's persisted query hash) from the table; only: nothing but the table's documents.",
       PGC_SIGHUP},
      &trusted_documents, 0, trusted_options);
  static const struct config_enum_entry introspection_options[] = {
      {"on", 0, false}, {"authenticated", 1, false}, {"off", 2, false}, {nullptr, 0, false}};
  pg::settings::define_enum(
      {"pg_gateway.introspection", "Who may run GraphQL introspection (__schema, __type).",
       "on: everyone; authenticated: requests with a valid token; off: nobody.", PGC_SIGHUP},
      &introspection, 0, introspection_options);
  pg::settings::define_int(
      {"pg_gateway.max_query_depth", "Deepest nesting of fields a GraphQL operation may have.",
       "Introspection fields are not counted. 0: no limit.", PGC_SIGHUP},
      &max_query_depth, 16, 0, 1000);
  pg::settings::define_int({"pg_gateway.max_aliases", "Most aliased fields in a GraphQL operation.",
                            "Fragments count each time they are spread. 0: no limit.", PGC_SIGHUP},
                           &max_aliases, 256, 0, 1000000);
  pg::settings::define_int({"pg_gateway.max_root_fields",
                            "Most root fields in a GraphQL operation.", "0: no limit.", PGC_SIGHUP},
                           &max_root_fields, 64, 0, 1000000);
  pg::settings::define_int(
      {"pg_gateway.max_query_cost", "Largest estimated cost of a GraphQL operation.",
       "Each field costs 1; a connection multiplies what is below it by its page size (first, "
       "last, else default_page_size, max_page_size or 100). 0: no limit.",
       PGC_SIGHUP},
      &max_query_cost, 0, 0, INT_MAX);
  pg::settings::define_int(
      {"pg_gateway.default_page_size", "Rows of a connection asked for without first or last.",
       "0: all of them, as PostGraphile.", PGC_SIGHUP},
      &default_page_size, 0, 0, INT_MAX);
  pg::settings::define_int({"pg_gateway.max_page_size", "Largest first or last of a connection.",
                            "0: no limit.", PGC_SIGHUP},
                           &max_page_size, 0, 0, INT_MAX);
  pg::settings::define_int(
      {"pg_gateway.max_document_size", "Largest GraphQL document.",
       "Longer documents are refused before they are parsed.", PGC_SIGHUP, GUC_UNIT_BYTE},
      &max_document_size, 1024 * 1024, 1, INT_MAX);
}

}  // namespace pg_gateway::graphql_pg::settings
