// PostGraphile smart comments: a comment whose first lines start with "@"
// carries tags, the rest is the description.
//
//   COMMENT ON TABLE app.follows IS E'@name user_follow\n@behavior -insert\nWho follows whom.';
//
// gives tags {name: ["user_follow"], behavior: ["-insert"]} and the
// description "Who follows whom.". A tag without a value is true (an empty
// value list); a tag given twice keeps both values, in order.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg_gateway::catalog {

struct SmartTags {
  std::vector<std::pair<std::string, std::vector<std::string>>> tags;
  std::string description;

  bool has(std::string_view tag) const;
  // The last value of the tag, or empty when absent or valueless.
  std::string value(std::string_view tag) const;
  // Every value of the tag, in order.
  std::vector<std::string> values(std::string_view tag) const;
};

SmartTags parse_smart_comment(std::string_view comment);

}  // namespace pg_gateway::catalog
