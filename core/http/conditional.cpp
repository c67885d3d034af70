#include "core/http/conditional.hpp"

#include "core/util/base64.hpp"

namespace pg_gateway::http {

namespace {

bool is_ows(char c) { return c == ' ' || c == '\t'; }

// etagc = %x21 / %x23-7E / obs-text (RFC 9110 section 8.8.3)
bool is_etagc(unsigned char c) { return c == 0x21 || (c >= 0x23 && c != 0x7f); }

}  // namespace

std::string strong_etag(const std::array<uint8_t, 32>& digest) {
  std::string_view bytes(reinterpret_cast<const char*>(digest.data()), 18);
  return "\"" + util::base64url_encode(bytes) + "\"";
}

// If-None-Match = "*" / #entity-tag; entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE.
// Walks the list once; any malformed element makes the whole header match
// nothing.
bool if_none_match_matches(std::string_view header, std::string_view etag) {
  size_t i = 0, n = header.size();
  auto skip_ows = [&] {
    while (i < n && is_ows(header[i])) ++i;
  };
  skip_ows();
  if (i < n && header[i] == '*') {
    ++i;
    skip_ows();
    return i == n;
  }
  // The opaque part of our tag (between the quotes), for the weak comparison.
  if (etag.size() < 2) return false;
  std::string_view ours = etag.substr(1, etag.size() - 2);
  bool matched = false, any = false;
  while (i < n) {
    skip_ows();
    if (i < n && header[i] == ',') {  // empty list elements are allowed
      ++i;
      continue;
    }
    if (i >= n) break;
    if (header.substr(i, 2) == "W/") i += 2;
    if (i >= n || header[i] != '"') return false;
    size_t start = ++i;
    while (i < n && is_etagc(static_cast<unsigned char>(header[i]))) ++i;
    if (i >= n || header[i] != '"') return false;
    if (header.substr(start, i - start) == ours) matched = true;
    any = true;
    ++i;
    skip_ows();
    if (i < n && header[i] != ',') return false;
  }
  return any && matched;
}

}  // namespace pg_gateway::http
