#include "core/http/access_line.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "core/json/json_value.hpp"

using pg_gateway::http::AccessRecord;
using pg_gateway::http::cut_utf8;
using pg_gateway::http::format_access_line;
using pg_gateway::http::iso8601_utc_ms;
using pg_gateway::http::kMaxOperationBytes;
using pg_gateway::http::kMaxPathBytes;

namespace {

// Parses a line with the core's strict parser: every line must be one
// valid JSON object.
pg_gateway::json::Value parsed(const std::string& line) {
  pg_gateway::json::ParseResult r = pg_gateway::json::parse(line);
  EXPECT_TRUE(r.ok()) << r.error << " at " << r.error_offset << " in " << line;
  return r.ok() ? *r.value : pg_gateway::json::Value();
}

AccessRecord full() {
  AccessRecord r;
  r.at_unix_us = 1796676579123456;  // 2026-12-07T20:49:39.123456Z
  r.request_id = "req-1";
  r.method = "POST";
  r.path = "/graphql";
  r.status = 200;
  r.role = "app_user";
  r.sub = "alice";
  r.operation = "Items";
  r.rows = 3;
  r.duration_ms = 1.25;
  r.bytes = 42;
  r.client = "127.0.0.1";
  return r;
}

}  // namespace

TEST(AccessLine, Iso8601UtcWithMilliseconds) {
  EXPECT_EQ(iso8601_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_utc_ms(1796676579123456), "2026-12-07T20:49:39.123Z");
  EXPECT_EQ(iso8601_utc_ms(951782400999999), "2000-02-29T00:00:00.999Z");
  EXPECT_EQ(iso8601_utc_ms(-5), "1970-01-01T00:00:00.000Z");
}

TEST(AccessLine, EveryFieldInOrder) {
  EXPECT_EQ(format_access_line(full()),
            R"({"time":"2026-12-07T20:49:39.123Z","request_id":"req-1","method":"POST",)"
            R"("path":"/graphql","status":200,"role":"app_user","sub":"alice",)"
            R"("operation":"Items","rows":3,"duration_ms":1.250,"bytes":42,)"
            R"("client":"127.0.0.1"})");
}

TEST(AccessLine, UnknownFieldsAreLeftOut) {
  AccessRecord r = full();
  r.role = "";
  r.sub = "";
  r.operation = "";
  r.rows = -1;
  r.client = "";
  pg_gateway::json::Value v = parsed(format_access_line(r));
  for (const char* key : {"role", "sub", "operation", "rows", "client", "path_truncated"})
    EXPECT_EQ(v.find(key), nullptr) << key;
  for (const char* key : {"time", "request_id", "method", "path", "status", "duration_ms", "bytes"})
    EXPECT_NE(v.find(key), nullptr) << key;
  EXPECT_EQ(v.members().size(), 7u);
}

TEST(AccessLine, ServerMadeResponseHasNoMethodPathOrDuration) {
  AccessRecord r;
  r.at_unix_us = 1;
  r.request_id = "x";
  r.status = 400;
  r.bytes = 77;
  EXPECT_EQ(format_access_line(r),
            R"({"time":"1970-01-01T00:00:00.000Z","request_id":"x","status":400,"bytes":77})");
}

TEST(AccessLine, ZeroRowsAreKnownRows) {
  AccessRecord r = full();
  r.rows = 0;
  EXPECT_EQ(parsed(format_access_line(r)).find("rows")->text(), "0");
}

TEST(AccessLine, DurationIsAJsonNumberWhateverTheDouble) {
  AccessRecord r = full();
  r.duration_ms = 0.0004;
  EXPECT_EQ(parsed(format_access_line(r)).find("duration_ms")->text(), "0.000");
  r.duration_ms = 123456.789;
  EXPECT_EQ(parsed(format_access_line(r)).find("duration_ms")->text(), "123456.789");
  r.duration_ms = std::numeric_limits<double>::infinity();
  EXPECT_EQ(parsed(format_access_line(r)).find("duration_ms")->text(), "0.000");
  r.duration_ms = std::nan("");
  EXPECT_EQ(parsed(format_access_line(r)).find("duration_ms"), nullptr);
  r.duration_ms = -3;
  EXPECT_EQ(parsed(format_access_line(r)).find("duration_ms"), nullptr);
  r.bytes = -1;
  EXPECT_EQ(parsed(format_access_line(r)).find("bytes")->text(), "0");
}

