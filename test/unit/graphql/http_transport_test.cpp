#include "core/graphql/http_transport.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/json/json_value.hpp"

namespace transport = pg_gateway::graphql::transport;
using pg_gateway::graphql::OperationType;
using pg_gateway::http::Method;
using pg_gateway::http::Request;
using pg_gateway::http::Response;
using transport::Incoming;
using transport::ResponseFormat;

namespace {

constexpr ResponseFormat kGr = ResponseFormat::kGraphQLResponseJson;
constexpr ResponseFormat kJs = ResponseFormat::kJson;
constexpr const char* kParsingFailed =
    "Parsing failed, please check that the data you're sending to the server is correct";

std::optional<ResponseFormat> negotiate(const char* accept) {
  if (!accept) return transport::negotiate(nullptr);
  std::string a = accept;
  return transport::negotiate(&a);
}

Request make(std::string method, std::string query, std::string body = {},
             std::vector<std::pair<std::string, std::string>> headers = {}) {
  Request r;
  r.method_text = method;
  r.method = pg_gateway::http::parse_method(method);
  r.path = "/graphql";
  r.query = std::move(query);
  r.target = r.path + (r.query.empty() ? "" : "?" + r.query);
  r.body = std::move(body);
  for (auto& [n, v] : headers) r.headers.push_back({n, v});
  return r;
}

Request post(std::string body, std::string content_type = "application/json",
             std::optional<std::string> accept = std::nullopt) {
  std::vector<std::pair<std::string, std::string>> h;
  if (!content_type.empty()) h.emplace_back("content-type", content_type);
  if (accept) h.emplace_back("accept", *accept);
  return make("POST", "", std::move(body), std::move(h));
}

Request get(std::string query, std::optional<std::string> accept = std::nullopt) {
  std::vector<std::pair<std::string, std::string>> h;
  if (accept) h.emplace_back("accept", *accept);
  return make("GET", std::move(query), {}, std::move(h));
}

// The rejection's single error message (and its statusCode extension).
std::string rejection_message(const Incoming& in) {
  EXPECT_TRUE(in.rejection.has_value());
  if (!in.rejection) return {};
  pg_gateway::json::ParseResult p = pg_gateway::json::parse(in.rejection->body);
  EXPECT_TRUE(p.ok()) << in.rejection->body;
  const auto* errors = p.value->find("errors");
  EXPECT_TRUE(errors && errors->is_array() && errors->items().size() == 1) << in.rejection->body;
  EXPECT_EQ(p.value->find("data"), nullptr);
  return errors->items()[0].find("message")->text();
}

void expect_rejected(const Incoming& in, int status, const std::string& message) {
  ASSERT_TRUE(in.rejection.has_value());
  EXPECT_EQ(in.rejection->status, status);
  EXPECT_EQ(rejection_message(in), message);
  EXPECT_EQ(*in.rejection->find_header("Content-Type"), "application/json; charset=utf-8");
}

}  // namespace

// --- Accept negotiation ---------------------------------------------------

TEST(GraphqlHttpTransportAccept, AbsentOrEmptyMeansGraphqlResponseJson) {
  EXPECT_EQ(negotiate(nullptr), kGr);
  EXPECT_EQ(negotiate(""), kGr);
  EXPECT_EQ(negotiate("  "), kGr);
}

TEST(GraphqlHttpTransportAccept, ExplicitTypes) {
  EXPECT_EQ(negotiate("application/graphql-response+json"), kGr);
  EXPECT_EQ(negotiate("application/json"), kJs);
  EXPECT_EQ(negotiate("Application/JSON"), kJs);
  EXPECT_EQ(negotiate("application/graphql-response+json, application/json"), kGr);
  EXPECT_EQ(negotiate("application/json, application/graphql-response+json"), kGr);
  EXPECT_EQ(negotiate("application/json;charset=utf-8"), kJs);
  EXPECT_EQ(negotiate("application/graphql-response+json; charset=UTF-8"), kGr);
}

TEST(GraphqlHttpTransportAccept, WildcardsPreferLegacyJsonUnlessTheNewTypeIsNamed) {
  EXPECT_EQ(negotiate("*/*"), kJs);
  EXPECT_EQ(negotiate("application/*"), kJs);
  EXPECT_EQ(negotiate("text/html, */*;q=0.8"), kJs);
  EXPECT_EQ(negotiate("application/graphql-response+json, */*"), kGr);
  EXPECT_EQ(negotiate("application/json, */*"), kJs);
}

