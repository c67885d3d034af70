// pg_gateway.trusted_documents: GraphQL documents named by their hash
// (gateway.trusted_documents), as PostGraphile's persisted operations and
// Apollo's persisted queries.
#pragma once

#include <optional>
#include <string>

#include "core/graphql/http_transport.hpp"

namespace pg_gateway::graphql_pg::trusted_documents {

// The document the request runs: nullopt for the one sent in full, the
// table's text for one named by documentId ('allow', 'only'). With 'only',
// a document sent in full runs only if the table has it too. When the
// request may not run, *refusal says why. Inside a transaction; reads the
// table with the worker's own connection (PUBLIC may not). Throws
// http::HttpError when the installed extension has no such table yet.
std::optional<std::string> document_for(const graphql::transport::Params& params,
                                        std::optional<std::string>* refusal);

}  // namespace pg_gateway::graphql_pg::trusted_documents
