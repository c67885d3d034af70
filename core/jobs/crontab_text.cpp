#include "core/jobs/crontab_text.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "core/util/utf8.hpp"

namespace pg_gateway::jobs::crontab_text {
namespace {

unsigned char byte_at(std::string_view s, size_t i) { return static_cast<unsigned char>(s[i]); }

bool starts_with_at(std::string_view s, size_t i, std::string_view what) {
  return s.size() - i >= what.size() && s.compare(i, what.size(), what) == 0;
}

int hex_value(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_hex_escape_at(std::string_view s, size_t i) {
  return i + 2 < s.size() && s[i] == '%' && hex_value(byte_at(s, i + 1)) >= 0 &&
         hex_value(byte_at(s, i + 2)) >= 0;
}

// The code point of the well-formed sequence of `len` bytes at s[i].
uint32_t code_point_at(std::string_view s, size_t i, size_t len) {
  uint32_t c = byte_at(s, i);
  if (len == 1) return c;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (byte_at(s, i + k) & 0x3F);
  return cp;
}

// decodeURIComponent: every '%' must start a %XX escape, and the escaped
// bytes must form well-formed UTF-8 with each multi-byte character entirely
// escaped; otherwise it throws (here: nullopt). Literal text is copied.
std::optional<std::string> decode_uri_component(std::string_view s) {
  std::string out;
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      ++i;
      continue;
    }
    if (!is_hex_escape_at(s, i)) return std::nullopt;
    unsigned char lead = static_cast<unsigned char>(hex_value(byte_at(s, i + 1)) * 16 +
                                                    hex_value(byte_at(s, i + 2)));
    i += 3;
    size_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
    if (len == 0) return std::nullopt;  // a continuation byte or 0xF8+ cannot lead
    std::string seq(1, char(lead));
    for (size_t k = 1; k < len; ++k) {
      if (!is_hex_escape_at(s, i)) return std::nullopt;
      seq.push_back(char(hex_value(byte_at(s, i + 1)) * 16 + hex_value(byte_at(s, i + 2))));
      i += 3;
    }
    if (util::valid_utf8_length(seq, 0) != len) return std::nullopt;
    out += seq;
  }
  return out;
}

// Node's unescapeBuffer(s).toString(): valid %XX escapes become bytes, other
// text is written one byte per UTF-16 code unit (the low 8 bits: Buffer
// assignment truncates), and the bytes are then decoded leniently.
std::string unescape_buffer_lossy(std::string_view s) {
  std::string bytes;
  size_t i = 0;
  while (i < s.size()) {
    if (is_hex_escape_at(s, i)) {
      bytes.push_back(char(hex_value(byte_at(s, i + 1)) * 16 + hex_value(byte_at(s, i + 2))));
      i += 3;
      continue;
    }
    size_t len = util::valid_utf8_length(s, i);
    if (len == 0) len = 1;  // not reached for validated text; keep the byte
    uint32_t cp = len == 1 ? byte_at(s, i) : code_point_at(s, i, len);
    if (cp < 0x10000) {
      bytes.push_back(char(cp & 0xFF));
    } else {
      uint32_t v = cp - 0x10000;
      bytes.push_back(char((0xD800 | (v >> 10)) & 0xFF));
      bytes.push_back(char((0xDC00 | (v & 0x3FF)) & 0xFF));
    }
    i += len;
  }
  return decode_utf8_lossy(bytes);
}

// Node's qsUnescape: decodeURIComponent, or the lenient decoder when it throws.
std::string node_unescape(std::string_view s) {
  if (auto strict = decode_uri_component(s)) return *std::move(strict);
  return unescape_buffer_lossy(s);
}

// A canonical array index ("0", "42", at most 4294967294): JavaScript lists
// such property keys first, in numeric order.
std::optional<uint64_t> array_index(std::string_view key) {
  if (key.empty() || key.size() > 10) return std::nullopt;
  if (key.size() > 1 && key[0] == '0') return std::nullopt;
  uint64_t n = 0;
  for (char c : key) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + uint64_t(c - '0');
  }
  if (n > 4294967294ULL) return std::nullopt;
  return n;
}

}  // namespace