TEST(GraphqlHttpTransportAccept, QualityValuesDecide) {
  EXPECT_EQ(negotiate("application/graphql-response+json;q=0.5, application/json"), kJs);
  EXPECT_EQ(negotiate("application/graphql-response+json, application/json;q=0.9"), kGr);
  EXPECT_EQ(negotiate("application/json;q=0.2, application/graphql-response+json;q=0.3"), kGr);
  EXPECT_EQ(negotiate("application/json;q=1.000"), kJs);
  // The most specific range decides, even when a wildcard is heavier.
  EXPECT_EQ(negotiate("application/json;q=0, */*"), kGr);
  EXPECT_EQ(negotiate("application/graphql-response+json;q=0, */*"), kJs);
}

TEST(GraphqlHttpTransportAccept, NothingAcceptable) {
  EXPECT_EQ(negotiate("text/html"), std::nullopt);
  EXPECT_EQ(negotiate("application/xml, text/*"), std::nullopt);
  EXPECT_EQ(negotiate("application/json;q=0"), std::nullopt);
  EXPECT_EQ(negotiate("*/*;q=0"), std::nullopt);
  EXPECT_EQ(negotiate("application/json; charset=utf-16"), std::nullopt);
  EXPECT_EQ(negotiate("application/graphql-response+json;charset=latin1"), std::nullopt);
  EXPECT_EQ(negotiate("application/jsonx"), std::nullopt);
}

TEST(GraphqlHttpTransportAccept, MalformedElementsAreIgnored) {
  EXPECT_EQ(negotiate("garbage, application/json"), kJs);
  EXPECT_EQ(negotiate("application/json;q=2, application/graphql-response+json;q=0.1"), kGr);
  EXPECT_EQ(negotiate("application/json;q=abc"), std::nullopt);
  EXPECT_EQ(negotiate(",,application/json,,"), kJs);
  EXPECT_EQ(negotiate("application/json;foo=\"a,b\";q=0.5, text/html"), kJs);
}

TEST(GraphqlHttpTransportAccept, NotAcceptableIs406BeforeTheBodyIsRead) {
  Incoming in = transport::read_request(post("not json", "text/plain", "text/html"));
  ASSERT_TRUE(in.rejection.has_value());
  EXPECT_EQ(in.rejection->status, 406);
  EXPECT_EQ(rejection_message(in),
            "Could not find a supported media type; consider adding 'application/json' or "
            "'application/graphql-response+json' to your Accept header.");
}

// --- POST -----------------------------------------------------------------

TEST(GraphqlHttpTransportPost, JsonBodyWithAllParameters) {
  Incoming in = transport::read_request(
      post(R"({"query":"query Q($a: Int) { x }","operationName":"Q","variables":{"a":1},)"
           R"("extensions":{"persistedQuery":{"version":1}}})",
           "application/json; charset=utf-8", "application/json"));
  ASSERT_FALSE(in.rejection.has_value()) << in.rejection->body;
  EXPECT_EQ(in.format, kJs);
  EXPECT_FALSE(in.over_get);
  EXPECT_EQ(in.params.query, "query Q($a: Int) { x }");
  EXPECT_EQ(in.params.operation_name, "Q");
  ASSERT_TRUE(in.params.variables.is_object());
  EXPECT_EQ(in.params.variables.dump(), R"({"a":1})");
  EXPECT_TRUE(in.params.extensions.is_object());
}

TEST(GraphqlHttpTransportPost, NullOptionalParametersAreAbsent) {
  Incoming in = transport::read_request(post(
      R"({"query":"{ __typename }","operationName":null,"variables":null,"extensions":null})"));
  ASSERT_FALSE(in.rejection.has_value());
  EXPECT_EQ(in.format, kGr);
  EXPECT_EQ(in.params.operation_name, std::nullopt);
  EXPECT_TRUE(in.params.variables.is_null());
  EXPECT_TRUE(in.params.extensions.is_null());
}

