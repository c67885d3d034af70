// A small streaming JSON writer: enough to build response bodies and the
// request document handed to SQL route handlers. It only writes; parsing
// JSON is PostgreSQL's job (jsonb) until the GraphQL issue brings a parser.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pg_gateway::json {

// Appends `s` to `out` as a JSON string literal (quotes included). Bytes that
// are not valid UTF-8 are replaced with U+FFFD so the output is always valid
// JSON, whatever a client sent.
void append_quoted(std::string& out, std::string_view s);

// Appends JSON text without its insignificant whitespace.
void append_minified(std::string& out, std::string_view json);

class Writer {
 public:
  Writer& begin_object();
  Writer& end_object();
  Writer& begin_array();
  Writer& end_array();
  Writer& key(std::string_view k);
  Writer& value(std::string_view s);
  Writer& value(const char* s) { return value(std::string_view(s)); }
  Writer& value(int64_t n);
  Writer& value(bool b);
  Writer& null();
  // Inserts already-serialized JSON (caller guarantees validity).
  Writer& raw(std::string_view json);
  // The same without the insignificant whitespace PostgreSQL's json output
  // puts after ':' and ',' (strings are copied untouched).
  Writer& raw_minified(std::string_view json);

  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void comma();
  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace pg_gateway::json
