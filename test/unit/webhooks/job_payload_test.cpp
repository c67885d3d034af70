#include "core/webhooks/job_payload.hpp"

#include <gtest/gtest.h>

#include <string>

namespace pg_gateway::webhooks {
namespace {

std::string payload(std::string_view body, std::string_view type) {
  JobPayload p = job_payload(body, type);
  EXPECT_TRUE(p.ok()) << p.error;
  return p.json;
}

TEST(JobPayload, JsonBodyIsItsValue) {
  EXPECT_EQ(payload(R"({ "id": "evt_1", "n": [1, 2.50] })", "application/json"),
            R"({"id":"evt_1","n":[1,2.50]})");
  EXPECT_EQ(payload("[true]", "Application/JSON; charset=utf-8"), "[true]");
  EXPECT_EQ(payload("\"x\"", "application/cloudevents+json"), "\"x\"");
}

TEST(JobPayload, InvalidJsonIsAnErrorWithItsOffset) {
  JobPayload p = job_payload(R"({"a":)", "application/json");
  EXPECT_FALSE(p.ok());
  EXPECT_NE(p.error.find("not valid JSON"), std::string::npos);
  EXPECT_FALSE(job_payload("", "application/json").ok());
  EXPECT_FALSE(job_payload("{\"a\":\"\xff\"}", "application/json").ok());
}

TEST(JobPayload, FormBecomesObjectWithRepeatedFieldsAsArrays) {
  EXPECT_EQ(
      payload("From=%2B15551234&Body=hi+there&tag=a&tag=b", "application/x-www-form-urlencoded"),
      R"({"From":"+15551234","Body":"hi there","tag":["a","b"]})");
  EXPECT_EQ(payload("", "application/x-www-form-urlencoded"), "{}");
  EXPECT_FALSE(job_payload("a=%zz", "application/x-www-form-urlencoded").ok());
  EXPECT_FALSE(job_payload("a=%ff", "application/x-www-form-urlencoded").ok());
}

TEST(JobPayload, OtherTextIsBodyAndBytesAreBase64) {
  EXPECT_EQ(payload("<xml a=\"1\"/>", "text/xml"), R"({"body":"<xml a=\"1\"/>"})");
  EXPECT_EQ(payload("plain", ""), R"({"body":"plain"})");
  EXPECT_EQ(payload(std::string("a\0b", 3), "text/plain"), R"({"body_base64":"YQBi"})");
  EXPECT_EQ(payload("\xff\xfe", "application/octet-stream"), R"({"body_base64":"//4="})");
}

TEST(JobPayload, MediaType) {
  EXPECT_EQ(media_type(" Application/Json ; charset=UTF-8"), "application/json");
  EXPECT_TRUE(is_json_media_type("application/vnd.api+json"));
  EXPECT_FALSE(is_json_media_type("application/jsonx"));
  EXPECT_FALSE(is_json_media_type("+json"));
}

}  // namespace
}  // namespace pg_gateway::webhooks
