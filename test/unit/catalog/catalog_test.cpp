#include <gtest/gtest.h>

#include "core/catalog/catalog.hpp"
#include "core/catalog/smart_tags.hpp"

using pg_gateway::catalog::Catalog;
using pg_gateway::catalog::Class;
using pg_gateway::catalog::Constraint;
using pg_gateway::catalog::from_reflection_json;
using pg_gateway::catalog::parse_smart_comment;
using pg_gateway::catalog::ReflectionError;
using pg_gateway::catalog::Type;

TEST(SmartTags, TagsThenDescription) {
  auto st = parse_smart_comment(
      "@name user_follow\n@behavior -insert\n@behavior +orderBy\nWho follows whom.\nSecond line.");
  EXPECT_EQ(st.value("name"), "user_follow");
  EXPECT_EQ(st.values("behavior"), (std::vector<std::string>{"-insert", "+orderBy"}));
  EXPECT_EQ(st.description, "Who follows whom.\nSecond line.");
  EXPECT_FALSE(st.has("omit"));
}

TEST(SmartTags, ValuelessTagsAndPlainComments) {
  auto st = parse_smart_comment("@deprecated\n@primaryKey id\n");
  EXPECT_TRUE(st.has("deprecated"));
  EXPECT_EQ(st.value("deprecated"), "");
  EXPECT_EQ(st.value("primaryKey"), "id");
  EXPECT_EQ(st.description, "");
  auto plain = parse_smart_comment("Just a description with an @ sign.");
  EXPECT_TRUE(plain.tags.empty());
  EXPECT_EQ(plain.description, "Just a description with an @ sign.");
  // "@" not followed by a tag name ends the tag lines.
  auto odd = parse_smart_comment("@name x\n@ not a tag\n@foreignKey (a) references b");
  EXPECT_EQ(odd.tags.size(), 1u);
  EXPECT_EQ(odd.description, "@ not a tag\n@foreignKey (a) references b");
  auto crlf = parse_smart_comment("@name x\r\nText\r\n");
  EXPECT_EQ(crlf.value("name"), "x");
  EXPECT_EQ(crlf.description, "Text");
  EXPECT_TRUE(parse_smart_comment("").tags.empty());
}

TEST(Catalog, ParsesTheReflectionSnapshot) {
  // The shape gateway.reflect() returns (oids as numbers or strings).
  const char* snapshot = R"({
    "server_version_num": 150020,
    "classes": [
      {"oid": "16426", "schema": "app", "name": "posts", "kind": "r", "type": "16428",
       "comment": "@name article\nBlog posts.",
       "columns": [
         {"num": 1, "name": "id", "type": 20, "typmod": -1, "not_null": true, "has_default": true,
          "identity": "a", "generated": "", "comment": null},
         {"num": 2, "name": "author_id", "type": 23, "typmod": -1, "not_null": true,
          "has_default": false, "identity": "", "generated": "", "comment": "@name writerId"},
         {"num": 3, "name": "slug_lower", "type": 25, "typmod": -1, "not_null": false,
          "has_default": true, "identity": "", "generated": "s", "comment": null}],
       "constraints": [
         {"name": "posts_author_id_fkey", "type": "f", "keys": [2], "foreign_class": "16415",
          "foreign_keys": [1], "comment": null},
         {"name": "posts_pkey", "type": "p", "keys": [1], "foreign_class": null,
          "foreign_keys": null, "comment": null}],
       "indexes": [{"keys": [1], "unique": true, "primary": true, "partial": false},
                   {"keys": [2, 0], "unique": false, "primary": false, "partial": true}]}],
    "types": [
      {"oid": 16407, "schema": "app", "name": "status", "type": "e", "category": "E",
       "element": null, "array": 16406, "base": null, "class": null, "not_null": false,
       "comment": null, "enum_labels": ["draft", "published"], "attributes": null},
      {"oid": 16409, "schema": "app", "name": "email", "type": "d", "category": "S",
       "element": null, "array": 16408, "base": 25, "class": null, "not_null": true,
       "comment": "An e-mail address", "enum_labels": null, "attributes": null},
      {"oid": 16428, "schema": "app", "name": "posts", "type": "c", "category": "C",
       "element": null, "array": 16427, "base": null, "class": 16426, "not_null": false,
       "comment": null, "enum_labels": null, "attributes": null}],
    "procs": [
      {"oid": "16439", "schema": "app", "name": "posts_excerpt",
       "arg_types": ["16428", "23"], "arg_modes": null, "arg_names": ["p", "max_length"],
       "arg_count": 2, "default_count": 1, "return_type": "25", "returns_set": false,
       "volatility": "s", "strict": true, "security_definer": false, "comment": null}]
  })";
  Catalog cat = from_reflection_json(snapshot);
  EXPECT_EQ(cat.server_version_num, 150020);
  ASSERT_EQ(cat.classes.size(), 1u);
  const Class& posts = cat.classes[0];
  EXPECT_EQ(posts.kind, Class::Kind::kTable);
  EXPECT_EQ(posts.tags.value("name"), "article");
  EXPECT_EQ(posts.tags.description, "Blog posts.");
  ASSERT_EQ(posts.columns.size(), 3u);
  EXPECT_EQ(posts.column(2)->tags.value("name"), "writerId");
  EXPECT_TRUE(posts.column("slug_lower")->generated);
  EXPECT_FALSE(posts.column("id")->generated);
  ASSERT_NE(posts.primary_key(), nullptr);
  EXPECT_EQ(posts.primary_key()->keys, std::vector<int16_t>{1});
  EXPECT_EQ(posts.constraints[0].kind, Constraint::Kind::kForeignKey);
  EXPECT_EQ(posts.constraints[0].foreign_class, 16415u);
  EXPECT_TRUE(posts.indexes[1].partial);
  EXPECT_EQ(cat.class_of_row_type(16428), &posts);
  EXPECT_EQ(cat.find_class(16426), &posts);
  const Type* status = cat.find_type(16407);
  ASSERT_NE(status, nullptr);
  EXPECT_EQ(status->kind, Type::Kind::kEnum);
  EXPECT_EQ(status->enum_labels, (std::vector<std::string>{"draft", "published"}));
  EXPECT_EQ(cat.find_type(16409)->base, 25u);
  EXPECT_TRUE(cat.find_type(16409)->not_null);
  ASSERT_EQ(cat.functions.size(), 1u);
  EXPECT_EQ(cat.functions[0].arguments.size(), 2u);
  EXPECT_EQ(cat.functions[0].arguments[1].name, "max_length");
  EXPECT_EQ(cat.functions[0].default_count, 1);
  EXPECT_FALSE(cat.functions[0].is_mutation());
  EXPECT_EQ(cat.find_type(1), nullptr);
}

