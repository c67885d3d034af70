#include "core/naming/inflection.hpp"

#include <array>
#include <cctype>

namespace pg_gateway::naming {

namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) {
  return is_upper(c) || is_lower(c) || is_digit(c) || static_cast<unsigned char>(c) >= 0x80;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// Length of an ordinal ("1st", "22ND") starting with the digits at i, or 0.
size_t ordinal_length(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  if (j == i || j + 2 > s.size()) return 0;
  std::string suffix = lower(s.substr(j, 2));
  char last = s[j - 1];
  bool teen = j - i >= 2 && s[j - 2] == '1';
  bool ok = (suffix == "st" && last == '1' && !teen) || (suffix == "nd" && last == '2' && !teen) ||
            (suffix == "rd" && last == '3' && !teen) ||
            (suffix == "th" && (teen || (last != '1' && last != '2' && last != '3')));
  if (!ok) return 0;
  // The suffix's case must be uniform and followed by a boundary.
  bool lower_suffix = is_lower(s[j]) && is_lower(s[j + 1]);
  bool upper_suffix = is_upper(s[j]) && is_upper(s[j + 1]);
  if (!lower_suffix && !upper_suffix) return 0;
  size_t end = j + 2;
  if (end < s.size()) {
    char n = s[end];
    if (lower_suffix && is_lower(n)) return 0;
    if (upper_suffix && (is_upper(n) || is_lower(n))) return 0;
    if (is_digit(n)) return 0;
  }
  return end - i;
}

std::string inside_underscores(std::string_view s, std::string (*fn)(std::string_view)) {
  size_t start = 0, end = s.size();
  while (start < end && s[start] == '_') ++start;
  while (end > start && s[end - 1] == '_') --end;
  return std::string(s.substr(0, start)) + fn(s.substr(start, end - start)) +
         std::string(s.substr(end));
}

std::string camel_case_all(std::string_view s) {
  std::string out;
  bool first = true;
  for (const std::string& w : split_words(s)) {
    std::string lw = lower(w);
    if (!first && !lw.empty()) lw[0] = char(std::toupper(static_cast<unsigned char>(lw[0])));
    out += lw;
    first = false;
  }
  return out;
}

std::string upper_first_all(std::string_view s) {
  std::string out(s);
  if (!out.empty()) out[0] = char(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// Words replaced whole, in both directions (singular, plural).
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kIrregular{{
    {"person", "people"},
    {"man", "men"},
    {"woman", "women"},
    {"child", "children"},
    {"tooth", "teeth"},
    {"foot", "feet"},
    {"goose", "geese"},
    {"mouse", "mice"},
    {"ox", "oxen"},
    {"die", "dice"},
    {"criterion", "criteria"},
    {"phenomenon", "phenomena"},
    {"cactus", "cacti"},
    {"datum", "data"},
}};

constexpr std::array<std::string_view, 22> kUncountable{
    "equipment", "information", "rice",    "money",     "species",  "series",   "fish",  "sheep",
    "deer",      "news",        "moose",   "software",  "metadata", "feedback", "staff", "police",
    "traffic",   "music",       "weather", "knowledge", "jeans",    "aircraft"};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

// Stems whose -f/-fe plural is -ves.
constexpr std::array<std::string_view, 12> kVesStems{"lea",  "kni", "li",   "wi",  "wol", "hal",
                                                     "shel", "sel", "thie", "cal", "loa", "scar"};
// -us words whose plural is -i.
constexpr std::array<std::string_view, 9> kUsToI{"alumn",  "syllab", "radi",   "nucle", "fung",
                                                 "stimul", "foc",    "termin", "bacill"};
// -um words whose plural is -a.
constexpr std::array<std::string_view, 8> kUmToA{"agend",    "millenni", "bacteri", "curricul",
                                                 "memorand", "strat",    "symposi", "quor"};
// -ix/-ex words whose plural is -ices.
constexpr std::array<std::string_view, 6> kIces{"matr", "vert", "ind", "append", "cod", "sil"};
// -is words (analysis -> analyses).
constexpr std::array<std::string_view, 9> kSisStems{"analy", "ba",    "cri",    "diagno", "the",
                                                    "synop", "paren", "progno", "empha"};
// Nouns in -ie, whose plural -ies must not become -y.
constexpr std::array<std::string_view, 13> kIeWords{
    "movie",  "cookie", "rookie",   "zombie", "calorie", "pie",   "tie",
    "selfie", "genie",  "smoothie", "goalie", "brownie", "hippie"};
// -o words whose plural is -oes.
constexpr std::array<std::string_view, 6> kOes{"her", "potat", "tomat", "ech", "vet", "buffal"};

template <size_t N>
bool stem_in(std::string_view stem, const std::array<std::string_view, N>& list) {
  for (std::string_view s : list)
    if (stem == s || ends_with(stem, std::string(s))) return true;
  return false;
}

template <size_t N>
bool exact_in(std::string_view w, const std::array<std::string_view, N>& list) {
  for (std::string_view s : list)
    if (w == s) return true;
  return false;
}

std::string plural_of(const std::string& w) {
  if (exact_in(w, kUncountable)) return w;
  for (auto [sing, plur] : kIrregular) {
    if (w == sing || w == plur) return std::string(plur);
  }
  size_t n = w.size();
  if (n == 0) return w;
  if (ends_with(w, "us")) {
    std::string stem = w.substr(0, n - 2);
    if (stem_in(stem, kUsToI)) return stem + "i";
    return w + "es";  // status -> statuses, bus -> buses
  }
  if (ends_with(w, "um") && stem_in(w.substr(0, n - 2), kUmToA)) return w.substr(0, n - 2) + "a";
  if ((ends_with(w, "ix") || ends_with(w, "ex")) && stem_in(w.substr(0, n - 2), kIces))
    return w.substr(0, n - 2) + "ices";
  if (ends_with(w, "sis") && stem_in(w.substr(0, n - 3), kSisStems))
    return w.substr(0, n - 3) + "ses";
  if (ends_with(w, "zz")) return w + "es";
  if (ends_with(w, "z")) return w + "zes";  // quiz -> quizzes
  if (ends_with(w, "s") || ends_with(w, "x") || ends_with(w, "ch") || ends_with(w, "sh"))
    return w + "es";
  if (ends_with(w, "y") && n >= 2 && !is_vowel(w[n - 2])) return w.substr(0, n - 1) + "ies";
  if (ends_with(w, "fe") && stem_in(w.substr(0, n - 2), kVesStems))
    return w.substr(0, n - 2) + "ves";
  if (ends_with(w, "f") && stem_in(w.substr(0, n - 1), kVesStems))
    return w.substr(0, n - 1) + "ves";
  if (ends_with(w, "o") && stem_in(w.substr(0, n - 1), kOes)) return w + "es";
  return w + "s";
}

std::string singular_of(const std::string& w) {
  if (exact_in(w, kUncountable)) return w;
  for (auto [sing, plur] : kIrregular) {
    if (w == plur || w == sing) return std::string(sing);
  }
  size_t n = w.size();
  if (n == 0) return w;
  if (ends_with(w, "i") && stem_in(w.substr(0, n - 1), kUsToI)) return w.substr(0, n - 1) + "us";
  if (ends_with(w, "a") && stem_in(w.substr(0, n - 1), kUmToA)) return w.substr(0, n - 1) + "um";
  if (ends_with(w, "ices") && stem_in(w.substr(0, n - 4), kIces)) {
    std::string stem = w.substr(0, n - 4);
    return stem + (ends_with(stem, "vert") || ends_with(stem, "ind") || ends_with(stem, "cod")
                       ? "ex"
                       : "ix");
  }
  if (ends_with(w, "ses") && stem_in(w.substr(0, n - 3), kSisStems))
    return w.substr(0, n - 3) + "sis";
  if (ends_with(w, "ves")) {
    std::string stem = w.substr(0, n - 3);
    if (stem_in(stem, kVesStems))
      return stem + (stem == "kni" || stem == "li" || stem == "wi" ? "fe" : "f");
  }
  if (ends_with(w, "ies") && exact_in(w.substr(0, n - 1), kIeWords)) return w.substr(0, n - 1);
  if (ends_with(w, "ies") && n > 3 && !is_vowel(w[n - 4])) return w.substr(0, n - 3) + "y";
  if (ends_with(w, "zzes") && n > 5 && w[n - 5] != 'z') return w.substr(0, n - 3);  // quizzes
  if (ends_with(w, "oes") && stem_in(w.substr(0, n - 3), kOes)) return w.substr(0, n - 2);
  if (ends_with(w, "uses")) return w.substr(0, n - 2);  // statuses -> status
  if (ends_with(w, "sses") || ends_with(w, "xes") || ends_with(w, "ches") || ends_with(w, "shes") ||
      ends_with(w, "zzes"))
    return w.substr(0, n - 2);
  // Words that end in s but are singular: status, bus, address, analysis.
  if (ends_with(w, "ss") || ends_with(w, "us") || ends_with(w, "is")) return w;
  if (ends_with(w, "s")) return w.substr(0, n - 1);
  return w;
}

// Applies `fn` to the last word of `s` (after the last separator or case
// hump), keeping the rest and the word's letter case, as `pluralize` does on
// whole strings whose rules match at the end.
std::string on_last_word(std::string_view s, std::string (*fn)(const std::string&)) {
  size_t end = s.size();
  size_t start = end;
  while (start > 0 && (is_lower(s[start - 1]) || is_upper(s[start - 1]))) {
    --start;
    // Stop at a case hump: "postTags" -> "Tags".
    if (is_upper(s[start]) && start > 0 && is_lower(s[start - 1])) break;
  }
  std::string_view word = s.substr(start, end - start);
  if (word.empty()) return std::string(s);
  std::string lw = lower(word);
  std::string changed = fn(lw);
  // Restore case: all upper, capitalized, or lower.
  bool all_upper = word.size() > 1 && upper(word) == word;
  if (all_upper) {
    changed = upper(changed);
  } else if (is_upper(word[0]) && !changed.empty()) {
    changed[0] = char(std::toupper(static_cast<unsigned char>(changed[0])));
  }
  return std::string(s.substr(0, start)) + changed;
}

}  // namespace

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (!is_alnum(c)) {
      ++i;
      continue;
    }
    size_t start = i;
    if (is_digit(c)) {
      size_t ord = ordinal_length(s, i);
      if (ord) {
        i += ord;
      } else {
        while (i < s.size() && is_digit(s[i])) ++i;
      }
    } else if (is_upper(c)) {
      size_t j = i;
      while (j < s.size() && is_upper(s[j])) ++j;
      if (j - i == 1) {
        // One capital: it starts a capitalized word ("Http").
        i = j;
        while (i < s.size() && (is_lower(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) ++i;
      } else if (j < s.size() && is_lower(s[j])) {
        // Acronym followed by a word: "XMLHttp" -> "XML", then "Http".
        i = j - 1;
      } else {
        i = j;
      }
    } else {
      while (i < s.size() && (is_lower(s[i]) || static_cast<unsigned char>(s[i]) >= 0x80)) ++i;
    }
    words.emplace_back(s.substr(start, i - start));
  }
  return words;
}

std::string camel_case(std::string_view s) { return inside_underscores(s, camel_case_all); }

std::string upper_first(std::string_view s) { return inside_underscores(s, upper_first_all); }

std::string upper_camel_case(std::string_view s) { return upper_first(camel_case(s)); }

std::string constant_case(std::string_view s) {
  // Non-alphanumerics become "_", a capital starts a new word, runs of "_"
  // collapse, leading junk goes, a leading digit gets "_" (GraphQL enum
  // values cannot start with a digit); all upper case.
  auto ascii_alnum = [](char c) { return is_upper(c) || is_lower(c) || is_digit(c); };
  std::string out;
  for (char c : s) {
    if (!ascii_alnum(c) && c != '_') {
      out.push_back('_');
    } else if (is_upper(c) && !out.empty() && !is_upper(out.back()) && out.back() != '_') {
      out.push_back('_');
      out.push_back(c);
    } else if (is_upper(c) && out.empty()) {
      out.push_back('_');
      out.push_back(c);
    } else {
      out.push_back(c);
    }
  }
  std::string collapsed;
  for (char c : out)
    if (!(c == '_' && !collapsed.empty() && collapsed.back() == '_')) collapsed.push_back(c);
  size_t b = 0;
  while (b < collapsed.size() && !ascii_alnum(collapsed[b])) ++b;
  collapsed = collapsed.substr(b);
  if (!collapsed.empty() && is_digit(collapsed[0])) collapsed.insert(collapsed.begin(), '_');
  return upper(collapsed);
}

std::string pluralize(std::string_view word) { return on_last_word(word, plural_of); }

std::string singularize(std::string_view word) { return on_last_word(word, singular_of); }

}  // namespace pg_gateway::naming
