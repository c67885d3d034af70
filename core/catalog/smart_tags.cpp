#include "core/catalog/smart_tags.hpp"

namespace pg_gateway::catalog {

namespace {

bool is_tag_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

}  // namespace

bool SmartTags::has(std::string_view tag) const {
  for (const auto& [name, vals] : tags)
    if (name == tag) return true;
  return false;
}

std::string SmartTags::value(std::string_view tag) const {
  std::string out;
  for (const auto& [name, vals] : tags)
    if (name == tag && !vals.empty()) out = vals.back();
  return out;
}

std::vector<std::string> SmartTags::values(std::string_view tag) const {
  std::vector<std::string> out;
  for (const auto& [name, vals] : tags)
    if (name == tag) out.insert(out.end(), vals.begin(), vals.end());
  return out;
}

SmartTags parse_smart_comment(std::string_view comment) {
  SmartTags st;
  size_t pos = 0;
  // Tag lines come first; the first line that is not a tag starts the description.
  while (pos < comment.size() && comment[pos] == '@') {
    size_t eol = comment.find('\n', pos);
    std::string_view line =
        comment.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t n = 1;
    while (n < line.size() && is_tag_name_char(line[n])) ++n;
    if (n == 1 || (n < line.size() && line[n] != ' ' && line[n] != '\t')) break;  // not a tag
    std::string name(line.substr(1, n - 1));
    std::string_view rest = line.substr(n);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
    bool merged = false;
    for (auto& [existing, vals] : st.tags) {
      if (existing == name) {
        if (!rest.empty()) vals.emplace_back(rest);
        merged = true;
      }
    }
    if (!merged) {
      st.tags.push_back({name, {}});
      if (!rest.empty()) st.tags.back().second.emplace_back(rest);
    }
    if (eol == std::string_view::npos) {
      pos = comment.size();
      break;
    }
    pos = eol + 1;
  }
  st.description = std::string(comment.substr(pos));
  while (!st.description.empty() &&
         (st.description.back() == '\n' || st.description.back() == '\r'))
    st.description.pop_back();
  return st;
}

}  // namespace pg_gateway::catalog
