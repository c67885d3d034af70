// A JSON document model and a strict parser (RFC 8259), for GraphQL request
// bodies and variables and for the catalog snapshot that schema reflection
// reads from PostgreSQL as one JSON document.
//
// Strict: no comments, no trailing commas, no leading zeros, no control
// characters in strings, valid UTF-8 only, bounded nesting. Numbers keep
// their source text, so a bigint or numeric survives untouched until the
// code that knows its type converts it. Duplicate object keys are kept in
// order; find() returns the last one, as JSON.parse does.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pg_gateway::json {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  using Member = std::pair<std::string, Value>;

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b);
  static Value number(std::string text);  // caller guarantees JSON number syntax
  static Value string(std::string s);
  static Value array(std::vector<Value> items = {});
  static Value object(std::vector<Member> members = {});

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::kNull; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_number() const { return kind_ == Kind::kNumber; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_array() const { return kind_ == Kind::kArray; }
  bool is_object() const { return kind_ == Kind::kObject; }

  bool as_bool() const { return bool_; }
  // Source text of a number, or the decoded text of a string.
  const std::string& text() const { return text_; }
  // The number as an int64 when it is an integer in range, else nullopt.
  std::optional<int64_t> as_int64() const;
  std::optional<double> as_double() const;

  const std::vector<Value>& items() const { return items_; }
  std::vector<Value>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }
  // Last member with that key, or nullptr (also for non-objects).
  const Value* find(std::string_view key) const;

  // Compact serialization.
  std::string dump() const;
  void dump_to(std::string& out) const;

  friend bool operator==(const Value& a, const Value& b);

 private:
  Kind kind_ = Kind::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<Value> items_;
  std::vector<Member> members_;
};

struct ParseLimits {
  size_t max_depth = 256;  // arrays and objects nested deeper are rejected
};

struct ParseResult {
  std::optional<Value> value;  // set on success
  std::string error;           // set on failure: what was wrong
  size_t error_offset = 0;     // byte offset of the problem
  bool ok() const { return value.has_value(); }
};

ParseResult parse(std::string_view text, const ParseLimits& limits = ParseLimits());

}  // namespace pg_gateway::json
