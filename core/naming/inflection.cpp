#include "core/naming/inflection.hpp"

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

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

// ---------------------------------------------------------------------------
// A port of the `pluralize` package (v8), which PostGraphile's inflection
// uses for singular and plural names: the same irregular words and
// uncountable words (matched on the whole, lower-cased input), then the same
// regular-expression rules, the last added rule that matches winning, with
// its letter-case restoration.

struct Rule {
  std::regex pattern;
  std::string replacement;
  bool non_ascii_end = false;  // [^\u0000-\u007F]$ (bytes, not std::regex)
};

Rule rule(const char* pattern, const char* replacement) {
  return Rule{std::regex(pattern, std::regex::ECMAScript | std::regex::icase), replacement, false};
}

const std::vector<std::pair<std::string, std::string>>& irregular_words() {
  static const std::vector<std::pair<std::string, std::string>> kWords = {
      {"i", "we"},
      {"me", "us"},
      {"he", "they"},
      {"she", "they"},
      {"them", "them"},
      {"myself", "ourselves"},
      {"yourself", "yourselves"},
      {"itself", "themselves"},
      {"herself", "themselves"},
      {"himself", "themselves"},
      {"themself", "themselves"},
      {"is", "are"},
      {"was", "were"},
      {"has", "have"},
      {"this", "these"},
      {"that", "those"},
      {"echo", "echoes"},
      {"dingo", "dingoes"},
      {"volcano", "volcanoes"},
      {"tornado", "tornadoes"},
      {"torpedo", "torpedoes"},
      {"genus", "genera"},
      {"viscus", "viscera"},
      {"stigma", "stigmata"},
      {"stoma", "stomata"},
      {"dogma", "dogmata"},
      {"lemma", "lemmata"},
      {"schema", "schemata"},
      {"anathema", "anathemata"},
      {"ox", "oxen"},
      {"axe", "axes"},
      {"die", "dice"},
      {"yes", "yeses"},
      {"foot", "feet"},
      {"eave", "eaves"},
      {"goose", "geese"},
      {"tooth", "teeth"},
      {"quiz", "quizzes"},
      {"human", "humans"},
      {"proof", "proofs"},
      {"carve", "carves"},
      {"valve", "valves"},
      {"looey", "looies"},
      {"thief", "thieves"},
      {"groove", "grooves"},
      {"pickaxe", "pickaxes"},
      {"whiskey", "whiskies"}};
  return kWords;
}

// Later entries overwrite earlier ones, as the package's maps do.
const std::map<std::string, std::string>& irregular_singles() {
  static const std::map<std::string, std::string> kMap = [] {
    std::map<std::string, std::string> m;
    for (const auto& [single, plural] : irregular_words()) m[single] = plural;
    return m;
  }();
  return kMap;
}

const std::map<std::string, std::string>& irregular_plurals() {
  static const std::map<std::string, std::string> kMap = [] {
    std::map<std::string, std::string> m;
    for (const auto& [single, plural] : irregular_words()) m[plural] = single;
    return m;
  }();
  return kMap;
}

const std::set<std::string>& uncountable_words() {
  static const std::set<std::string> kWords = {
      "adulthood",    "advice",    "agenda",   "aid",         "alcohol",       "ammo",
      "anime",        "athletics", "audio",    "bison",       "blood",         "bream",
      "buffalo",      "butter",    "carp",     "cash",        "chassis",       "chess",
      "clothing",     "cod",       "commerce", "cooperation", "corps",         "debris",
      "diabetes",     "digestion", "elk",      "energy",      "equipment",     "excretion",
      "expertise",    "flounder",  "fun",      "gallows",     "garbage",       "graffiti",
      "headquarters", "health",    "herpes",   "highjinks",   "homework",      "housework",
      "information",  "jeans",     "justice",  "kudos",       "labour",        "literature",
      "machinery",    "mackerel",  "mail",     "media",       "mews",          "moose",
      "music",        "manga",     "news",     "pike",        "plankton",      "pliers",
      "pollution",    "premises",  "rain",     "research",    "rice",          "salmon",
      "scissors",     "series",    "sewage",   "shambles",    "shrimp",        "species",
      "staff",        "swine",     "tennis",   "traffic",     "transporation", "trout",
      "tuna",         "wealth",    "welfare",  "whiting",     "wildebeest",    "wildlife",
      "you"};
  return kWords;
}

// Uncountable patterns, added to both rule lists after the others.
void add_uncountable_rules(std::vector<Rule>& rules) {
  for (const char* p : {"[^aeiou]ese$", "deer$", "fish$", "measles$", "o[iu]s$", "pox$", "sheep$"})
    rules.push_back(rule(p, "$0"));
}

const std::vector<Rule>& plural_rules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> r = {
        rule("s?$", "s"),
        Rule{std::regex("$"), "$0", true},
        rule("([^aeiou]ese)$", "$1"),
        rule("(ax|test)is$", "$1es"),
        rule("(alias|[^aou]us|tlas|gas|ris)$", "$1es"),
        rule("(e[mn]u)s?$", "$1s"),
        rule("([^l]ias|[aeiou]las|[emjzr]as|[iu]am)$", "$1"),
        rule("(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|"
             "strat)(?:us|i)$",
             "$1i"),
        rule("(alumn|alg|vertebr)(?:a|ae)$", "$1ae"),
        rule("(seraph|cherub)(?:im)?$", "$1im"),
        rule("(her|at|gr)o$", "$1oes"),
        rule("(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|"
             "symposi|curricul|automat|quor)(?:a|um)$",
             "$1a"),
        rule("(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|"
             "automat)(?:a|on)$",
             "$1a"),
        rule("sis$", "ses"),
        rule("(?:(kni|wi|li)fe|(ar|l|ea|eo|oa|hoo)f)$", "$1$2ves"),
        rule("([^aeiouy]|qu)y$", "$1ies"),
        rule("([^ch][ieo][ln])ey$", "$1ies"),
        rule("(x|ch|ss|sh|zz)$", "$1es"),
        rule("(matr|cod|mur|sil|vert|ind|append)(?:ix|ex)$", "$1ices"),
        rule("(m|l)(?:ice|ouse)$", "$1ice"),
        rule("(pe)(?:rson|ople)$", "$1ople"),
        rule("(child)(?:ren)?$", "$1ren"),
        rule("eaux$", "$0"),
        rule("m[ae]n$", "men"),
        rule("^thou$", "you"),
    };
    add_uncountable_rules(r);
    return r;
  }();
  return kRules;
}

