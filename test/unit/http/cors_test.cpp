#include "core/http/cors.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "core/http/message.hpp"

using pg_gateway::http::CorsPolicy;
using pg_gateway::http::Method;
using pg_gateway::http::MethodSet;
using pg_gateway::http::Request;
using pg_gateway::http::Response;

namespace {

Request options_request(std::initializer_list<std::pair<const char*, const char*>> headers,
                        Method m = Method::kOptions) {
  Request r;
  r.method = m;
  r.method_text = std::string(pg_gateway::http::method_name(m));
  r.path = r.target = "/x";
  for (auto& [n, v] : headers) r.headers.push_back({n, v});
  return r;
}

}  // namespace

TEST(CorsPolicyParse, EmptyMeansDisabled) {
  EXPECT_FALSE(CorsPolicy::parse("").enabled());
  EXPECT_FALSE(CorsPolicy::parse(" , ,").enabled());
  EXPECT_FALSE(CorsPolicy().enabled());
}

TEST(CorsPolicyParse, Wildcard) {
  CorsPolicy p = CorsPolicy::parse("*");
  EXPECT_TRUE(p.enabled());
  EXPECT_TRUE(p.allows("https://anything.example"));
  EXPECT_TRUE(p.allows("null"));
}

TEST(CorsPolicyParse, ExactOriginList) {
  CorsPolicy p = CorsPolicy::parse(" https://a.com ,http://b.example:8080,");
  EXPECT_TRUE(p.enabled());
  EXPECT_TRUE(p.allows("https://a.com"));
  EXPECT_TRUE(p.allows("HTTPS://A.COM"));
  EXPECT_TRUE(p.allows("http://b.example:8080"));
  EXPECT_FALSE(p.allows("http://b.example"));
  EXPECT_FALSE(p.allows("http://a.com"));
  EXPECT_FALSE(p.allows("https://a.com:443"));
  EXPECT_FALSE(p.allows("https://a.com.evil.com"));
  EXPECT_FALSE(p.allows("https://sub.a.com"));
  EXPECT_FALSE(p.allows(""));
}

TEST(CorsPolicyParse, RejectsNonOrigins) {
  for (const char* bad :
       {"example.com", "https://a.com/path", "https://a.com/", "://a.com", "https://",
        "https://a b.com", "https://a.com, example.com", "https://a.com\x01"}) {
    EXPECT_THROW(CorsPolicy::parse(bad), std::invalid_argument) << bad;
  }
}

TEST(CorsPreflight, Detection) {
  EXPECT_TRUE(CorsPolicy::is_preflight(
      options_request({{"origin", "https://a.com"}, {"access-control-request-method", "GET"}})));
  EXPECT_FALSE(CorsPolicy::is_preflight(options_request({{"origin", "https://a.com"}})));
  EXPECT_FALSE(
      CorsPolicy::is_preflight(options_request({{"access-control-request-method", "GET"}})));
  EXPECT_FALSE(CorsPolicy::is_preflight(options_request(
      {{"origin", "https://a.com"}, {"access-control-request-method", "GET"}}, Method::kGet)));
}

TEST(CorsPreflight, MaxAgeConfigurable) {
  CorsPolicy p = CorsPolicy::parse("https://a.com");
  p.max_age_seconds = 42;
  Response r = p.preflight(
      options_request({{"origin", "https://a.com"}, {"access-control-request-method", "GET"}}),
      MethodSet{Method::kGet});
  EXPECT_EQ(r.status, 204);
  ASSERT_TRUE(r.find_header("Access-Control-Max-Age"));
  EXPECT_EQ(*r.find_header("Access-Control-Max-Age"), "42");
}

TEST(CorsPreflight, UnknownRequestedMethodIs405) {
  CorsPolicy p = CorsPolicy::parse("https://a.com");
  Response r = p.preflight(
      options_request({{"origin", "https://a.com"}, {"access-control-request-method", "BREW"}}),
      MethodSet{Method::kGet, Method::kPost});
  EXPECT_EQ(r.status, 405);
}

TEST(CorsDecorate, NoOriginNoAllowOrigin) {
  CorsPolicy p = CorsPolicy::parse("https://a.com");
  Response resp(200, "text/plain", "x");
  p.decorate(options_request({}, Method::kGet), resp);
  EXPECT_FALSE(resp.find_header("Access-Control-Allow-Origin"));
  ASSERT_TRUE(resp.find_header("Vary"));
  EXPECT_EQ(*resp.find_header("Vary"), "Origin");
}