TEST(GraphqlHttpTransportPost, UnicodeBodyIsAccepted) {
  Incoming in = transport::read_request(
      post(R"({"query":"{ __type(name: \"Run🏃Swim🏊\") { name } }"})", "application/json"));
  ASSERT_FALSE(in.rejection.has_value());
  EXPECT_EQ(in.params.query, "{ __type(name: \"Run🏃Swim🏊\") { name } }");
}

TEST(GraphqlHttpTransportPost, ApplicationGraphqlBodyIsTheDocument) {
  Incoming in = transport::read_request(post("{ __typename }", "application/graphql"));
  ASSERT_FALSE(in.rejection.has_value());
  EXPECT_EQ(in.params.query, "{ __typename }");
  EXPECT_TRUE(in.params.variables.is_null());
  expect_rejected(transport::read_request(post("{ a(s: \"\xff\") }", "application/graphql")), 400,
                  kParsingFailed);
}

TEST(GraphqlHttpTransportPost, ContentTypeProblems) {
  expect_rejected(transport::read_request(post(R"({"query":"{a}"})", "")), 400,
                  "Could not determine the Content-Type of the request");
  expect_rejected(transport::read_request(post("{a}", "text/plain;charset=UTF-8")), 415,
                  "Media type 'text/plain' is not allowed");
  expect_rejected(transport::read_request(post("query={a}", "application/x-www-form-urlencoded")),
                  415, "Media type 'application/x-www-form-urlencoded' is not allowed");
  expect_rejected(transport::read_request(post("{a}", "multipart/form-data; boundary=x")), 415,
                  "Media type 'multipart/form-data' is not allowed");
  expect_rejected(transport::read_request(post("{a}", "nonsense")), 415,
                  "Media type 'nonsense' is not allowed");
  expect_rejected(
      transport::read_request(post(R"({"query":"{a}"})", "application/json; charset=latin1")), 415,
      "Charset 'latin1' is not supported; send the request in utf-8");
  Incoming ok =
      transport::read_request(post(R"({"query":"{a}"})", "Application/JSON;Charset=\"UTF-8\""));
  EXPECT_FALSE(ok.rejection.has_value());
}

TEST(GraphqlHttpTransportPost, BadJson) {
  expect_rejected(transport::read_request(post("")), 400, kParsingFailed);
  expect_rejected(transport::read_request(post("{ \"not a JSON")), 400, kParsingFailed);
  expect_rejected(transport::read_request(post("{\"query\":\"{a}\",}")), 400, kParsingFailed);
  expect_rejected(transport::read_request(post("{\"query\":\"\xc3\"}")), 400, kParsingFailed);
}

TEST(GraphqlHttpTransportPost, BodyShape) {
  for (const char* falsy : {"null", "false", "0", "\"\"", "0.0"})
    expect_rejected(transport::read_request(post(falsy)), 400, "No body");
  for (const char* other : {"[]", "[{\"query\":\"{a}\"}]", "1", "true", "\"{a}\""})
    expect_rejected(transport::read_request(post(other)), 400, "Invalid body; expected object");
}

TEST(GraphqlHttpTransportPost, ParameterTypes) {
  for (const char* q : {R"({})", R"({"qeury":"{a}"})", R"({"query":null})", R"({"query":1})",
                        R"({"query":{"obj":"ect"}})", R"({"query":false})", R"({"query":["a"]})"})
    expect_rejected(transport::read_request(post(q)), 400, "query must be a string");
  for (const char* q :
       {R"({"query":"{a}","operationName":0})", R"({"query":"{a}","operationName":{}})",
        R"({"query":"{a}","operationName":false})", R"({"query":"{a}","operationName":["Q"]})"})
    expect_rejected(transport::read_request(post(q)), 400,
                    "operationName, if given, must be a string");
  for (const char* q :
       {R"({"query":"{a}","variables":"string"})", R"({"query":"{a}","variables":0})",
        R"({"query":"{a}","variables":false})", R"({"query":"{a}","variables":["a"]})"})
    expect_rejected(transport::read_request(post(q)), 400,
                    "Invalid variables; expected JSON-encoded object");
  for (const char* q :
       {R"({"query":"{a}","extensions":"string"})", R"({"query":"{a}","extensions":0})",
        R"({"query":"{a}","extensions":false})", R"({"query":"{a}","extensions":["a"]})"})
    expect_rejected(transport::read_request(post(q)), 400,
                    "Invalid extensions; expected JSON-encoded object");
}

TEST(GraphqlHttpTransportPost, ErrorsCarryTheStatusCodeExtension) {
  Incoming in = transport::read_request(post("{"));
  ASSERT_TRUE(in.rejection.has_value());
  EXPECT_EQ(in.rejection->body, std::string(R"({"errors":[{"message":")") + kParsingFailed +
                                    R"(","extensions":{"statusCode":400}}]})");
}

