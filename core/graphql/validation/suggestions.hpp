// "Did you mean ...?" suggestions, as graphql-js 16 makes them
// (jsutils/suggestionList.js, didYouMean.js, naturalCompare.js): the
// options within a lexical distance of 40% of the input's length (plus
// one), nearest first, ties in natural order (digit runs compared as
// numbers), and at most five quoted in the message.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::graphql::validation {

// The options close enough to `input`, best first.
std::vector<std::string> suggestion_list(std::string_view input,
                                         const std::vector<std::string_view>& options);

// " Did you mean "a", "b", or "c"?" (empty when there is nothing to suggest).
// `sub_message` goes between "mean" and the names, e.g. "the enum value".
std::string did_you_mean(const std::vector<std::string>& suggestions,
                         std::string_view sub_message = {});

// graphql-js naturalCompare: < 0, 0 or > 0.
int natural_compare(std::string_view a, std::string_view b);

}  // namespace pg_gateway::graphql::validation