size_t js_space_length(std::string_view s, size_t i) {
  unsigned char c = byte_at(s, i);
  if (c == ' ' || (c >= 0x09 && c <= 0x0D)) return 1;
  if (c < 0x80) return 0;
  static constexpr std::string_view kWide[] = {
      "\xC2\xA0",      // U+00A0 no-break space
      "\xE1\x9A\x80",  // U+1680 ogham space mark
      "\xE2\x80\xA8",  // U+2028 line separator
      "\xE2\x80\xA9",  // U+2029 paragraph separator
      "\xE2\x80\xAF",  // U+202F narrow no-break space
      "\xE2\x81\x9F",  // U+205F medium mathematical space
      "\xE3\x80\x80",  // U+3000 ideographic space
      "\xEF\xBB\xBF",  // U+FEFF byte order mark
  };
  for (std::string_view w : kWide) {
    if (starts_with_at(s, i, w)) return w.size();
  }
  // U+2000 to U+200A: E2 80 80 to E2 80 8A.
  if (s.size() - i >= 3 && c == 0xE2 && byte_at(s, i + 1) == 0x80 && byte_at(s, i + 2) >= 0x80 &&
      byte_at(s, i + 2) <= 0x8A) {
    return 3;
  }
  return 0;
}

size_t js_line_terminator_length(std::string_view s, size_t i) {
  if (s[i] == '\n' || s[i] == '\r') return 1;
  if (starts_with_at(s, i, "\xE2\x80\xA8") || starts_with_at(s, i, "\xE2\x80\xA9")) return 3;
  return 0;
}

bool contains_js_line_terminator(std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (js_line_terminator_length(s, i) != 0) return true;
  }
  return false;
}

std::string_view js_trim(std::string_view s) {
  size_t begin = 0;
  while (begin < s.size()) {
    size_t n = js_space_length(s, begin);
    if (n == 0) break;
    begin += n;
  }
  // Trailing blanks: step back over whole characters. Every JS blank is a
  // complete UTF-8 sequence, so look for one ending exactly at `end`.
  size_t end = s.size();
  while (end > begin) {
    size_t found = 0;
    for (size_t len = 1; len <= 3 && len <= end - begin; ++len) {
      if (js_space_length(s, end - len) == len) {
        found = len;
        break;
      }
    }
    if (found == 0) break;
    end -= found;
  }
  return s.substr(begin, end - begin);
}

std::string for_message(std::string_view s) {
  constexpr size_t kMax = 200;
  size_t cut = s.size();
  if (cut > kMax) {
    cut = kMax;
    // Do not split a UTF-8 sequence: back up to a lead byte.
    while (cut > 0 && (byte_at(s, cut) & 0xC0) == 0x80) --cut;
  }
  std::string text = decode_utf8_lossy(s.substr(0, cut));
  // A NUL would end the message early wherever it is read as a C string
  // (what(), ereport), so it is spelled out.
  std::string out;
  for (char c : text) {
    if (c == '\0') {
      out += "\\u0000";
    } else {
      out.push_back(c);
    }
  }
  if (cut < s.size()) out += "...";
  return out;
}

std::string decode_utf8_lossy(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  size_t i = 0;
  while (i < bytes.size()) {
    size_t len = util::valid_utf8_length(bytes, i);
    if (len != 0) {
      out.append(bytes.substr(i, len));
      i += len;
      continue;
    }
    // The maximal subpart of a would-be sequence: a valid lead byte followed
    // by the continuation bytes that are still allowed after it.
    unsigned char c = byte_at(bytes, i);
    size_t need = (c >= 0xC2 && c <= 0xDF)   ? 1
                  : (c >= 0xE0 && c <= 0xEF) ? 2
                  : (c >= 0xF0 && c <= 0xF4) ? 3
                                             : 0;
    size_t taken = 1;
    for (size_t k = 0; k < need && i + taken < bytes.size(); ++k) {
      unsigned char b = byte_at(bytes, i + taken);
      unsigned char lower = 0x80, upper = 0xBF;
      if (k == 0) {
        if (c == 0xE0) lower = 0xA0;
        if (c == 0xED) upper = 0x9F;
        if (c == 0xF0) lower = 0x90;
        if (c == 0xF4) upper = 0x8F;
      }
      if (b < lower || b > upper) break;
      ++taken;
    }
    out += "\xEF\xBF\xBD";  // U+FFFD
    i += taken;
  }
  return out;
}

