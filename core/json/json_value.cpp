#include "core/json/json_value.hpp"

#include <cerrno>
#include <cstdlib>

#include "core/json/json_writer.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::json {

Value Value::boolean(bool b) {
  Value v;
  v.kind_ = Kind::kBool;
  v.bool_ = b;
  return v;
}

Value Value::number(std::string text) {
  Value v;
  v.kind_ = Kind::kNumber;
  v.text_ = std::move(text);
  return v;
}

Value Value::string(std::string s) {
  Value v;
  v.kind_ = Kind::kString;
  v.text_ = std::move(s);
  return v;
}

Value Value::array(std::vector<Value> items) {
  Value v;
  v.kind_ = Kind::kArray;
  v.items_ = std::move(items);
  return v;
}

Value Value::object(std::vector<Member> members) {
  Value v;
  v.kind_ = Kind::kObject;
  v.members_ = std::move(members);
  return v;
}

std::optional<int64_t> Value::as_int64() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  if (text_.find_first_of(".eE") != std::string::npos) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long n = std::strtoll(text_.c_str(), &end, 10);
  if (errno == ERANGE || end == nullptr || *end != '\0') return std::nullopt;
  return int64_t(n);
}

std::optional<double> Value::as_double() const {
  if (kind_ != Kind::kNumber) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(text_.c_str(), &end);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return d;
}

const Value* Value::find(std::string_view key) const {
  if (kind_ != Kind::kObject) return nullptr;
  for (auto it = members_.rbegin(); it != members_.rend(); ++it)
    if (it->first == key) return &it->second;
  return nullptr;
}

void Value::dump_to(std::string& out) const {
  switch (kind_) {
    case Kind::kNull:
      out.append("null");
      return;
    case Kind::kBool:
      out.append(bool_ ? "true" : "false");
      return;
    case Kind::kNumber:
      out.append(text_);
      return;
    case Kind::kString:
      append_quoted(out, text_);
      return;
    case Kind::kArray:
      out.push_back('[');
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i) out.push_back(',');
        items_[i].dump_to(out);
      }
      out.push_back(']');
      return;
    case Kind::kObject:
      out.push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i) out.push_back(',');
        append_quoted(out, members_[i].first);
        out.push_back(':');
        members_[i].second.dump_to(out);
      }
      out.push_back('}');
      return;
  }
}

std::string Value::dump() const {
  std::string out;
  dump_to(out);
  return out;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind_ != b.kind_) return false;
  switch (a.kind_) {
    case Value::Kind::kNull:
      return true;
    case Value::Kind::kBool:
      return a.bool_ == b.bool_;
    case Value::Kind::kNumber:
    case Value::Kind::kString:
      return a.text_ == b.text_;
    case Value::Kind::kArray:
      return a.items_ == b.items_;
    case Value::Kind::kObject:
      return a.members_ == b.members_;
  }
  return false;
}

namespace {

// Recursive descent over a string_view; every nesting level is counted
// against the depth limit, so recursion is bounded.
class Parser {
 public:
  Parser(std::string_view text, const ParseLimits& limits) : s_(text), limits_(limits) {}

  ParseResult run() {
    ParseResult r;
    skip_ws();
    Value v;
    if (!parse_value(v, 0)) {
      r.error = error_;
      r.error_offset = error_at_;
      return r;
    }
    skip_ws();
    if (pos_ != s_.size()) {
      r.error = "unexpected data after the JSON value";
      r.error_offset = pos_;
      return r;
    }
    r.value = std::move(v);
    return r;
  }

 private:
  bool fail(std::string message) {
    if (error_.empty()) {
      error_ = std::move(message);
      error_at_ = pos_;
    }
    return false;
  }

  void skip_ws() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return fail("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool parse_value(Value& out, size_t depth) {
    if (pos_ >= s_.size()) return fail("unexpected end of JSON input");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return parse_object(out, depth + 1);
      case '[':
        return parse_array(out, depth + 1);
      case '"': {
        std::string str;
        if (!parse_string(str)) return false;
        out = Value::string(std::move(str));
        return true;
      }
      case 't':
        if (!literal("true")) return false;
        out = Value::boolean(true);
        return true;
      case 'f':
        if (!literal("false")) return false;
        out = Value::boolean(false);
        return true;
      case 'n':
        if (!literal("null")) return false;
        out = Value::null();
        return true;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return parse_number(out);
        return fail(std::string("unexpected character '") + printable(c) + "'");
    }
  }