TEST(Catalog, RejectsMalformedSnapshots) {
  EXPECT_THROW(from_reflection_json("not json"), ReflectionError);
  EXPECT_THROW(from_reflection_json("[]"), ReflectionError);
  EXPECT_THROW(from_reflection_json(R"({"classes": [{"name": "x"}]})"), ReflectionError);
  EXPECT_THROW(from_reflection_json(R"({"classes": {}})"), ReflectionError);
  EXPECT_THROW(from_reflection_json(R"({"types": [{"oid": "12x"}]})"), ReflectionError);
  Catalog empty = from_reflection_json("{}");
  EXPECT_TRUE(empty.classes.empty());
  EXPECT_FALSE(empty.has_cache_facts);  // an older gateway.reflect: cache nothing
  EXPECT_TRUE(from_reflection_json(R"({"schemas": []})").has_cache_facts);
}

// The cache's facts: all optional, with defaults for older snapshots.
TEST(Catalog, ParsesCacheFactsAndSchemas) {
  Catalog cat = from_reflection_json(R"({
    "schemas": [{"name": "app", "comment": "@pgCacheControl maxAge=60\nThe app."},
                {"name": "other", "comment": null}],
    "classes": [
      {"oid": 10, "schema": "app", "name": "v", "kind": "v", "row_security": true,
       "reads": [11, "12"], "opaque_reads": true},
      {"oid": 11, "schema": "app", "name": "t"}
    ]})");
  ASSERT_EQ(cat.classes.size(), 2u);
  EXPECT_TRUE(cat.classes[0].row_security);
  EXPECT_EQ(cat.classes[0].reads, (std::vector<pg_gateway::catalog::Oid>{11, 12}));
  EXPECT_TRUE(cat.classes[0].opaque_reads);
  EXPECT_FALSE(cat.classes[1].row_security);
  EXPECT_TRUE(cat.classes[1].reads.empty());
  EXPECT_FALSE(cat.classes[1].opaque_reads);
  ASSERT_EQ(cat.schemas.size(), 2u);
  ASSERT_NE(cat.find_schema("app"), nullptr);
  EXPECT_EQ(cat.find_schema("app")->tags.value("pgCacheControl"), "maxAge=60");
  EXPECT_EQ(cat.find_schema("app")->tags.description, "The app.");
  EXPECT_NE(cat.find_schema("other"), nullptr);
  EXPECT_EQ(cat.find_schema("public"), nullptr);
  EXPECT_TRUE(from_reflection_json(R"({"classes": []})").schemas.empty());
  EXPECT_THROW(from_reflection_json(R"({"classes": [{"oid": 1, "reads": "x"}]})"), ReflectionError);
  EXPECT_THROW(from_reflection_json(R"({"classes": [{"oid": 1, "reads": ["x"]}]})"),
               ReflectionError);
}
