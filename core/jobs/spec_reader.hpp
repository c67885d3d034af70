// Reading the fields of a job payload object with user-facing errors. The
// task parsers (task_specs.cpp, task_specs_email.cpp) are written as straight
// sequences of field reads; every problem throws SpecError carrying a message
// that names the field by its path ("sign.secret", "headers.X-Foo") and says
// what was expected, which the parsers turn into the job's last_error.
#pragma once
#include "core/core_zone.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/http/fields.hpp"
#include "core/json/json_value.hpp"

namespace pg_gateway::jobs::detail {

class SpecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "a string", "an object", ...: the JSON type of a value, for messages.
std::string_view json_type_name(const json::Value& v);

// Quotes a key for a message, shortened and with control characters shown
// as '?', so a hostile key cannot make the error message itself hostile.
std::string quote_for_message(std::string_view text);

class ObjectReader {
 public:
  // `object` must outlive the reader; `path` is the dotted prefix of this
  // object inside the payload ("" for the payload itself).
  ObjectReader(const json::Value& object, std::string path);

  // Refuses any key outside `allowed`: a misspelt optional key ("timout_ms",
  // "sing") would otherwise be ignored silently and change what the task does.
  void reject_unknown_keys(std::initializer_list<std::string_view> allowed) const;

  // The member, or nullptr when absent or JSON null (null means "not given").
  const json::Value* find(std::string_view key) const;

  std::optional<std::string> optional_string(std::string_view key, size_t max_bytes) const;
  std::string required_string(std::string_view key, size_t max_bytes) const;
  // An integer within [min, max]; integral decimals such as 30000.0 (jsonb
  // keeps a number's written form) are accepted.
  std::optional<int64_t> optional_integer(std::string_view key, int64_t min, int64_t max) const;

  // "sign.secret" for key "secret" under path "sign".
  std::string path_of(std::string_view key) const;
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const;

  const json::Value& object() const { return object_; }

 private:
  const json::Value& object_;
  std::string path_;
};

struct HeaderRules {
  size_t max_count;
  size_t max_name_length;
  size_t max_value_bytes;
  // Returns why a header (lower-cased name) may not be set, or "" if it may.
  std::string (*refusal)(std::string_view lower_name);
};

// Reads an object of header name -> string value. Names must be tokens and
// unique ignoring case; values must not contain CR, LF, NUL or other control
// characters but HTAB (a line break in a value would start a new header:
// request smuggling / header injection).
std::vector<http::Header> read_headers(const ObjectReader& reader, std::string_view key,
                                       const HeaderRules& rules);

}  // namespace pg_gateway::jobs::detail
