// The schema built from the compatibility schema's catalog snapshot
// (test/unit/fixtures/compat_catalog.json, from gateway.reflect()) must
// print, type by type, exactly as PostGraphile 5.1.5 printed the same
// database (test/graphql_compat/expected/schema.graphql).
#include "core/graphql/schema_builder.hpp"
#include "core/graphql/schema_builder_order.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "core/catalog/catalog.hpp"
#include "core/graphql/type_system.hpp"

using namespace pg_gateway;

namespace {

std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(PG_GATEWAY_SOURCE_DIR) + "/" + relative);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// PostGraphile's printed types, keyed by type name.
std::map<std::string, std::string> golden_types() {
  std::map<std::string, std::string> out;
  std::string sdl = read_file("test/graphql_compat/expected/schema.graphql");
  while (!sdl.empty() && sdl.back() == '\n') sdl.pop_back();
  size_t pos = 0;
  std::string block;
  auto flush = [&] {
    // The type's own line is the first line not inside its description.
    std::istringstream lines(block);
    std::string line;
    bool in_description = false;
    while (std::getline(lines, line)) {
      if (line.rfind("\"\"\"", 0) == 0) {
        bool one_line = line.size() >= 6 && line.compare(line.size() - 3, 3, "\"\"\"") == 0;
        if (!one_line) in_description = !in_description;
        continue;
      }
      if (in_description) continue;
      std::istringstream words(line);
      std::string keyword, name;
      words >> keyword >> name;
      out[name] = block;
      break;
    }
    block.clear();
  };
  // Types are separated by blank lines at the top level (blank lines inside
  // a type are followed by an indented line).
  while (pos <= sdl.size()) {
    size_t eol = sdl.find('\n', pos);
    std::string line = sdl.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    bool top_level_gap =
        line.empty() && eol != std::string::npos && eol + 1 < sdl.size() && sdl[eol + 1] != ' ';
    if (top_level_gap) {
      flush();
    } else {
      if (!block.empty()) block += "\n";
      block += line;
    }
    if (eol == std::string::npos) break;
    pos = eol + 1;
  }
  if (!block.empty()) flush();
  return out;
}

class SchemaBuilderTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    catalog_ = new catalog::Catalog(
        catalog::from_reflection_json(read_file("test/unit/fixtures/compat_catalog.json")));
    built_ = new graphql::build::BuiltSchema(graphql::build::build_schema(*catalog_));
    golden_ = new std::map<std::string, std::string>(golden_types());
  }
  static void TearDownTestSuite() {
    delete built_;
    delete catalog_;
    delete golden_;
  }

  void expect_same(const std::string& name) {
    SCOPED_TRACE(name);
    auto g = golden_->find(name);
    ASSERT_NE(g, golden_->end()) << "PostGraphile has no type " << name;
    const graphql::schema::NamedType* t = built_->schema.find(name);
    ASSERT_NE(t, nullptr) << "we built no type " << name;
    EXPECT_EQ(graphql::schema::print_type(*t), g->second);
  }

  // PostGraphile's printed schema up to (not including) the Mutation type:
  // everything reachable from Query.
  static std::string golden_query_part() {
    std::string sdl = read_file("test/graphql_compat/expected/schema.graphql");
    size_t mutation = sdl.find("\n\n\"\"\"\nThe root mutation type");
    return mutation == std::string::npos ? sdl : sdl.substr(0, mutation);
  }

  static catalog::Catalog* catalog_;
  static graphql::build::BuiltSchema* built_;
  static std::map<std::string, std::string>* golden_;
};

catalog::Catalog* SchemaBuilderTest::catalog_ = nullptr;
graphql::build::BuiltSchema* SchemaBuilderTest::built_ = nullptr;
std::map<std::string, std::string>* SchemaBuilderTest::golden_ = nullptr;

}  // namespace

TEST_F(SchemaBuilderTest, GoldenSchemaIsReadable) {
  ASSERT_FALSE(catalog_->classes.empty());
  EXPECT_GT(golden_->size(), 50u);
  EXPECT_EQ(golden_->count("Query"), 1u);
  EXPECT_EQ(golden_->count("PostOrderBy"), 1u);
}

