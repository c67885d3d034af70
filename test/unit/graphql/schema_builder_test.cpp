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
#include "core/catalog/privileges.hpp"
#include "core/graphql/type_system.hpp"
#include "core/naming/inflection.hpp"

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
    // The fixture holds the privileges of app_authenticator, the role
    // PostGraphile connects as (snapshot_catalog.py).
    EXPECT_EQ(catalog_->current_user, "app_authenticator");
    // graphile.config.mjs names app.jwt_token as PostGraphile's JWT type.
    graphql::build::BuildOptions options;
    options.jwt_type = "app.jwt_token";
    built_ = new graphql::build::BuiltSchema(graphql::build::build_schema(*catalog_, options));
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
  // PostGraphile 5.1.5's resource registration order for the compat schema:
  // the key order of pgRegistry.pgResources after graphile-build's gather()
  // on it (insertion order is registration order). Names are resource names
  // (@name applied); the codec-only resource frmcdc_address is not one.
  const std::vector<std::string> expected = {"purge_all_comments",
                                             "all_tag_names",
                                             "average_rating",
                                             "average_reading_time",
                                             "total_view_count",
                                             "latest_comment_at",
                                             "site_settings",
                                             "add_numbers",
                                             "bump_view_count",
                                             "popular_tags",
                                             "status_counts",
                                             "internal_jobs",
                                             "user_follows",
                                             "post_tags",
                                             "authenticate",
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
                                             "archive_posts_by",
                                             "publish_post",
                                             "search_posts",
                                             "posts_published_between",
                                             "events",
                                             "users_initials",
                                             "users_post_count",
                                             "users_full_name",
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
    // Mutation and its payloads have no plans yet (mutations are issue 5).
    if (t->kind == NamedType::Kind::kObject && !ends_with("Connection") && !ends_with("Edge") &&
        !ends_with("Payload") && t->name != "Mutation" && t->name != "PageInfo" &&
        t->name != "Interval") {
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

TEST_F(SchemaBuilderTest, WholeSchemaPrintsByteIdenticalToPostGraphile) {
  // The whole of expected/schema.graphql: Query, Mutation (RBAC-filtered)
  // and every type they reach, in PostGraphile's order and format.
  EXPECT_EQ(graphql::schema::print_schema(built_->schema) + "\n",
            read_file("test/graphql_compat/expected/schema.graphql"));
}

TEST_F(SchemaBuilderTest, EveryPostGraphileTypeMatches) {
  for (const auto& [name, text] : *golden_) expect_same(name);
  EXPECT_EQ(golden_->size(), built_->schema.types_in_order().size());
}

TEST_F(SchemaBuilderTest, WithoutPrivilegesEverythingIsGranted) {
  // A snapshot without privileges (reflect(schemas, NULL), or one taken
  // by an extension older than 0.3.0) offers every mutation the tables and
  // functions allow.
  catalog::Catalog raw =
      catalog::from_reflection_json(read_file("test/unit/fixtures/compat_catalog.json"));
  ASSERT_TRUE(raw.has_privileges());
  raw.current_user.clear();
  raw.roles.clear();
  graphql::build::BuiltSchema open = graphql::build::build_schema(raw);
  const graphql::schema::NamedType* mutation = open.schema.find("Mutation");
  ASSERT_NE(mutation, nullptr);
  EXPECT_NE(mutation->field("createUser"), nullptr);
  EXPECT_NE(mutation->field("purgeAllComments"), nullptr);
  EXPECT_EQ(mutation->field("deleteTag"), nullptr);  // @behavior -delete still applies
  // With the compat privileges: no INSERT on users, no EXECUTE on purge.
  const graphql::schema::NamedType* granted = built_->schema.find("Mutation");
  ASSERT_NE(granted, nullptr);
  EXPECT_EQ(granted->field("createUser"), nullptr);
  EXPECT_EQ(granted->field("purgeAllComments"), nullptr);
  EXPECT_NE(granted->field("updateUserByUsername"), nullptr);  // column-level UPDATE
}

TEST(Privileges, FollowPostgresAclsWithNoinheritMembershipsLikePostGraphile) {
  catalog::Catalog cat;
  catalog::Class t;
  t.owner = "owner";
  catalog::Column c;
  t.columns.push_back(c);
  catalog::Function f;
  f.owner = "owner";
  // No privileges in the snapshot: everything is granted.
  EXPECT_TRUE(catalog::class_privileges(cat, t).del);
  EXPECT_TRUE(catalog::function_privileges(cat, f).execute);

  cat.current_user = "login";
  cat.roles = {{"login", false, {"web"}}, {"web", false, {"base"}}, {"base", false, {}}};
  // NULL relacl: only the owner; NULL proacl: PUBLIC may execute.
  EXPECT_FALSE(catalog::class_privileges(cat, t).select);
  EXPECT_TRUE(catalog::function_privileges(cat, f).execute);
  f.acl = std::vector<std::string>{"owner=X/owner"};
  EXPECT_FALSE(catalog::function_privileges(cat, f).execute);
  // Grants reach through memberships (NOINHERIT ones too) and PUBLIC.
  t.acl = std::vector<std::string>{"owner=arwdDxt/owner", "base=a/owner", "=r/owner"};
  catalog::Privileges p = catalog::class_privileges(cat, t);
  EXPECT_TRUE(p.insert);
  EXPECT_TRUE(p.select);
  EXPECT_FALSE(p.update);
  EXPECT_FALSE(p.del);
  // Column ACLs are the column's own.
  t.columns[0].acl = std::vector<std::string>{"web=w/owner"};
  EXPECT_TRUE(catalog::column_privileges(cat, t, t.columns[0]).update);
  EXPECT_FALSE(catalog::column_privileges(cat, t, t.columns[0]).insert);
  // The owner has everything unless the ACL names it; superusers always.
  t.owner = "login";
  t.acl = std::nullopt;
  EXPECT_TRUE(catalog::class_privileges(cat, t).del);
  t.acl = std::vector<std::string>{"login=r/login"};
  EXPECT_FALSE(catalog::class_privileges(cat, t).del);
  cat.roles[2].superuser = true;
  EXPECT_TRUE(catalog::class_privileges(cat, t).del);
  // Quoted grantees.
  cat.roles[2].superuser = false;
  cat.roles.push_back({"we\"ird", false, {}});
  cat.roles[0].member_of.push_back("we\"ird");
  t.acl = std::vector<std::string>{"\"we\"\"ird\"=d/owner"};
  EXPECT_TRUE(catalog::class_privileges(cat, t).del);
}

TEST(Catalog, ReadsPrivilegesFromTheSnapshotWhenPresent) {
  catalog::Catalog cat = catalog::from_reflection_json(R"({
    "current_user": "app", "roles": [{"name": "app", "superuser": false, "member_of": ["web"]}],
    "classes": [{"oid": 1, "schema": "s", "name": "t", "kind": "r", "owner": "o",
                 "acl": ["web=r/o"], "updatable_mask": 28,
                 "columns": [{"num": 1, "name": "a", "type": 23, "identity": "a",
                              "acl": ["web=w/o"]}]}],
    "procs": [{"oid": 2, "schema": "s", "name": "f", "return_type": 23, "owner": "o",
               "acl": null}]})");
  ASSERT_TRUE(cat.has_privileges());
  EXPECT_EQ(cat.roles[0].member_of, (std::vector<std::string>{"web"}));
  EXPECT_EQ(cat.classes[0].owner, "o");
  EXPECT_EQ(cat.classes[0].updatable_mask, 28);
  EXPECT_EQ(*cat.classes[0].acl, (std::vector<std::string>{"web=r/o"}));
  EXPECT_EQ(cat.classes[0].columns[0].identity, 'a');
  EXPECT_TRUE(catalog::column_privileges(cat, cat.classes[0], cat.classes[0].columns[0]).update);
  EXPECT_FALSE(cat.functions[0].acl.has_value());
  EXPECT_TRUE(catalog::function_privileges(cat, cat.functions[0]).execute);
}

TEST(Naming, PluralAndSingularAreThePluralizePackages) {
  // Outputs of pluralize 8 (node), quirks included: golf -> golves -> golve.
  const std::vector<std::vector<std::string>> cases = {
      {"golf", "golves", "golve"},
      {"whiskey", "whiskies", "whiskey"},
      {"post_person", "post_people", "post_person"},
      {"Chinese", "Chinese", "Chinese"},
      {"thou", "you", "you"},
      {"criterion", "criteria", "criterion"},
      {"USER_MOUSE", "USER_MICE", "USER_MOUSE"},
      {"bus", "buses", "bus"},
      {"Status", "Statuses", "Status"},
      {"wife", "wives", "wife"},
      {"caf\xc3\xa9s", "caf\xc3\xa9s", "caf\xc3\xa9"}};
  for (const auto& c : cases) {
    EXPECT_EQ(naming::pluralize(c[0]), c[1]) << c[0];
    EXPECT_EQ(naming::singularize(c[1]), c[2]) << c[1];
  }
}
