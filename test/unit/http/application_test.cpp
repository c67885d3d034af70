#include "core/http/application.hpp"

#include <gtest/gtest.h>

#include "test/unit/test_support.hpp"

#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/http/cors.hpp"
#include "core/http/message.hpp"

using pg_gateway::http::Application;
using pg_gateway::http::CorsPolicy;
using pg_gateway::http::DynamicRoutes;
using pg_gateway::http::HttpError;
using pg_gateway::http::LogLevel;
using pg_gateway::http::Method;
using pg_gateway::http::MethodSet;
using pg_gateway::http::Request;
using pg_gateway::http::Response;
using pg_gateway::http::Route;

using pg_gateway::test::is_uuid_v4;

namespace {

Request make_request(std::string method, std::string path,
                     std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r;
  r.method_text = method;
  r.method = pg_gateway::http::parse_method(method);
  r.target = path;
  r.path = path;
  for (auto& [n, v] : headers) r.headers.push_back({n, v});  // names already lower-case
  return r;
}

std::string header_or(const Response& r, std::string_view name, std::string fallback = "<absent>") {
  const std::string* v = r.find_header(name);
  return v ? *v : fallback;
}

struct LogEntry {
  LogLevel level;
  std::string message;
};

class ApplicationTest : public ::testing::Test {
 protected:
  ApplicationTest()
      : app_(
            {
                Route{"/items", MethodSet{Method::kGet, Method::kPost},
                      [this](Request& r) {
                        ++item_calls_;
                        return Response(200, "text/plain", "items " + r.method_text);
                      }},
                Route{"/post-only", MethodSet{Method::kPost},
                      [](Request&) { return Response(201, "text/plain", "created"); }},
                Route{"/teapot", MethodSet{Method::kGet},
                      [](Request&) -> Response {
                        throw HttpError(418, "PGGW418", "I am a teapot", "short and stout",
                                        "tip me over");
                      }},
                Route{"/teapot-bare", MethodSet{Method::kGet},
                      [](Request&) -> Response { throw HttpError(418, "X1", "bare"); }},
                Route{"/boom", MethodSet{Method::kGet},
                      [](Request&) -> Response { throw std::runtime_error("secret detail"); }},
                Route{"/vary", MethodSet{Method::kGet},
                      [](Request&) {
                        Response r(200, "text/plain", "v");
                        r.set_header("Vary", "Accept");
                        return r;
                      }},
            },
            {}, [this](LogLevel l, const std::string& m) {
              log_.push_back({l, m});
            }) {}

  Application app_;
  int item_calls_ = 0;
  std::vector<LogEntry> log_;
};

// ---------------------------------------------------------------------------
// Routing and methods

TEST_F(ApplicationTest, RouteIsInvoked) {
  Request req = make_request("GET", "/items");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "items GET");
  EXPECT_EQ(item_calls_, 1);
}