TEST_F(SchemaBuilderTest, SharedTypesMatchPostGraphile) {
  for (const char* name :
       {"Node", "PageInfo", "Cursor", "Interval", "Datetime", "BigInt", "BigFloat", "JSON", "UUID",
        "Date", "Time", "Email", "PostStatus", "UserTier"})
    expect_same(name);
}

TEST_F(SchemaBuilderTest, TableNamesFollowPostGraphileInflection) {
  std::vector<std::string> names;
  for (const auto& t : built_->tables) names.push_back(t.type_name);
  for (const char* expected : {"User", "Post", "Comment", "Tag", "PostTag", "UserFollow", "Message",
                               "PostStat", "PostRevision", "RevisionReview", "Event", "Place"})
    EXPECT_NE(std::find(names.begin(), names.end(), expected), names.end()) << expected;
}

TEST(WrapDescription, KeepsLinesUnder125AndBreaksLongerOnesNear80) {
  using graphql::build::DescriptionPosition;
  using graphql::build::wrap_description;
  std::string words;
  while (words.size() < 124) words += "word ";
  std::string s124 = words.substr(0, 124);
  ASSERT_EQ(s124.size(), 124u);
  EXPECT_EQ(wrap_description(s124, DescriptionPosition::kType), s124);
  std::string s125 = s124 + "x";
  std::string wrapped = wrap_description(s125, DescriptionPosition::kType);
  EXPECT_NE(wrapped, s125);
  EXPECT_EQ(wrapped.find('\n'), 79u);  // "word " x 16 minus the space before the cut
  std::string joined = wrapped;
  for (char& c : joined)
    if (c == '\n') c = ' ';
  EXPECT_EQ(joined, s125);  // only spaces became line breaks
  // Fields are indented by 2: their limit is 2 lower.
  EXPECT_NE(wrap_description(s124.substr(0, 123), DescriptionPosition::kField),
            s124.substr(0, 123));
  EXPECT_EQ(wrap_description(s124.substr(0, 122), DescriptionPosition::kField),
            s124.substr(0, 122));
  // Existing line breaks are kept; each line is judged alone.
  EXPECT_EQ(wrap_description("a\nb", DescriptionPosition::kType), "a\nb");
  // A line without spaces cannot be broken.
  std::string nospace(200, 'x');
  EXPECT_EQ(wrap_description(nospace, DescriptionPosition::kType), nospace);
}

TEST_F(SchemaBuilderTest, RegistryOrderIsPostGraphiles) {
  // PostGraphile 5.1.5's resource registration order for the compat schema,
  // logged from @dataplan/pg's registry builder (addResource) while it built
  // expected/schema.graphql. Names are resource names (@name applied).
  const std::vector<std::string> expected = {"purge_all_comments",
                                             "all_tag_names",
                                             "average_rating",
                                             "average_reading_time",
                                             "latest_comment_at",
                                             "site_settings",
                                             "total_view_count",
                                             "add_numbers",
                                             "popular_tags",
                                             "status_counts",
                                             "internal_jobs",
                                             "user_follows",
                                             "post_tags",
                                             "post_summaries",
                                             "tags",
                                             "post_stats",
                                             "tags_by_names",
                                             "post_revisions",
                                             "revision_reviews",
                                             "comments_depth",
                                             "places",
                                             "messages",
                                             "comments",
                                             "posts_word_count",
                                             "posts_tag_names",
                                             "posts_age_at",
                                             "posts_excerpt",
                                             "posts_is_popular",
                                             "posts_tags",
                                             "posts",
                                             "publish_post",
                                             "search_posts",
                                             "posts_published_between",
                                             "events",
                                             "users_initials",
                                             "users_full_name",
                                             "users_post_count",
                                             "users_latest_post",
                                             "users",
                                             "current_user",
                                             "lookup_user",
                                             "leaderboard",
                                             "users_followers"};
  std::vector<std::string> actual;
  for (const graphql::build::RegistryEntry& e : graphql::build::registry_order(*catalog_)) {
    const catalog::SmartTags& tags = e.cls ? e.cls->tags : e.function->tags;
    std::string name = tags.value("name");
    if (name.empty()) name = e.cls ? e.cls->name : e.function->name;
    actual.push_back(name);
  }
  EXPECT_EQ(actual, expected);
}