// A port of Node's querystring.parse loop for the default separators. Its
// quirks are kept on purpose, since they decide which keys and values
// Graphile Worker sees: an empty piece between two '&' is skipped, a piece
// without '=' is a key with an empty value, and a key or value is only
// decoded when Node's scan noticed a %XX escape in it (or, a Node quirk, in
// the key while scanning for the value's escapes).
std::vector<QueryEntry> parse_querystring(std::string_view qs) {
  std::vector<QueryEntry> entries;
  std::unordered_map<std::string, size_t> position;  // key -> index in entries
  auto add = [&](std::string key, std::string value, bool key_encoded, bool value_encoded) {
    if (!key.empty() && key_encoded) key = node_unescape(key);
    if (!value.empty() && value_encoded) value = node_unescape(value);
    auto [it, inserted] = position.emplace(key, entries.size());
    if (inserted) {
      entries.push_back({std::move(key), {std::move(value)}});
    } else {
      entries[it->second].values.push_back(std::move(value));
    }
  };

  int pairs = 1000;  // Node's default maxKeys
  size_t last_pos = 0;
  bool seen_eq = false;
  std::string key, value;
  bool key_encoded = false, value_encoded = false;
  int encode_check = 0;
  bool stopped = false;
  for (size_t i = 0; i < qs.size() && !stopped; ++i) {
    char code = qs[i];
    if (code == '&') {
      if (!seen_eq) {
        if (last_pos < i) {
          key.append(qs.substr(last_pos, i - last_pos));
        } else if (key.empty()) {
          if (--pairs == 0) {
            stopped = true;
            break;
          }
          last_pos = i + 1;
          continue;
        }
      } else if (last_pos < i) {
        value.append(qs.substr(last_pos, i - last_pos));
      }
      add(std::move(key), std::move(value), key_encoded, value_encoded);
      if (--pairs == 0) {
        stopped = true;
        break;
      }
      key_encoded = value_encoded = false;
      key.clear();
      value.clear();
      encode_check = 0;
      last_pos = i + 1;
      seen_eq = false;
      continue;
    }
    if (!seen_eq) {
      if (code == '=') {
        seen_eq = true;
        if (last_pos < i) key.append(qs.substr(last_pos, i - last_pos));
        encode_check = 0;
        last_pos = i + 1;
        continue;
      }
      if (!key_encoded) {
        if (code == '%') {
          encode_check = 1;
          continue;
        }
        if (encode_check > 0) {
          if (hex_value(static_cast<unsigned char>(code)) >= 0) {
            if (++encode_check == 3) key_encoded = true;
            continue;
          }
          encode_check = 0;
        }
      }
      if (code == '+') {
        if (last_pos < i) key.append(qs.substr(last_pos, i - last_pos));
        key.push_back(' ');
        last_pos = i + 1;
        continue;
      }
    }
    if (code == '+') {
      if (last_pos < i) value.append(qs.substr(last_pos, i - last_pos));
      value.push_back(' ');
      last_pos = i + 1;
    } else if (!value_encoded) {
      if (code == '%') {
        encode_check = 1;
      } else if (encode_check > 0) {
        if (hex_value(static_cast<unsigned char>(code)) >= 0) {
          if (++encode_check == 3) value_encoded = true;
        } else {
          encode_check = 0;
        }
      }
    }
  }
  if (!stopped) {
    bool add_last = true;
    if (last_pos < qs.size()) {
      if (!seen_eq) {
        key.append(qs.substr(last_pos));
      } else {
        value.append(qs.substr(last_pos));
      }
    } else if (!seen_eq && key.empty()) {
      add_last = false;  // ended on an empty piece
    }
    if (add_last) add(std::move(key), std::move(value), key_encoded, value_encoded);
  }

  std::stable_sort(entries.begin(), entries.end(), [](const QueryEntry& a, const QueryEntry& b) {
    auto ia = array_index(a.key), ib = array_index(b.key);
    if (ia && ib) return *ia < *ib;
    return ia.has_value() && !ib.has_value();
  });
  return entries;
}

}  // namespace pg_gateway::jobs::crontab_text