TEST_F(ApplicationTest, UnknownPathIs404) {
  Request req = make_request("GET", "/nope");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(header_or(r, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(r.body,
            R"({"code":"PGGW404","message":"no route for /nope","detail":null,"hint":null})");
  EXPECT_TRUE(r.find_header("X-Request-Id"));
  EXPECT_TRUE(log_.empty());
}

TEST_F(ApplicationTest, PathMatchIsExact) {
  for (const char* p : {"/items/", "/Items", "/items/1", "/item"}) {
    Request req = make_request("GET", p);
    EXPECT_EQ(app_.handle(req).status, 404) << p;
  }
  EXPECT_EQ(item_calls_, 0);
}

TEST_F(ApplicationTest, MethodNotAllowedHasAllow) {
  Request req = make_request("PUT", "/items");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header_or(r, "Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_NE(r.body.find("\"code\":\"PGGW405\""), std::string::npos) << r.body;
  EXPECT_EQ(item_calls_, 0);

  Request del = make_request("DELETE", "/post-only");
  Response r2 = app_.handle(del);
  EXPECT_EQ(r2.status, 405);
  EXPECT_EQ(header_or(r2, "Allow"), "POST, OPTIONS");  // no GET, so no HEAD
}

TEST_F(ApplicationTest, HeadImpliedByGet) {
  Request head = make_request("HEAD", "/items");
  Response r = app_.handle(head);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(item_calls_, 1);  // the GET handler serves HEAD; the server drops the body

  Request head2 = make_request("HEAD", "/post-only");
  EXPECT_EQ(app_.handle(head2).status, 405);
}

TEST_F(ApplicationTest, OptionsWithoutPreflightGives204AndAllow) {
  Request req = make_request("OPTIONS", "/items");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header_or(r, "Allow"), "GET, HEAD, POST, OPTIONS");
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(item_calls_, 0);
  // An Origin alone is not a preflight.
  Request with_origin = make_request("OPTIONS", "/items", {{"origin", "https://x.example"}});
  EXPECT_EQ(app_.handle(with_origin).status, 204);
}

TEST_F(ApplicationTest, OptionsAsteriskListsEverything) {
  Request req = make_request("OPTIONS", "*");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header_or(r, "Allow"), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
}

TEST_F(ApplicationTest, OptionsOnUnknownPathIs404) {
  Request req = make_request("OPTIONS", "/nope");
  EXPECT_EQ(app_.handle(req).status, 404);
}

