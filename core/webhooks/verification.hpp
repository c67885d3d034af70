// Inbound webhooks: what every signature verifier takes and answers.
//
// A verifier checks a provider's signature over the RAW body bytes (never a
// re-serialised body), before anything is written, comparing in constant
// time (util::constant_time_equal). It tries every active secret of the
// source (several at once while a secret is rotated). A timestamp outside
// the tolerance, either way, is refused as a replay. Nothing it reports
// (reason) may contain a secret or an expected signature: reasons go to
// the server log and to the client.
//
// Pure core code: never touches PostgreSQL; throws only std::bad_alloc.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/fields.hpp"

namespace pg_gateway::webhooks {

// The parts of an HTTP request a provider signs.
struct SignedRequest {
  // The URL the provider called, as it signed it (Twilio signs
  // scheme://host/path?query): the source's configured public URL plus the
  // request's path and query.
  std::string_view url;
  std::span<const http::Header> headers;  // names lower-case, as http::Request has them
  std::string_view body;                  // raw bytes
  std::string_view content_type;          // the Content-Type header, "" when absent

  // First header with that lower-case name, or nullptr.
  const std::string* header(std::string_view lower_name) const {
    for (const http::Header& h : headers)
      if (h.name == lower_name) return &h.value;
    return nullptr;
  }
};

enum class Outcome {
  kVerified,
  kMissingSignature,  // 401: no signature header (or no timestamp the scheme needs)
  kBadSignature,      // 401: no active secret gives a matching signature
  kStaleTimestamp,    // 400: outside the tolerance (past or future)
  kMalformedHeader,   // 400: a signature or timestamp header that does not parse
  kNoUsableSecret,    // 500: the source's secrets do not fit the scheme (configuration)
};

// The HTTP status a refusal answers with (200 for kVerified).
int status_of(Outcome outcome);

struct Verification {
  Outcome outcome = Outcome::kBadSignature;
  std::string reason;  // for the log and the client; never a secret or a signature
  // The provider's delivery id when its headers carry one (webhook-id,
  // X-GitHub-Delivery, ...); Stripe's event id is in the body.
  std::optional<std::string> event_id;
  std::optional<int64_t> timestamp;  // the signed timestamp, unix seconds
  bool verified() const { return outcome == Outcome::kVerified; }
};

struct VerifyOptions {
  int64_t now_s = 0;             // wall clock, unix seconds
  int64_t tolerance_s = 5 * 60;  // both directions
};

}  // namespace pg_gateway::webhooks