const std::vector<Rule>& singular_rules() {
  static const std::vector<Rule> kRules = [] {
    std::vector<Rule> r = {
        rule("s$", ""),
        rule("(ss)$", "$1"),
        rule("(wi|kni|(?:after|half|high|low|mid|non|night|[^\\w]|^)li)ves$", "$1fe"),
        rule("(ar|(?:wo|[ae])l|[eo][ao])ves$", "$1f"),
        rule("ies$", "y"),
        rule("\\b([pl]|zomb|(?:neck|cross)?t|coll|faer|food|gen|goon|group|lass|talk|goal|cut)ies$",
             "$1ie"),
        rule("\\b(mon|smil)ies$", "$1ey"),
        rule("(m|l)ice$", "$1ouse"),
        rule("(seraph|cherub)im$", "$1"),
        rule("(x|ch|ss|sh|zz|tto|go|cho|alias|[^aou]us|tlas|gas|(?:her|at|gr)o|ris)(?:es)?$", "$1"),
        rule("(analy|ba|diagno|parenthe|progno|synop|the|empha|cri)(?:sis|ses)$", "$1sis"),
        rule("(movie|twelve|abuse|e[mn]u)s$", "$1"),
        rule("(test)(?:is|es)$", "$1is"),
        rule("(alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|"
             "strat)(?:us|i)$",
             "$1us"),
        rule("(agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|"
             "symposi|curricul|quor)a$",
             "$1um"),
        rule("(apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|"
             "automat)a$",
             "$1on"),
        rule("(alumn|alg|vertebr)ae$", "$1a"),
        rule("(cod|mur|sil|vert|ind)ices$", "$1ex"),
        rule("(matr|append)ices$", "$1ix"),
        rule("(pe)(rson|ople)$", "$1rson"),
        rule("(child)ren$", "$1"),
        rule("(eau)x?$", "$1"),
        rule("men$", "man"),
    };
    add_uncountable_rules(r);
    return r;
  }();
  return kRules;
}

char to_upper(char c) { return char(std::toupper(static_cast<unsigned char>(c))); }

// restoreCase(): give `token` the letter case of `word`.
std::string restore_case(const std::string& word, const std::string& token) {
  if (word == token) return token;
  if (word == lower(word)) return lower(token);
  if (word == upper(word)) return upper(token);
  if (!word.empty() && word[0] == to_upper(word[0])) {
    std::string out = lower(token);
    if (!out.empty()) out[0] = to_upper(out[0]);
    return out;
  }
  return lower(token);
}

// word.replace(rule, ...) with `$n` interpolation (a missing group is "").
std::string apply_rule(const std::string& word, const Rule& r) {
  std::smatch m;
  std::regex_search(word, m, r.pattern);
  size_t at = r.non_ascii_end ? word.size() - 1 : size_t(m.position(0));
  std::string match = r.non_ascii_end ? word.substr(at) : m.str(0);
  std::string result;
  for (size_t i = 0; i < r.replacement.size(); ++i) {
    char c = r.replacement[i];
    if (c == '$' && i + 1 < r.replacement.size() && is_digit(r.replacement[i + 1])) {
      size_t n = size_t(r.replacement[++i] - '0');
      if (n == 0) {
        result += match;
      } else if (!r.non_ascii_end && n < m.size() && m[n].matched) {
        result += m.str(n);
      }
      continue;
    }
    result += c;
  }
  std::string restored = match.empty() ? restore_case(at > 0 ? word.substr(at - 1, 1) : "", result)
                                       : restore_case(match, result);
  return word.substr(0, at) + restored + word.substr(at + match.size());
}

bool rule_matches(const std::string& word, const Rule& r) {
  if (r.non_ascii_end) return !word.empty() && static_cast<unsigned char>(word.back()) >= 0x80;
  return std::regex_search(word, r.pattern);
}

// replaceWord(): kept words, irregular words, then the rules.
std::string replace_word(std::string_view input, const std::map<std::string, std::string>& replace,
                         const std::map<std::string, std::string>& keep,
                         const std::vector<Rule>& rules) {
  std::string word(input);
  std::string token = lower(word);
  if (keep.count(token)) return restore_case(word, token);
  auto it = replace.find(token);
  if (it != replace.end()) return restore_case(word, it->second);
  if (token.empty() || uncountable_words().count(token)) return word;
  for (auto r = rules.rbegin(); r != rules.rend(); ++r)
    if (rule_matches(word, *r)) return apply_rule(word, *r);
  return word;
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

std::string pluralize(std::string_view word) {
  return replace_word(word, irregular_singles(), irregular_plurals(), plural_rules());
}

std::string singularize(std::string_view word) {
  return replace_word(word, irregular_plurals(), irregular_singles(), singular_rules());
}

}  // namespace pg_gateway::naming
