#include "core/graphql/validation/suggestions.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

namespace pg_gateway::graphql::validation {

namespace {

// JavaScript strings are UTF-16; distances and orders are counted in its
// code units, so names with characters outside ASCII rank as in graphql-js.
std::u16string to_utf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0xF0 && i + 3 < s.size()) {
      cp = ((c & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) | ((s[i + 2] & 0x3Fu) << 6) |
           (s[i + 3] & 0x3Fu);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < s.size()) {
      cp = ((c & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < s.size()) {
      cp = ((c & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu);
      len = 2;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

// String.prototype.toLowerCase for the characters names are made of; other
// characters are left alone (GraphQL names are ASCII).
std::u16string lower(std::u16string s) {
  for (char16_t& c : s)
    if (c >= u'A' && c <= u'Z') c = static_cast<char16_t>(c - u'A' + u'a');
  return s;
}

// Damerau-Levenshtein distance (optimal string alignment) with graphql-js's
// early exits: any case change alone costs 1, and a distance above
// `threshold` is reported as "too far" (-1) as soon as it is certain.
class LexicalDistance {
 public:
  explicit LexicalDistance(std::string_view input)
      : input_(to_utf16(input)), input_lower_(lower(input_)) {}

  size_t input_length() const { return input_.size(); }

  int measure(std::string_view option_text, int threshold) {
    std::u16string option = to_utf16(option_text);
    if (option == input_) return 0;
    std::u16string option_lower = lower(option);
    if (option_lower == input_lower_) return 1;
    const std::u16string* a = &option_lower;
    const std::u16string* b = &input_lower_;
    if (a->size() < b->size()) std::swap(a, b);
    const size_t a_len = a->size(), b_len = b->size();
    if (static_cast<int>(a_len - b_len) > threshold) return -1;
    for (auto& row : rows_) row.assign(b_len + 1, 0);
    for (size_t j = 0; j <= b_len; ++j) rows_[0][j] = static_cast<int>(j);
    for (size_t i = 1; i <= a_len; ++i) {
      std::vector<int>& up = rows_[(i - 1) % 3];
      std::vector<int>& cur = rows_[i % 3];
      int smallest = cur[0] = static_cast<int>(i);
      for (size_t j = 1; j <= b_len; ++j) {
        int cost = (*a)[i - 1] == (*b)[j - 1] ? 0 : 1;
        int cell = std::min({up[j] + 1, cur[j - 1] + 1, up[j - 1] + cost});
        if (i > 1 && j > 1 && (*a)[i - 1] == (*b)[j - 2] && (*a)[i - 2] == (*b)[j - 1])
          cell = std::min(cell, rows_[(i - 2) % 3][j - 2] + 1);
        smallest = std::min(smallest, cell);
        cur[j] = cell;
      }
      if (smallest > threshold) return -1;
    }
    int distance = rows_[a_len % 3][b_len];
    return distance <= threshold ? distance : -1;
  }

 private:
  std::u16string input_;
  std::u16string input_lower_;
  std::array<std::vector<int>, 3> rows_;
};

bool is_digit(char16_t c) { return c >= u'0' && c <= u'9'; }

int natural_compare_utf16(const std::u16string& a, const std::u16string& b) {
  size_t ai = 0, bi = 0;
  while (ai < a.size() && bi < b.size()) {
    char16_t ac = a[ai], bc = b[bi];
    if (is_digit(ac) && is_digit(bc)) {
      // graphql-js stops a digit run after a leading zero ("0" is one run),
      // so "a01" and "a1" compare on the digits after the zero.
      uint64_t an = 0, bn = 0;
      do {
        ++ai;
        an = an * 10 + (ac - u'0');
        ac = ai < a.size() ? a[ai] : 0;
      } while (is_digit(ac) && an > 0);
      do {
        ++bi;
        bn = bn * 10 + (bc - u'0');
        bc = bi < b.size() ? b[bi] : 0;
      } while (is_digit(bc) && bn > 0);
      if (an < bn) return -1;
      if (an > bn) return 1;
    } else {
      if (ac < bc) return -1;
      if (ac > bc) return 1;
      ++ai;
      ++bi;
    }
  }
  return static_cast<int>(a.size()) - static_cast<int>(b.size());
}

}  // namespace

int natural_compare(std::string_view a, std::string_view b) {
  return natural_compare_utf16(to_utf16(a), to_utf16(b));
}

std::vector<std::string> suggestion_list(std::string_view input,
                                         const std::vector<std::string_view>& options) {
  LexicalDistance distance(input);
  const int threshold = static_cast<int>(distance.input_length() * 4 / 10) + 1;
  // graphql-js keys a plain object by option, so a repeated option keeps
  // its first position and last distance; options are unique in practice.
  std::vector<std::pair<std::string, int>> found;
  for (std::string_view option : options) {
    int d = distance.measure(option, threshold);
    if (d < 0) continue;
    auto same =
        std::find_if(found.begin(), found.end(), [&](const auto& f) { return f.first == option; });
    if (same != found.end())
      same->second = d;
    else
      found.emplace_back(std::string(option), d);
  }
  std::stable_sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    if (x.second != y.second) return x.second < y.second;
    return natural_compare(x.first, y.first) < 0;
  });
  std::vector<std::string> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(std::move(f.first));
  return out;
}

std::string did_you_mean(const std::vector<std::string>& suggestions,
                         std::string_view sub_message) {
  if (suggestions.empty()) return "";
  std::string message = " Did you mean ";
  if (!sub_message.empty()) {
    message += sub_message;
    message += ' ';
  }
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  if (suggestions.size() == 1) return message + quoted(suggestions[0]) + "?";
  if (suggestions.size() == 2)
    return message + quoted(suggestions[0]) + " or " + quoted(suggestions[1]) + "?";
  size_t shown = std::min<size_t>(suggestions.size(), 5);
  for (size_t i = 0; i + 1 < shown; ++i) message += quoted(suggestions[i]) + ", ";
  return message + "or " + quoted(suggestions[shown - 1]) + "?";
}

}  // namespace pg_gateway::graphql::validation