// Newlines, quotes, backslashes, NUL and other control characters from a
// hostile path stay inside one JSON string on one line.
TEST(AccessLine, ControlCharactersAreEscaped) {
  AccessRecord r = full();
  std::string path = std::string("/a\nb\r\"c\\d\te") + '\0' + "\x01\x1f\x7f" + "}{\"x\":1";
  r.path = path;
  r.operation = "Op\n{\"status\":500}";
  std::string line = format_access_line(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\0'), std::string::npos);
  EXPECT_NE(line.find(R"(\u0000\u0001\u001f)"), std::string::npos) << line;
  pg_gateway::json::Value v = parsed(line);
  EXPECT_EQ(v.find("path")->text(), path);
  EXPECT_EQ(v.find("operation")->text(), "Op\n{\"status\":500}");
  EXPECT_EQ(v.find("status")->text(), "200");
  EXPECT_EQ(v.find("x"), nullptr);
}

TEST(AccessLine, InvalidUtf8BecomesReplacementCharacters) {
  AccessRecord r = full();
  std::string path = "/caf\xC3\xA9/\xFF\xC0\xAF/\xED\xA0\x80/\xF4\x90\x80\x80";
  r.path = path;
  r.sub = "\x80sub";
  pg_gateway::json::Value v = parsed(format_access_line(r));
  const std::string& p = v.find("path")->text();
  EXPECT_EQ(p.rfind("/caf\xC3\xA9/\xEF\xBF\xBD", 0), 0u) << p;
  EXPECT_EQ(p.find('\xFF'), std::string::npos);
  EXPECT_EQ(p.find('\xC0'), std::string::npos);
  EXPECT_EQ(p.find("\xED\xA0\x80"), std::string::npos);  // an encoded surrogate
  EXPECT_EQ(v.find("sub")->text(), "\xEF\xBF\xBDsub");
}

TEST(AccessLine, LongPathIsCutAndSaysSo) {
  AccessRecord r = full();
  std::string path = "/" + std::string(kMaxPathBytes * 4, 'a');
  r.path = path;
  pg_gateway::json::Value v = parsed(format_access_line(r));
  EXPECT_EQ(v.find("path")->text(), path.substr(0, kMaxPathBytes));
  ASSERT_NE(v.find("path_truncated"), nullptr);
  EXPECT_TRUE(v.find("path_truncated")->as_bool());

  r.path = std::string_view(path).substr(0, kMaxPathBytes);  // exactly at the bound
  EXPECT_EQ(parsed(format_access_line(r)).find("path_truncated"), nullptr);
}

// A multi-byte character straddling the bound is dropped whole, never
// split into an invalid sequence (which would turn into U+FFFD).
TEST(AccessLine, CutsAtCharacterBoundaries) {
  std::string euro = "\xE2\x82\xAC";  // 3 bytes
  std::string s = std::string(kMaxPathBytes - 1, 'a') + euro + "tail";
  EXPECT_EQ(cut_utf8(s, kMaxPathBytes), std::string(kMaxPathBytes - 1, 'a'));
  EXPECT_EQ(cut_utf8("ab" + euro, 4), "ab");
  EXPECT_EQ(cut_utf8("ab" + euro, 5), "ab" + euro);
  EXPECT_EQ(cut_utf8("short", 100), "short");
  // A run of stray continuation bytes is cut where the bound says.
  EXPECT_EQ(cut_utf8(std::string(10, '\x80'), 4).size(), 4u);

  AccessRecord r = full();
  std::string op = std::string(kMaxOperationBytes - 2, 'o') + "\xF0\x9F\x98\x80";  // 4 bytes
  r.operation = op;
  std::string text = parsed(format_access_line(r)).find("operation")->text();
  EXPECT_EQ(text, std::string(kMaxOperationBytes - 2, 'o'));
}

// The record has no field for headers, query strings or bodies: a path
// that still carries a query string would be the caller's bug, but the
// line holds exactly what it was given and nothing else.
TEST(AccessLine, OnlyTheNamedMembers) {
  pg_gateway::json::Value v = parsed(format_access_line(full()));
  std::string keys;
  for (const auto& m : v.members()) keys += m.first + ",";
  EXPECT_EQ(keys,
            "time,request_id,method,path,status,role,sub,operation,rows,duration_ms,bytes,"
            "client,");
}
