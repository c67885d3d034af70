#include "core/json/json_writer.hpp"

#include <cstdio>

#include "core/util/utf8.hpp"

namespace pg_gateway::json {

void append_quoted(std::string& out, std::string_view s) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = util::valid_utf8_length(s, i);
      if (n == 0) {
        out.append("\xEF\xBF\xBD");
        ++i;
      } else {
        out.append(s.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      case '\b':
        out.append("\\b");
        break;
      case '\f':
        out.append("\\f");
        break;
      default:
        if (c < 0x20) {  // as JSON.stringify: DEL (0x7F) stays raw
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out.append(buf);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
    ++i;
  }
  out.push_back('"');
}

void Writer::comma() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!first_.empty()) {
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }
}

Writer& Writer::begin_object() {
  comma();
  out_.push_back('{');
  first_.push_back(true);
  return *this;
}
Writer& Writer::end_object() {
  out_.push_back('}');
  first_.pop_back();
  return *this;
}
Writer& Writer::begin_array() {
  comma();
  out_.push_back('[');
  first_.push_back(true);
  return *this;
}
Writer& Writer::end_array() {
  out_.push_back(']');
  first_.pop_back();
  return *this;
}
Writer& Writer::key(std::string_view k) {
  comma();
  append_quoted(out_, k);
  out_.push_back(':');
  after_key_ = true;
  return *this;
}
Writer& Writer::value(std::string_view s) {
  comma();
  append_quoted(out_, s);
  return *this;
}
Writer& Writer::value(int64_t n) {
  comma();
  out_.append(std::to_string(n));
  return *this;
}
Writer& Writer::value(bool b) {
  comma();
  out_.append(b ? "true" : "false");
  return *this;
}
Writer& Writer::null() {
  comma();
  out_.append("null");
  return *this;
}
Writer& Writer::raw(std::string_view json) {
  comma();
  out_.append(json);
  return *this;
}

Writer& Writer::raw_minified(std::string_view json) {
  comma();
  append_minified(out_, json);
  return *this;
}

void append_minified(std::string& out, std::string_view json) {
  out.reserve(out.size() + json.size());
  bool in_string = false;
  size_t run = 0;  // start of the pending run of bytes to copy
  for (size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\')
        ++i;  // the escaped character cannot end the string
      else if (c == '"')
        in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      out.append(json.substr(run, i - run));
      run = i + 1;
    }
  }
  if (run < json.size()) out.append(json.substr(run));
}

}  // namespace pg_gateway::json
