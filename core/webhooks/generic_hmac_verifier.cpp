#include "core/webhooks/generic_hmac_verifier.hpp"

#include <cctype>

#include "core/http/fields.hpp"
#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"
#include "core/webhooks/hmac_digests.hpp"

namespace pg_gateway::webhooks {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

/* Header names come from configuration; a name that is not an RFC 9110
   token could never match a parsed header, so it is reported up front. */
bool valid_header_name(std::string_view name) { return http::is_token(name); }

size_t digest_size(GenericHmacScheme::Algorithm algorithm) {
  return algorithm == GenericHmacScheme::Algorithm::kSha512 ? 64 : 32;
}

std::string mac(GenericHmacScheme::Algorithm algorithm, std::string_view key,
                std::string_view message) {
  if (algorithm == GenericHmacScheme::Algorithm::kSha512) return hmac_sha512_bytes(key, message);
  return util::digest_bytes(util::hmac_sha256(key, message));
}

/* The received MAC bytes, or nullopt when the text is not the one
   canonical encoding of a digest of the right size (base64 is re-encoded
   and compared, since util::base64_decode is lenient). */
std::optional<std::string> decode_mac(const GenericHmacScheme& scheme, std::string_view text) {
  std::optional<std::string> bytes;
  if (scheme.encoding == GenericHmacScheme::Encoding::kHex) {
    bytes = decode_hex(text);
  } else {
    bytes = util::base64_decode(text);
    if (bytes && util::base64_encode(*bytes) != text) bytes.reset();
  }
  if (!bytes || bytes->size() != digest_size(scheme.algorithm)) return std::nullopt;
  return bytes;
}

}  // namespace

/* Parsed once per verification (templates are short); a caller storing a
   scheme should call this when the scheme is configured, to refuse a bad
   template then rather than on the first delivery. */
SignedContentTemplate parse_signed_content_template(const GenericHmacScheme& scheme) {
  SignedContentTemplate out;
  if (scheme.header.empty() || !valid_header_name(scheme.header)) {
    out.error = "the signature header name is empty or not a valid header name";
    return out;
  }
  if (!scheme.timestamp_header.empty() && !valid_header_name(scheme.timestamp_header)) {
    out.error = "the timestamp header name is not a valid header name";
    return out;
  }
  if (!scheme.event_id_header.empty() && !valid_header_name(scheme.event_id_header)) {
    out.error = "the event id header name is not a valid header name";
    return out;
  }
  std::string_view t = scheme.signed_content;
  if (t.empty()) {
    out.error = "the signed content template is empty";
    return out;
  }
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    out.parts.push_back({SignedContentPart::Kind::kLiteral, std::move(literal)});
    literal.clear();
  };
  while (!t.empty()) {
    if (t.front() != '{') {
      literal.push_back(t.front());
      t.remove_prefix(1);
      continue;
    }
    size_t close = t.find('}');
    if (close == std::string_view::npos) {
      out.parts.clear();
      out.error = "the signed content template has an unterminated '{'";
      return out;
    }
    std::string_view name = t.substr(1, close - 1);
    SignedContentPart::Kind kind;
    if (name == "body") {
      kind = SignedContentPart::Kind::kBody;
    } else if (name == "timestamp") {
      if (scheme.timestamp_header.empty()) {
        out.parts.clear();
        out.error = "the signed content template uses {timestamp} but no timestamp header is set";
        return out;
      }
      kind = SignedContentPart::Kind::kTimestamp;
    } else if (name == "url") {
      kind = SignedContentPart::Kind::kUrl;
    } else {
      out.parts.clear();
      out.error =
          "the signed content template has an unknown placeholder (known: {body}, "
          "{timestamp}, {url})";
      return out;
    }
    flush();
    out.parts.push_back({kind, {}});
    t.remove_prefix(close + 1);
  }
  flush();
  return out;
}

/* Same order as the dedicated verifiers: configuration, presence, shape,
   freshness, then the MAC over every secret. */
Verification verify_generic_hmac(const SignedRequest& request, const GenericHmacScheme& scheme,
                                 std::span<const std::string> secrets,
                                 const VerifyOptions& options) {
  SignedContentTemplate tmpl = parse_signed_content_template(scheme);
  if (!tmpl.ok()) return refuse(Outcome::kNoUsableSecret, "invalid HMAC scheme: " + tmpl.error);

  const std::string* signature = request.header(lower(scheme.header));
  if (signature == nullptr)
    return refuse(Outcome::kMissingSignature, "missing " + scheme.header + " header");

  std::optional<std::string> event_id;
  if (!scheme.event_id_header.empty())
    if (const std::string* id = request.header(lower(scheme.event_id_header)))
      if (!id->empty() && !has_control_bytes(*id)) event_id = *id;

  const std::string* timestamp_text = nullptr;
  std::optional<int64_t> timestamp;
  if (!scheme.timestamp_header.empty()) {
    timestamp_text = request.header(lower(scheme.timestamp_header));
    if (timestamp_text == nullptr)
      return refuse(Outcome::kMissingSignature, "missing " + scheme.timestamp_header + " header");
    timestamp = parse_unix_seconds(*timestamp_text);
    if (!timestamp)
      return refuse(Outcome::kMalformedHeader, scheme.timestamp_header + " is not unix seconds");
  }

  std::string_view sig = *signature;
  if (has_control_bytes(sig) || !sig.starts_with(scheme.prefix))
    return refuse(Outcome::kMalformedHeader,
                  scheme.header + " does not start with the expected prefix");
  std::optional<std::string> received = decode_mac(scheme, sig.substr(scheme.prefix.size()));
  if (!received)
    return refuse(Outcome::kMalformedHeader,
                  scheme.header + " is not a correctly encoded signature");

  if (timestamp && !within_tolerance(*timestamp, options)) {
    Verification v = refuse(Outcome::kStaleTimestamp,
                            scheme.timestamp_header + " is outside the allowed tolerance");
    v.timestamp = timestamp;
    v.event_id = event_id;
    return v;
  }

  std::string content;
  for (const SignedContentPart& part : tmpl.parts) {
    switch (part.kind) {
      case SignedContentPart::Kind::kLiteral:
        content += part.literal;
        break;
      case SignedContentPart::Kind::kBody:
        content += request.body;
        break;
      case SignedContentPart::Kind::kTimestamp:
        content += *timestamp_text;
        break;
      case SignedContentPart::Kind::kUrl:
        content += request.url;
        break;
    }
  }

  bool usable = false;
  bool matched = false;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    usable = true;
    if (util::constant_time_equal(mac(scheme.algorithm, secret, content), *received))
      matched = true;
  }
  if (!usable) return refuse(Outcome::kNoUsableSecret, "no HMAC secret configured");

  Verification v;
  v.timestamp = timestamp;
  v.event_id = event_id;
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = scheme.header + " does not match any secret";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

}  // namespace pg_gateway::webhooks