TEST_F(ApplicationTest, UnknownMethodIs501) {
  for (const char* m : {"PROPFIND", "get", "BREW"}) {
    Request req = make_request(m, "/items");
    Response r = app_.handle(req);
    EXPECT_EQ(r.status, 501) << m;
    EXPECT_EQ(header_or(r, "Allow"), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
    EXPECT_NE(r.body.find(std::string("method ") + m + " is not implemented"), std::string::npos)
        << r.body;
  }
  EXPECT_EQ(item_calls_, 0);
}

// ---------------------------------------------------------------------------
// Errors

TEST_F(ApplicationTest, HttpErrorMapsToItsStatusAndJsonBody) {
  Request req = make_request("GET", "/teapot");
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 418);
  EXPECT_EQ(header_or(r, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(
      r.body,
      R"({"code":"PGGW418","message":"I am a teapot","detail":"short and stout","hint":"tip me over"})");
  EXPECT_TRUE(r.find_header("X-Request-Id"));
  EXPECT_TRUE(log_.empty());  // an HttpError is an answer, not a failure to log

  Request bare = make_request("GET", "/teapot-bare");
  Response r2 = app_.handle(bare);
  EXPECT_EQ(r2.status, 418);
  EXPECT_EQ(r2.body, R"({"code":"X1","message":"bare","detail":null,"hint":null})");
}

TEST_F(ApplicationTest, OtherExceptionIs500AndLogged) {
  Request req = make_request("GET", "/boom", {{"x-request-id", "trace-42"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(header_or(r, "X-Request-Id"), "trace-42");
  EXPECT_NE(r.body.find("\"code\":\"PGGW500\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("\"message\":\"internal error\""), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("trace-42"), std::string::npos) << r.body;  // hint names the request id
  // The exception text goes to the log, not to the client.
  EXPECT_EQ(r.body.find("secret detail"), std::string::npos) << r.body;
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_EQ(log_[0].level, LogLevel::kWarning);
  EXPECT_NE(log_[0].message.find("secret detail"), std::string::npos) << log_[0].message;
  EXPECT_NE(log_[0].message.find("trace-42"), std::string::npos) << log_[0].message;
  EXPECT_NE(log_[0].message.find("GET /boom"), std::string::npos) << log_[0].message;
}

TEST(ApplicationNoLog, ExceptionWithoutLogSinkStillAnswers500) {
  Application app({Route{"/boom", MethodSet{Method::kGet},
                         [](Request&) -> Response { throw std::bad_alloc(); }}},
                  {}, nullptr);
  Request req = make_request("GET", "/boom");
  EXPECT_EQ(app.handle(req).status, 500);
}

// ---------------------------------------------------------------------------
// Request ids

TEST_F(ApplicationTest, AcceptableRequestIdEchoed) {
  Request req = make_request("GET", "/items", {{"x-request-id", "abc-123_X.y:z"}});
  EXPECT_EQ(header_or(app_.handle(req), "X-Request-Id"), "abc-123_X.y:z");
}

TEST_F(ApplicationTest, MissingOrMalformedRequestIdReplacedWithUuidV4) {
  std::vector<Request> reqs;
  reqs.push_back(make_request("GET", "/items"));
  reqs.push_back(make_request("GET", "/items", {{"x-request-id", "has space"}}));
  reqs.push_back(make_request("GET", "/items", {{"x-request-id", ""}}));
  reqs.push_back(make_request("GET", "/items", {{"x-request-id", std::string(129, 'a')}}));
  reqs.push_back(make_request("GET", "/items", {{"x-request-id", "inject\r\nX-Evil: 1"}}));
  reqs.push_back(make_request("GET", "/nope", {{"x-request-id", "<script>"}}));
  std::vector<std::string> seen;
  for (Request& req : reqs) {
    std::string id = header_or(app_.handle(req), "X-Request-Id");
    EXPECT_TRUE(is_uuid_v4(id)) << id;
    for (const std::string& s : seen) EXPECT_NE(s, id);
    seen.push_back(id);
  }
}

// Routes see the id the response will carry (they hand it to SQL as
// request.id and to the request log).
TEST(ApplicationRequestId, RouteSeesTheIdOfItsResponse) {
  std::string seen;
  Application app({Route{"/id", MethodSet{Method::kGet},
                         [&seen](Request& r) {
                           seen = r.id;
                           return Response(200, "text/plain", "ok");
                         }}},
                  {}, nullptr);
  Request echoed = make_request("GET", "/id", {{"x-request-id", "client-42"}});
  EXPECT_EQ(header_or(app.handle(echoed), "X-Request-Id"), "client-42");
  EXPECT_EQ(seen, "client-42");
  Request generated = make_request("GET", "/id");
  std::string id = header_or(app.handle(generated), "X-Request-Id");
  EXPECT_EQ(seen, id);
  EXPECT_TRUE(is_uuid_v4(id));
}

TEST_F(ApplicationTest, DecorateServerResponseAddsIdOnlyWhenMissing) {
  Response r = pg_gateway::http::json_error(400, "PGGW400", "bad");
  app_.decorate_server_response(r);
  ASSERT_TRUE(r.find_header("X-Request-Id"));
  EXPECT_TRUE(is_uuid_v4(*r.find_header("X-Request-Id")));
  Response keep(503, "", "");
  keep.set_header("X-Request-Id", "given");
  app_.decorate_server_response(keep);
  EXPECT_EQ(header_or(keep, "X-Request-Id"), "given");
}

// ---------------------------------------------------------------------------
// CORS through the application

class ApplicationCorsTest : public ApplicationTest {
 protected:
  void SetUp() override {
    app_.set_cors(CorsPolicy::parse("https://app.example.com, http://localhost:3000"));
  }
};

TEST_F(ApplicationCorsTest, PreflightAllowed) {
  Request req = make_request("OPTIONS", "/items",
                             {{"origin", "https://app.example.com"},
                              {"access-control-request-method", "POST"},
                              {"access-control-request-headers", "content-type, authorization"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Methods"), "GET, HEAD, POST, OPTIONS");
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Headers"), "content-type, authorization");
  EXPECT_EQ(header_or(r, "Access-Control-Max-Age"), "600");
  // Each token once, although both the preflight and the CORS decoration add Origin.
  EXPECT_EQ(header_or(r, "Vary"),
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers");
  EXPECT_TRUE(r.find_header("X-Request-Id"));
  EXPECT_EQ(item_calls_, 0);  // a preflight never reaches the route
}

TEST_F(ApplicationCorsTest, PreflightOriginMatchIsCaseInsensitive) {
  Request req = make_request(
      "OPTIONS", "/items",
      {{"origin", "HTTPS://APP.EXAMPLE.COM"}, {"access-control-request-method", "GET"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Origin"), "HTTPS://APP.EXAMPLE.COM");
}

TEST_F(ApplicationCorsTest, PreflightHeadImpliedByGet) {
  Request req = make_request(
      "OPTIONS", "/items",
      {{"origin", "http://localhost:3000"}, {"access-control-request-method", "HEAD"}});
  EXPECT_EQ(app_.handle(req).status, 204);
}

TEST_F(ApplicationCorsTest, PreflightWeirdRequestHeadersNotEchoed) {
  Request req = make_request("OPTIONS", "/items",
                             {{"origin", "https://app.example.com"},
                              {"access-control-request-method", "GET"},
                              {"access-control-request-headers", "x-a; x-b=\"1\""}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Headers"));
}

TEST_F(ApplicationCorsTest, PreflightFromDisallowedOriginIs403) {
  Request req = make_request(
      "OPTIONS", "/items",
      {{"origin", "https://evil.example.com"}, {"access-control-request-method", "GET"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Methods"));
  EXPECT_NE(header_or(r, "Vary").find("Origin"), std::string::npos);
  EXPECT_NE(r.body.find("\"code\":\"PGGW403\""), std::string::npos) << r.body;
}

TEST_F(ApplicationCorsTest, PreflightForMethodNotAllowedIs405) {
  Request req = make_request(
      "OPTIONS", "/post-only",
      {{"origin", "https://app.example.com"}, {"access-control-request-method", "DELETE"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header_or(r, "Allow"), "POST, OPTIONS");
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Methods"));
}

TEST_F(ApplicationTest, PreflightWithCorsDisabledIs403) {
  Request req = make_request(
      "OPTIONS", "/items",
      {{"origin", "https://app.example.com"}, {"access-control-request-method", "GET"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 403);
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Origin"));
}

TEST_F(ApplicationCorsTest, NormalResponseDecoratedForAllowedOrigin) {
  Request req = make_request("GET", "/items", {{"origin", "https://app.example.com"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(header_or(r, "Access-Control-Expose-Headers"), "X-Request-Id");
  EXPECT_EQ(header_or(r, "Vary"), "Origin");
}

TEST_F(ApplicationCorsTest, ErrorResponsesDecoratedToo) {
  Request req = make_request("GET", "/nope", {{"origin", "https://app.example.com"}});
  Response r = app_.handle(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Origin"), "https://app.example.com");
}

TEST_F(ApplicationCorsTest, DisallowedOrMissingOriginGetsOnlyVary) {
  Request evil = make_request("GET", "/items", {{"origin", "https://evil.example.com"}});
  Response r = app_.handle(evil);
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Credentials"));
  EXPECT_EQ(header_or(r, "Vary"), "Origin");

  Request none = make_request("GET", "/items");
  Response r2 = app_.handle(none);
  EXPECT_FALSE(r2.find_header("Access-Control-Allow-Origin"));
  EXPECT_EQ(header_or(r2, "Vary"), "Origin");  // caches must not reuse it for other origins
}

TEST_F(ApplicationCorsTest, VaryIsAppendedNotReplaced) {
  Request req = make_request("GET", "/vary", {{"origin", "https://app.example.com"}});
  Response r = app_.handle(req);
  EXPECT_EQ(header_or(r, "Vary"), "Accept, Origin");
}

TEST_F(ApplicationTest, NoCorsHeadersWhenDisabled) {
  Request req = make_request("GET", "/items", {{"origin", "https://app.example.com"}});
  Response r = app_.handle(req);
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Origin"));
  EXPECT_FALSE(r.find_header("Vary"));
}

TEST_F(ApplicationTest, WildcardCors) {
  app_.set_cors(CorsPolicy::parse("*"));
  Request req = make_request("GET", "/items", {{"origin", "https://anything.example"}});
  Response r = app_.handle(req);
  EXPECT_EQ(header_or(r, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(r.find_header("Access-Control-Allow-Credentials"));  // never with "*"
  EXPECT_FALSE(r.find_header("Vary"));

  Request pre = make_request(
      "OPTIONS", "/items",
      {{"origin", "https://anything.example"}, {"access-control-request-method", "POST"}});
  Response p = app_.handle(pre);
  EXPECT_EQ(p.status, 204);
  EXPECT_EQ(header_or(p, "Access-Control-Allow-Origin"), "*");
  EXPECT_FALSE(p.find_header("Access-Control-Allow-Credentials"));
}

// ---------------------------------------------------------------------------
// Dynamic routes

class StubDynamic : public DynamicRoutes {
 public:
  std::optional<MethodSet> methods_for(const Request& request) override {
    ++lookups;
    last_path = request.path;
    if (throw_unavailable) throw HttpError(503, "PGGW503", "database unavailable");
    return methods;
  }
  Response invoke(Request& request) override {
    ++invocations;
    return Response(200, "application/json", "{\"dynamic\":\"" + request.path + "\"}");
  }
  std::optional<MethodSet> methods;
  bool throw_unavailable = false;
  int lookups = 0;
  int invocations = 0;
  std::string last_path;
};

TEST(ApplicationDynamic, NulloptIs404) {
  StubDynamic dyn;
  Application app({}, {&dyn}, nullptr);
  Request req = make_request("GET", "/sql/route");
  Response r = app.handle(req);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(dyn.lookups, 1);
  EXPECT_EQ(dyn.last_path, "/sql/route");
  EXPECT_EQ(dyn.invocations, 0);
}

TEST(ApplicationDynamic, MethodSetInvokes) {
  StubDynamic dyn;
  dyn.methods = MethodSet{Method::kGet, Method::kPatch};
  Application app({}, {&dyn}, nullptr);
  Request req = make_request("PATCH", "/sql/route");
  Response r = app.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{\"dynamic\":\"/sql/route\"}");
  EXPECT_EQ(dyn.invocations, 1);
  EXPECT_TRUE(r.find_header("X-Request-Id"));
}

TEST(ApplicationDynamic, MethodOutsideSetIs405WithoutInvoke) {
  StubDynamic dyn;
  dyn.methods = MethodSet{Method::kGet, Method::kPatch};
  Application app({}, {&dyn}, nullptr);
  Request req = make_request("DELETE", "/sql/route");
  Response r = app.handle(req);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(header_or(r, "Allow"), "GET, HEAD, PATCH, OPTIONS");
  EXPECT_EQ(dyn.invocations, 0);

  Request opt = make_request("OPTIONS", "/sql/route");
  Response o = app.handle(opt);
  EXPECT_EQ(o.status, 204);
  EXPECT_EQ(header_or(o, "Allow"), "GET, HEAD, PATCH, OPTIONS");
  EXPECT_EQ(dyn.invocations, 0);
}

TEST(ApplicationDynamic, StaticRoutesWinWithoutLookup) {
  StubDynamic dyn;
  dyn.methods = MethodSet{Method::kGet};
  Application app({Route{"/static", MethodSet{Method::kGet},
                         [](Request&) { return Response(200, "text/plain", "static"); }}},
                  {&dyn}, nullptr);
  Request req = make_request("GET", "/static");
  Response r = app.handle(req);
  EXPECT_EQ(r.body, "static");
  EXPECT_EQ(dyn.lookups, 0);
  EXPECT_EQ(dyn.invocations, 0);
}

TEST(ApplicationDynamic, LookupErrorBecomesItsStatus) {
  StubDynamic dyn;
  dyn.throw_unavailable = true;
  Application app({}, {&dyn}, nullptr);
  Request req = make_request("GET", "/sql/route");
  Response r = app.handle(req);
  EXPECT_EQ(r.status, 503);
  EXPECT_NE(r.body.find("database unavailable"), std::string::npos);
}

// The first dynamic routes that have the path serve it; later ones are not
// asked, and a path none has is 404.
TEST(ApplicationDynamic, FirstDynamicRoutesWithThePathServe) {
  StubDynamic first, second, third;
  second.methods = MethodSet{Method::kPost};
  third.methods = MethodSet{Method::kGet};
  Application app({}, {&first, &second, &third}, nullptr);
  Request req = make_request("POST", "/sql/route");
  Response r = app.handle(req);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(first.lookups, 1);
  EXPECT_EQ(first.invocations, 0);
  EXPECT_EQ(second.invocations, 1);
  EXPECT_EQ(third.lookups, 0);

  // The chosen routes' methods decide 405, even when a later one has GET.
  Request get = make_request("GET", "/sql/route");
  EXPECT_EQ(app.handle(get).status, 405);
  EXPECT_EQ(third.invocations, 0);

  StubDynamic none_a, none_b;
  Application empty({}, {&none_a, &none_b}, nullptr);
  Request miss = make_request("GET", "/nowhere");
  EXPECT_EQ(empty.handle(miss).status, 404);
  EXPECT_EQ(none_a.lookups, 1);
  EXPECT_EQ(none_b.lookups, 1);
}

// ---------------------------------------------------------------------------
// MethodSet and messages

TEST(MethodSet, AllowHeader) {
  EXPECT_EQ(MethodSet{}.allow_header(), "OPTIONS");
  EXPECT_EQ(MethodSet{Method::kGet}.allow_header(), "GET, HEAD, OPTIONS");
  EXPECT_EQ(MethodSet{Method::kHead}.allow_header(), "HEAD, OPTIONS");
  EXPECT_EQ((MethodSet{Method::kDelete, Method::kPut}).allow_header(), "PUT, DELETE, OPTIONS");
  EXPECT_EQ(MethodSet{Method::kOptions}.allow_header(), "OPTIONS");
  MethodSet s;
  EXPECT_TRUE(s.empty());
  s.add(Method::kPost);
  EXPECT_FALSE(s.empty());
  EXPECT_TRUE(s.contains(Method::kPost));
  EXPECT_FALSE(s.contains(Method::kGet));
}

TEST(Message, ResponseHeadersCaseInsensitive) {
  Response r(200, "text/plain", "x");
  r.set_header("X-A", "1");
  r.set_header("x-a", "2");
  ASSERT_EQ(r.headers.size(), 2u);  // Content-Type and X-A
  EXPECT_EQ(header_or(r, "X-A"), "2");
  EXPECT_EQ(header_or(r, "content-type"), "text/plain");
  Response empty(204, "", "");
  EXPECT_TRUE(empty.headers.empty());
}

TEST(Message, ReasonPhrases) {
  EXPECT_EQ(pg_gateway::http::reason_phrase(200), "OK");
  EXPECT_EQ(pg_gateway::http::reason_phrase(413), "Content Too Large");
  EXPECT_EQ(pg_gateway::http::reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(pg_gateway::http::reason_phrase(418), "Client Error");
  EXPECT_EQ(pg_gateway::http::reason_phrase(599), "Server Error");
}

TEST(Message, JsonErrorEscapes) {
  Response r = pg_gateway::http::json_error(400, "C", "say \"hi\"\n", "a\\b");
  EXPECT_EQ(r.body, R"({"code":"C","message":"say \"hi\"\n","detail":"a\\b","hint":null})");
}

}  // namespace