// --- GET ------------------------------------------------------------------

TEST(GraphqlHttpTransportGet, QueryStringParameters) {
  Incoming in = transport::read_request(
      get("query=query+Type(%24name%3A+String!)+%7B+__type(name%3A+%24name)+%7B+name+%7D+%7D"
          "&variables=%7B%22name%22%3A%22sometype%22%7D&operationName=Type"
          "&extensions=%7B%7D&unrelated=1",
          "application/graphql-response+json"));
  ASSERT_FALSE(in.rejection.has_value()) << in.rejection->body;
  EXPECT_TRUE(in.over_get);
  EXPECT_EQ(in.format, kGr);
  EXPECT_EQ(in.params.query, "query Type($name: String!) { __type(name: $name) { name } }");
  EXPECT_EQ(in.params.operation_name, "Type");
  EXPECT_EQ(in.params.variables.dump(), R"({"name":"sometype"})");
  EXPECT_TRUE(in.params.extensions.is_object());
}

TEST(GraphqlHttpTransportGet, HeadReadsTheQueryStringToo) {
  Request r = make("HEAD", "query=%7Ba%7D");
  Incoming in = transport::read_request(r);
  ASSERT_FALSE(in.rejection.has_value());
  EXPECT_TRUE(in.over_get);
  EXPECT_EQ(in.params.query, "{a}");
}

TEST(GraphqlHttpTransportGet, EmptyOptionalFieldsAreAbsent) {
  Incoming in = transport::read_request(get("query=%7Ba%7D&operationName=&variables=&extensions="));
  ASSERT_FALSE(in.rejection.has_value());
  EXPECT_EQ(in.params.operation_name, std::nullopt);
  EXPECT_TRUE(in.params.variables.is_null());
  EXPECT_TRUE(in.params.extensions.is_null());
  Incoming nulls = transport::read_request(get("query=%7Ba%7D&variables=null"));
  ASSERT_FALSE(nulls.rejection.has_value());
  EXPECT_TRUE(nulls.params.variables.is_null());
}

TEST(GraphqlHttpTransportGet, Problems) {
  expect_rejected(transport::read_request(get("")), 400, "query must be a string");
  expect_rejected(transport::read_request(get("operationName=Q")), 400, "query must be a string");
  expect_rejected(transport::read_request(get("query=%7Ba%7D&query=%7Bb%7D")), 400,
                  "query must be a string");
  expect_rejected(transport::read_request(get("query=%7Ba%7D&operationName=A&operationName=B")),
                  400, "operationName, if given, must be a string");
  expect_rejected(transport::read_request(get("query=%7Ba%7D&variables=%7B")), 400, kParsingFailed);
  expect_rejected(transport::read_request(get("query=%7Ba%7D&variables=%5B%5D")), 400,
                  "Invalid variables; expected JSON-encoded object");
  expect_rejected(transport::read_request(get("query=%7Ba%7D&extensions=1")), 400,
                  "Invalid extensions; expected JSON-encoded object");
  expect_rejected(transport::read_request(get("query=%zz")), 400, kParsingFailed);
}

TEST(GraphqlHttpTransportGet, OnlyQueriesMayRun) {
  Incoming g = transport::read_request(get("query=%7Ba%7D"));
  EXPECT_TRUE(transport::allowed_over_get(g, OperationType::kQuery));
  EXPECT_FALSE(transport::allowed_over_get(g, OperationType::kMutation));
  EXPECT_FALSE(transport::allowed_over_get(g, OperationType::kSubscription));
  Incoming p = transport::read_request(post(R"({"query":"mutation { a }"})"));
  EXPECT_TRUE(transport::allowed_over_get(p, OperationType::kMutation));

  Response r = transport::get_requires_query(kGr);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(*r.find_header("Allow"), "POST");
  EXPECT_EQ(*r.find_header("Content-Type"), "application/graphql-response+json; charset=utf-8");
  EXPECT_EQ(r.body,
            R"({"errors":[{"message":"Only queries may take place over non-POST requests.",)"
            R"("extensions":{}}]})");
  EXPECT_EQ(*transport::get_requires_query(kJs).find_header("Content-Type"),
            "application/json; charset=utf-8");
}

