#include "core/webhooks/twilio_verifier.hpp"

#include <algorithm>
#include <cctype>

#include "core/http/request_document.hpp"
#include "core/util/base64.hpp"
#include "core/util/hmac.hpp"
#include "core/util/sha256.hpp"
#include "core/webhooks/hmac_digests.hpp"

namespace pg_gateway::webhooks {

namespace {

/* The media type without parameters, compared case-insensitively. */
bool is_form_content_type(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  constexpr std::string_view kForm = "application/x-www-form-urlencoded";
  if (type.size() != kForm.size()) return false;
  for (size_t i = 0; i < type.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(type[i])) != kForm[i]) return false;
  return true;
}

/* The value of the first query parameter named `name` in the URL, decoded;
   nullopt when absent or when its escape is malformed (reported apart via
   `malformed`). The fragment, if any, is not part of the query. */
std::optional<std::string> query_parameter(std::string_view url, std::string_view name,
                                           bool& malformed) {
  malformed = false;
  size_t q = url.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view query = url.substr(q + 1);
  query = query.substr(0, query.find('#'));
  std::string key, value;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (!http::percent_decode(pair.substr(0, eq), key, true)) continue;
    if (key != name) continue;
    if (!http::percent_decode(eq == std::string_view::npos ? "" : pair.substr(eq + 1), value,
                              true)) {
      malformed = true;
      return std::nullopt;
    }
    return value;
  }
  return std::nullopt;
}

/* The URL without an explicit default port, or nullopt when it has none:
   "https://h:443/p" -> "https://h/p". Only the authority is touched. */
std::optional<std::string> without_default_port(std::string_view url) {
  std::string_view port;
  size_t scheme_end;
  if (url.starts_with("https://")) {
    scheme_end = 8;
    port = ":443";
  } else if (url.starts_with("http://")) {
    scheme_end = 7;
    port = ":80";
  } else {
    return std::nullopt;
  }
  size_t authority_end = url.find_first_of("/?#", scheme_end);
  if (authority_end == std::string_view::npos) authority_end = url.size();
  std::string_view authority = url.substr(scheme_end, authority_end - scheme_end);
  if (!authority.ends_with(port)) return std::nullopt;
  std::string out(url.substr(0, authority_end - port.size()));
  out.append(url.substr(authority_end));
  return out;
}

/* The 28-character standard-base64 spelling of a 20-byte SHA-1 MAC. The
   header is compared as text with the expected encoding, so it must be
   exactly that shape; anything else is malformed rather than wrong. */
bool is_sha1_base64(std::string_view text) {
  if (text.size() != 28 || text[27] != '=') return false;
  for (size_t i = 0; i < 27; ++i) {
    char c = text[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

/* Twilio's libraries decode the form the way a web framework would before
   signing, so the decoded text is what they sign, not the raw bytes. */
std::optional<std::vector<std::pair<std::string, std::string>>> decode_form(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!body.empty()) {
    size_t amp = body.find('&');
    std::string_view pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string name, value;
    if (!http::percent_decode(pair.substr(0, eq), name, true)) return std::nullopt;
    if (eq != std::string_view::npos && !http::percent_decode(pair.substr(eq + 1), value, true))
      return std::nullopt;
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

/* Sorting by (name, value) is what Twilio's libraries do: names sorted,
   and a repeated name's values sorted and each appended after the name. */
std::string twilio_signed_string(std::string_view url,
                                 std::vector<std::pair<std::string, std::string>> params) {
  std::sort(params.begin(), params.end());
  std::string out(url);
  for (const auto& [name, value] : params) {
    out += name;
    out += value;
  }
  return out;
}

/* When the URL carries bodySHA256 the body is checked by hash and the URL
   alone is signed, whatever the content type (as Twilio's libraries do);
   otherwise a form body's parameters are signed. Any other non-empty body
   would be unauthenticated, so it is refused. */
Verification verify_twilio(const SignedRequest& request, std::span<const std::string> secrets,
                           const VerifyOptions& /*options*/) {
  const std::string* signature = request.header("x-twilio-signature");
  if (signature == nullptr)
    return refuse(Outcome::kMissingSignature, "missing X-Twilio-Signature header");
  if (!is_sha1_base64(*signature))
    return refuse(Outcome::kMalformedHeader,
                  "X-Twilio-Signature is not base64 of a 20-byte HMAC-SHA1");

  std::optional<std::string> event_id;
  if (const std::string* token = request.header("i-twilio-idempotency-token"))
    if (!token->empty() && !has_control_bytes(*token)) event_id = *token;

  bool malformed_hash = false;
  std::optional<std::string> body_hash = query_parameter(request.url, "bodySHA256", malformed_hash);
  if (malformed_hash)
    return refuse(Outcome::kBadSignature, "the URL's bodySHA256 parameter does not decode");

  std::vector<std::pair<std::string, std::string>> params;
  if (body_hash) {
    std::string actual = util::sha256_hex(request.body);
    std::string expected = *body_hash;
    for (char& c : expected) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (!util::constant_time_equal(actual, expected)) {
      Verification v =
          refuse(Outcome::kBadSignature, "the body does not match the URL's bodySHA256 parameter");
      v.event_id = event_id;
      return v;
    }
  } else if (is_form_content_type(request.content_type)) {
    auto decoded = decode_form(request.body);
    if (!decoded) {
      Verification v =
          refuse(Outcome::kBadSignature, "the form body has a malformed percent escape");
      v.event_id = event_id;
      return v;
    }
    params = std::move(*decoded);
  } else if (!request.body.empty()) {
    Verification v = refuse(Outcome::kBadSignature,
                            "a non-form body without bodySHA256 in the URL is not signed");
    v.event_id = event_id;
    return v;
  }

  std::vector<std::string> candidates;
  candidates.push_back(twilio_signed_string(request.url, params));
  if (std::optional<std::string> bare = without_default_port(request.url))
    candidates.push_back(twilio_signed_string(*bare, params));

  bool usable = false;
  bool matched = false;
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    usable = true;
    for (const std::string& signed_string : candidates) {
      std::string expected = util::base64_encode(hmac_sha1_bytes(secret, signed_string));
      if (util::constant_time_equal(expected, *signature)) matched = true;
    }
  }
  if (!usable) return refuse(Outcome::kNoUsableSecret, "no Twilio auth token configured");

  Verification v;
  v.event_id = event_id;
  if (!matched) {
    v.outcome = Outcome::kBadSignature;
    v.reason = "X-Twilio-Signature does not match any auth token";
    return v;
  }
  v.outcome = Outcome::kVerified;
  return v;
}

}  // namespace pg_gateway::webhooks
