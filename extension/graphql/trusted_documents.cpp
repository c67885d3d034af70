#include "extension/pg/pg_api.hpp"

#include "extension/graphql/trusted_documents.hpp"

#include "core/http/http_error.hpp"
#include "core/util/sha256.hpp"
#include "extension/graphql/settings.hpp"
#include "extension/pg/catalog.hpp"
#include "extension/pg/guard.hpp"

namespace pg_gateway::graphql_pg::trusted_documents {

namespace {

enum class Mode { kOff = 0, kAllow = 1, kOnly = 2 };  // pg_gateway.trusted_documents

// A trusted document's text by its hash, or nullptr.
const char* lookup(const std::string& hash) {
  if (!OidIsValid(pg::gateway_relation("trusted_documents")))
    throw http::HttpError(503, "PGGW503",
                          "pg_gateway.trusted_documents needs extension version 0.5.0: run ALTER "
                          "EXTENSION pg_gateway UPDATE");
  const char* h = hash.c_str();
  return pg::call([h]() -> const char* {
    Oid types[1] = {TEXTOID};
    Datum values[1] = {CStringGetTextDatum(h)};
    int rc = SPI_execute_with_args("SELECT document FROM gateway.trusted_documents WHERE hash = $1",
                                   1, types, values, nullptr, true, 1);
    if (rc != SPI_OK_SELECT) elog(ERROR, "reading gateway.trusted_documents failed");
    return SPI_processed ? SPI_getvalue(SPI_tuptable->vals[0], SPI_tuptable->tupdesc, 1) : nullptr;
  });
}

}  // namespace

std::optional<std::string> document_for(const graphql::transport::Params& params,
                                        std::optional<std::string>* refusal) {
  Mode mode = Mode(settings::trusted_documents);
  if (!params.document_id && mode != Mode::kOnly) return std::nullopt;
  if (mode == Mode::kOff) {
    *refusal = "documentId needs pg_gateway.trusted_documents = allow or only";
    return std::nullopt;
  }
  std::string hash = params.document_id ? *params.document_id : util::sha256_hex(params.query);
  const char* text = lookup(hash);
  if (!text) {
    *refusal = params.document_id
                   ? "PersistedQueryNotFound: no trusted document has the id sha256:" + hash
                   : std::string(
                         "this document is not a trusted document (pg_gateway.trusted_documents "
                         "= only): send the documentId of one in gateway.trusted_documents");
    return std::nullopt;
  }
  return std::string(text);
}

}  // namespace pg_gateway::graphql_pg::trusted_documents