TEST_F(SchemaBuilderTest, EveryTypeReachableFromQueryMatchesPostGraphile) {
  // Every type PostGraphile prints before Mutation, each compared alone
  // (so a failure names the type).
  std::string part = golden_query_part();
  size_t checked = 0;
  for (const auto& [name, text] : *golden_) {
    if (part.find(text) == std::string::npos) continue;
    expect_same(name);
    ++checked;
  }
  EXPECT_GE(checked, 85u);
}

TEST_F(SchemaBuilderTest, SchemaReachableFromQueryPrintsByteIdentical) {
  // Types in discovery order, fields and arguments in PostGraphile's order,
  // descriptions and wrapping: the printed text up to Mutation.
  std::string ours = graphql::schema::print_schema(built_->schema);
  std::string theirs = golden_query_part();
  size_t mutation = ours.find("\n\n\"\"\"\nThe root mutation type");
  if (mutation != std::string::npos) ours = ours.substr(0, mutation);
  EXPECT_EQ(ours, theirs);
}

TEST_F(SchemaBuilderTest, PlanCoversEveryRowTypeFieldOrderByValueConditionAndConnection) {
  // The SQL compiler maps GraphQL back to the catalog only through the plan:
  // every field of Query and of every row type, every OrderBy value, every
  // Condition field and every Connection type must have an entry.
  using graphql::schema::NamedType;
  size_t row_types = 0;
  for (const NamedType* t : built_->schema.types_in_order()) {
    SCOPED_TRACE(t->name);
    auto ends_with = [&](std::string_view suffix) {
      return t->name.size() > suffix.size() &&
             t->name.compare(t->name.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (t->kind == NamedType::Kind::kObject && !ends_with("Connection") && !ends_with("Edge") &&
        t->name != "PageInfo" && t->name != "Interval") {
      auto plan = built_->objects.find(t->name);
      ASSERT_NE(plan, built_->objects.end());
      for (const auto& f : t->fields) EXPECT_EQ(plan->second.fields.count(f.name), 1u) << f.name;
      ++row_types;
    }
    if (t->kind == NamedType::Kind::kObject && ends_with("Connection")) {
      EXPECT_EQ(built_->connections.count(t->name), 1u);
    }
    if (t->kind == NamedType::Kind::kEnum && ends_with("OrderBy")) {
      auto plan = built_->order_by.find(t->name);
      ASSERT_NE(plan, built_->order_by.end());
      for (const auto& v : t->values) EXPECT_EQ(plan->second.count(v.name), 1u) << v.name;
    }
    if (t->kind == NamedType::Kind::kInputObject && ends_with("Condition")) {
      auto plan = built_->conditions.find(t->name);
      ASSERT_NE(plan, built_->conditions.end());
      for (const auto& f : t->input_fields) EXPECT_EQ(plan->second.count(f.name), 1u) << f.name;
    }
  }
  // 12 tables and views, Address, PostSummary, 2 records, Query.
  EXPECT_EQ(row_types, 17u);
}

TEST_F(SchemaBuilderTest, PlanMapsFieldsBackToTheCatalog) {
  using Kind = graphql::build::FieldPlan::Kind;
  const auto& tables = built_->tables;
  auto table = [&](const char* type) { return built_->table_of_type(type); };
  auto field = [&](const char* type, const char* name) -> const graphql::build::FieldPlan& {
    return built_->objects.at(type).fields.at(name);
  };
  const catalog::Class& users = *tables[size_t(table("User"))].cls;
  const catalog::Class& posts = *tables[size_t(table("Post"))].cls;

  // Lookups: key columns in argument order.
  const auto& by_sender = field("Query", "messageBySenderIdAndClientRef");
  EXPECT_EQ(by_sender.kind, Kind::kLookup);
  EXPECT_EQ(by_sender.table, table("Message"));
  ASSERT_EQ(by_sender.args.size(), 2u);
  EXPECT_EQ(by_sender.args[0].name, "senderId");
  EXPECT_EQ(by_sender.args[1].name, "clientRef");
  EXPECT_EQ(by_sender.local_columns, (std::vector<int16_t>{2, 4}));
  EXPECT_EQ(by_sender.args[1].column, 4);
  EXPECT_EQ(field("Query", "postStatBySlug").constraint->name, "@unique");  // smart tag

  // Relations: attnums on this row's table and on the target.
  const auto& author = field("Post", "userByAuthorId");
  EXPECT_EQ(author.kind, Kind::kForwardRelation);
  EXPECT_EQ(author.table, table("User"));
  EXPECT_EQ(author.local_columns, (std::vector<int16_t>{posts.column("author_id")->num}));
  EXPECT_EQ(author.remote_columns, (std::vector<int16_t>{users.column("id")->num}));
  const auto& posts_of = field("User", "postsByAuthorId");
  EXPECT_EQ(posts_of.kind, Kind::kBackwardConnection);
  EXPECT_EQ(posts_of.table, table("Post"));
  EXPECT_EQ(posts_of.local_columns, (std::vector<int16_t>{users.column("id")->num}));
  EXPECT_EQ(posts_of.remote_columns, (std::vector<int16_t>{posts.column("author_id")->num}));
  EXPECT_EQ(posts_of.connection_type, "PostConnection");
  EXPECT_EQ(field("Post", "postStatByPostId").kind, Kind::kBackwardSingle);  // @foreignKey view

  // Computed columns: the row is argument 0, GraphQL arguments start at 1.
  const auto& popular = field("Post", "isPopular");
  EXPECT_EQ(popular.kind, Kind::kComputed);
  EXPECT_EQ(popular.function->name, "posts_is_popular");
  ASSERT_EQ(popular.args.size(), 2u);
  EXPECT_EQ(popular.args[0].name, "threshold");
  EXPECT_EQ(popular.args[0].position, 1);
  EXPECT_EQ(popular.args[0].pg_type, 20u);
  EXPECT_EQ(popular.args[1].position, 2);
  const auto& tags_of = field("Post", "tags");
  EXPECT_EQ(tags_of.kind, Kind::kComputedConnection);
  EXPECT_EQ(tags_of.table, table("Tag"));
  EXPECT_EQ(field("User", "latestPost").table, table("Post"));

  // Custom queries and their connections.
  const auto& add = field("Query", "addNumbers");
  EXPECT_EQ(add.kind, Kind::kCustomQuery);
  EXPECT_EQ(add.args[0].position, 0);
  const auto& popular_tags = field("Query", "popularTags");
  EXPECT_EQ(popular_tags.kind, Kind::kCustomQueryConnection);
  const auto& record_conn = built_->connections.at(popular_tags.connection_type);
  EXPECT_TRUE(record_conn.natural_cursor);
  EXPECT_EQ(record_conn.node_type, "PopularTagsRecord");
  EXPECT_EQ(built_->objects.at("PopularTagsRecord").record_function->name, "popular_tags");
  EXPECT_EQ(field("Query", "leaderboard").function->name, "top_authors");  // @name
  EXPECT_EQ(field("Query", "allPostStats").kind, Kind::kAllRows);
  EXPECT_EQ(field("Query", "post").kind, Kind::kTypedFetcher);

  // OrderBy and Condition entries of a computed column.
  const auto& full_name = built_->order_by.at("UserOrderBy").at("FULL_NAME_DESC");
  EXPECT_EQ(full_name.kind, graphql::build::OrderByPlan::Kind::kComputed);
  EXPECT_TRUE(full_name.descending);
  EXPECT_EQ(full_name.function->name, "users_full_name");
  EXPECT_EQ(built_->conditions.at("UserCondition").at("fullName").function->name,
            "users_full_name");
  EXPECT_EQ(built_->conditions.at("UserCondition").at("karma").column, users.column("karma")->num);
}
