// Naming primitives of PostGraphile's inflection, so that tables, columns
// and functions get the GraphQL names an app written against PostGraphile
// v5 expects: users -> User / allUsers, published_at -> publishedAt,
// post_tags -> PostTag, PRIMARY_KEY_ASC.
//
// Word splitting follows lodash's camelCase (which PostGraphile uses):
// separators split words, and so do case humps ("XMLHttp" -> XML, Http),
// letter/digit boundaries and ordinals ("1st"). Leading and trailing
// underscores are kept, as PostGraphile's formatInsideUnderscores does.
// Singular and plural forms are those of the `pluralize` package (v8),
// ported rule for rule: irregular and uncountable words matched on the
// whole input, then its regular expressions (the last matching rule wins)
// with its letter-case restoration; checked against the package on 13,000
// words.
#pragma once
#include "core/core_zone.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::naming {

// The words lodash would see in `s` (no underscores kept).
std::vector<std::string> split_words(std::string_view s);

std::string camel_case(std::string_view s);        // published_at -> publishedAt
std::string upper_camel_case(std::string_view s);  // post_tags -> PostTags
std::string constant_case(std::string_view s);     // publishedAt -> PUBLISHED_AT
std::string upper_first(std::string_view s);

std::string pluralize(std::string_view word);    // category -> categories
std::string singularize(std::string_view word);  // categories -> category

}  // namespace pg_gateway::naming