  static std::string printable(char c) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7F) return std::string(1, c);
    static constexpr char kHex[] = "0123456789abcdef";
    return std::string("\\x") + kHex[u >> 4] + kHex[u & 15];
  }

  bool parse_number(Value& out) {
    size_t start = pos_;
    auto digit = [&](size_t i) { return i < s_.size() && s_[i] >= '0' && s_[i] <= '9'; };
    if (s_[pos_] == '-') ++pos_;
    if (!digit(pos_)) return fail("invalid number");
    if (s_[pos_] == '0') {
      ++pos_;
      if (digit(pos_)) return fail("invalid number: leading zero");
    } else {
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      if (!digit(pos_)) return fail("invalid number: digit expected after '.'");
      while (digit(pos_)) ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
      if (!digit(pos_)) return fail("invalid number: digit expected in exponent");
      while (digit(pos_)) ++pos_;
    }
    out = Value::number(std::string(s_.substr(start, pos_ - start)));
    return true;
  }

  bool hex4(uint32_t& cp) {
    if (pos_ + 4 > s_.size()) return fail("invalid \\u escape");
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      char h = s_[pos_ + size_t(i)];
      int v = (h >= '0' && h <= '9')   ? h - '0'
              : (h >= 'a' && h <= 'f') ? h - 'a' + 10
              : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                       : -1;
      if (v < 0) return fail("invalid \\u escape");
      cp = cp * 16 + uint32_t(v);
    }
    pos_ += 4;
    return true;
  }

  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    while (true) {
      if (pos_ >= s_.size()) return fail("unterminated string");
      unsigned char c = static_cast<unsigned char>(s_[pos_]);
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c < 0x20) return fail("control character in string");
      if (c >= 0x80) {
        size_t n = util::valid_utf8_length(s_, pos_);
        if (n == 0) return fail("invalid UTF-8 in string");
        out.append(s_.substr(pos_, n));
        pos_ += n;
        continue;
      }
      if (c != '\\') {
        out.push_back(char(c));
        ++pos_;
        continue;
      }
      if (++pos_ >= s_.size()) return fail("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            // A high surrogate pairs with a following \uDC00-\uDFFF.
            uint32_t low = 0;
            if (s_.substr(pos_, 2) == "\\u") {
              size_t save = pos_;
              pos_ += 2;
              if (!hex4(low)) return false;
              if (low >= 0xDC00 && low <= 0xDFFF) {
                util::append_utf8(out, 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00));
                break;
              }
              pos_ = save;
            }
            util::append_utf8(out, 0xFFFD);  // lone surrogate, as JSON.parse keeps it
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            util::append_utf8(out, 0xFFFD);
          } else {
            util::append_utf8(out, cp);
          }
          break;
        }
        default:
          --pos_;
          return fail(std::string("invalid escape '\\") + printable(e) + "'");
      }
    }
  }

  bool parse_array(Value& out, size_t depth) {
    if (depth > limits_.max_depth) return fail("JSON nested too deeply");
    ++pos_;
    std::vector<Value> items;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      out = Value::array(std::move(items));
      return true;
    }
    while (true) {
      skip_ws();
      items.emplace_back();
      if (!parse_value(items.back(), depth)) return false;
      skip_ws();
      if (pos_ >= s_.size()) return fail("unexpected end of JSON input");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == ']') {
        ++pos_;
        out = Value::array(std::move(items));
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }

  bool parse_object(Value& out, size_t depth) {
    if (depth > limits_.max_depth) return fail("JSON nested too deeply");
    ++pos_;
    std::vector<Value::Member> members;
    skip_ws();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      out = Value::object(std::move(members));
      return true;
    }
    while (true) {
      skip_ws();
      if (pos_ >= s_.size()) return fail("unexpected end of JSON input");
      if (s_[pos_] != '"') return fail("expected a string key");
      std::string key;
      if (!parse_string(key)) return false;
      skip_ws();
      if (pos_ >= s_.size() || s_[pos_] != ':') return fail("expected ':'");
      ++pos_;
      skip_ws();
      members.emplace_back(std::move(key), Value());
      if (!parse_value(members.back().second, depth)) return false;
      skip_ws();
      if (pos_ >= s_.size()) return fail("unexpected end of JSON input");
      if (s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (s_[pos_] == '}') {
        ++pos_;
        out = Value::object(std::move(members));
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }

  std::string_view s_;
  ParseLimits limits_;
  size_t pos_ = 0;
  std::string error_;
  size_t error_at_ = 0;
};

}  // namespace

ParseResult parse(std::string_view text, const ParseLimits& limits) {
  return Parser(text, limits).run();
}

}  // namespace pg_gateway::json