// --- responses ------------------------------------------------------------

TEST(GraphqlHttpTransportResponse, StatusDependsOnFormatForRequestErrors) {
  Response a = transport::graphql_response(kGr, true, R"({"errors":[]})");
  EXPECT_EQ(a.status, 400);
  EXPECT_EQ(*a.find_header("Content-Type"), "application/graphql-response+json; charset=utf-8");
  EXPECT_EQ(*a.find_header("Vary"), "Accept");
  Response b = transport::graphql_response(kJs, true, R"({"errors":[]})");
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(*b.find_header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(transport::graphql_response(kGr, false, R"({"data":null})").status, 200);
  EXPECT_EQ(transport::graphql_response(kJs, false, R"({"data":{}})").body, R"({"data":{}})");
}

TEST(GraphqlHttpTransportResponse, HttpError) {
  Response r = transport::http_error(503, "the database is \"gone\"");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(
      r.body,
      R"({"errors":[{"message":"the database is \"gone\"","extensions":{"statusCode":503}}]})");
}

TEST(GraphqlHttpTransportGet, RequestedOperationIsKnownBeforeValidation) {
  using transport::requested_operation;
  EXPECT_EQ(requested_operation("{ a }", std::nullopt), OperationType::kQuery);
  EXPECT_EQ(requested_operation("mutation { a }", std::nullopt), OperationType::kMutation);
  EXPECT_EQ(requested_operation("subscription S { a }", std::nullopt),
            OperationType::kSubscription);
  EXPECT_EQ(requested_operation("fragment F on Q { a } mutation M { ...F }", std::nullopt),
            OperationType::kMutation);
  // Several operations: the name decides; without one, nothing is selected.
  const char* two = "query Q { a } mutation M { b }";
  EXPECT_EQ(requested_operation(two, std::nullopt), std::nullopt);
  EXPECT_EQ(requested_operation(two, std::string("M")), OperationType::kMutation);
  EXPECT_EQ(requested_operation(two, std::string("Q")), OperationType::kQuery);
  EXPECT_EQ(requested_operation(two, std::string("X")), std::nullopt);
  EXPECT_EQ(requested_operation("{ a }", std::string("Q")), std::nullopt);
  EXPECT_EQ(requested_operation("mutation {", std::nullopt), std::nullopt);
  EXPECT_EQ(requested_operation("fragment F on Q { a }", std::nullopt), std::nullopt);
}

TEST(GraphqlHttpTransportParams, TrustedDocumentIdsInsteadOfTheQuery) {
  const std::string hex(64, 'a');
  Incoming in = transport::read_request(post(R"({"documentId":"sha256:)" + hex + R"("})"));
  ASSERT_FALSE(in.rejection);
  EXPECT_EQ(in.params.document_id, hex);
  EXPECT_EQ(in.params.query, "");
  // Apollo's persisted query extension; upper-case hex is normalized.
  in = transport::read_request(
      post(R"({"extensions":{"persistedQuery":{"version":1,"sha256Hash":")" + std::string(64, 'B') +
           R"("}}})"));
  ASSERT_FALSE(in.rejection);
  EXPECT_EQ(in.params.document_id, std::string(64, 'b'));
  in = transport::read_request(get("documentId=sha256%3A" + hex));
  ASSERT_FALSE(in.rejection);
  EXPECT_EQ(in.params.document_id, hex);
  // A query wins; a malformed id, or neither, is a 400.
  in = transport::read_request(post(R"({"query":"{ a }","documentId":"sha256:)" + hex + R"("})"));
  ASSERT_FALSE(in.rejection);
  EXPECT_FALSE(in.params.document_id);
  EXPECT_EQ(transport::read_request(post(R"({"documentId":"sha256:abc"})")).rejection->status, 400);
  EXPECT_EQ(transport::read_request(post(R"({"variables":{}})")).rejection->status, 400);
}
