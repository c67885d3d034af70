#include "core/graphql/type_system.hpp"

#include <set>

namespace pg_gateway::graphql::schema {

namespace {

constexpr std::string_view kDefaultDeprecationReason = "No longer supported";

bool is_white_space(char c) { return c == ' ' || c == '\t'; }

// JavaScript's String.length: UTF-16 code units of a UTF-8 string.
size_t utf16_length(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    n += (c >= 0xF0) ? 2 : 1;          // four-byte sequences are surrogate pairs
  }
  return n;
}

std::vector<std::string> split_lines(std::string_view s) {
  // /\r\n|[\n\r]/
  std::vector<std::string> lines;
  std::string cur;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r' || s[i] == '\n') {
      lines.push_back(cur);
      cur.clear();
      if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
    } else {
      cur.push_back(s[i]);
    }
  }
  lines.push_back(cur);
  return lines;
}

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t hit = s.find(from, pos);
    if (hit == std::string_view::npos) break;
    out.append(s.substr(pos, hit - pos));
    out.append(to);
    pos = hit + from.size();
  }
  out.append(s.substr(pos));
  return out;
}

std::string print_description(const std::optional<std::string>& description,
                              std::string_view indentation = "", bool first_in_block = true) {
  if (!description) return "";
  std::string block = is_printable_as_block_string(*description) ? print_block_string(*description)
                                                                 : print_string(*description);
  std::string prefix = (!indentation.empty() && !first_in_block) ? "\n" + std::string(indentation)
                                                                 : std::string(indentation);
  return prefix + replace_all(block, "\n", "\n" + std::string(indentation)) + "\n";
}

std::string print_deprecated(const std::optional<std::string>& reason) {
  if (!reason) return "";
  if (*reason != kDefaultDeprecationReason)
    return " @deprecated(reason: " + print_string(*reason) + ")";
  return " @deprecated";
}

std::string print_input_value(const InputValue& v) {
  std::string out = v.name + ": " + v.type.to_string();
  if (v.default_value) out += " = " + *v.default_value;
  return out + print_deprecated(v.deprecation_reason);
}

std::string print_args(const std::vector<InputValue>& args, std::string_view indentation = "") {
  if (args.empty()) return "";
  bool any_description = false;
  for (const InputValue& a : args)
    any_description |= a.description.has_value() && !a.description->empty();
  if (!any_description) {
    std::string out = "(";
    for (size_t i = 0; i < args.size(); ++i) {
      if (i) out += ", ";
      out += print_input_value(args[i]);
    }
    return out + ")";
  }
  std::string out = "(\n";
  std::string inner = "  " + std::string(indentation);
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += "\n";
    out +=
        print_description(args[i].description, inner, i == 0) + inner + print_input_value(args[i]);
  }
  return out + "\n" + std::string(indentation) + ")";
}

std::string print_block(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  std::string out = " {\n";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += "\n";
    out += items[i];
  }
  return out + "\n}";
}

std::string print_fields(const std::vector<Field>& fields) {
  std::vector<std::string> items;
  for (size_t i = 0; i < fields.size(); ++i) {
    const Field& f = fields[i];
    items.push_back(print_description(f.description, "  ", i == 0) + "  " + f.name +
                    print_args(f.args, "  ") + ": " + f.type.to_string() +
                    print_deprecated(f.deprecation_reason));
  }
  return print_block(items);
}

std::string print_interfaces(const std::vector<std::string>& interfaces) {
  if (interfaces.empty()) return "";
  std::string out = " implements ";
  for (size_t i = 0; i < interfaces.size(); ++i) {
    if (i) out += " & ";
    out += interfaces[i];
  }
  return out;
}

std::string print_type_impl(const NamedType& t) {
  std::string d = print_description(t.description);
  switch (t.kind) {
    case NamedType::Kind::kScalar:
      return d + "scalar " + t.name +
             (t.specified_by_url ? " @specifiedBy(url: " + print_string(*t.specified_by_url) + ")"
                                 : "");
    case NamedType::Kind::kObject:
      return d + "type " + t.name + print_interfaces(t.interfaces) + print_fields(t.fields);
    case NamedType::Kind::kInterface:
      return d + "interface " + t.name + print_interfaces(t.interfaces) + print_fields(t.fields);
    case NamedType::Kind::kUnion: {
      std::string out = d + "union " + t.name;
      for (size_t i = 0; i < t.members.size(); ++i) out += (i ? " | " : " = ") + t.members[i];
      return out;
    }
    case NamedType::Kind::kEnum: {
      std::vector<std::string> items;
      for (size_t i = 0; i < t.values.size(); ++i)
        items.push_back(print_description(t.values[i].description, "  ", i == 0) + "  " +
                        t.values[i].name + print_deprecated(t.values[i].deprecation_reason));
      return d + "enum " + t.name + print_block(items);
    }
    case NamedType::Kind::kInputObject: {
      std::vector<std::string> items;
      for (size_t i = 0; i < t.input_fields.size(); ++i)
        items.push_back(print_description(t.input_fields[i].description, "  ", i == 0) + "  " +
                        print_input_value(t.input_fields[i]));
      return d + "input " + t.name + print_block(items);
    }
  }
  return "";
}

std::string print_directive(const Directive& dir) {
  std::string out = print_description(dir.description) + "directive @" + dir.name +
                    print_args(dir.args) + (dir.repeatable ? " repeatable" : "") + " on ";
  for (size_t i = 0; i < dir.locations.size(); ++i) out += (i ? " | " : "") + dir.locations[i];
  return out;
}

}  // namespace

TypeRef TypeRef::non_null() const {
  TypeRef t = *this;
  t.wrappers.insert(t.wrappers.begin(), Wrapper::kNonNull);
  return t;
}

TypeRef TypeRef::list() const {
  TypeRef t = *this;
  t.wrappers.insert(t.wrappers.begin(), Wrapper::kList);
  return t;
}

std::string TypeRef::to_string() const {
  std::string out = name;
  for (auto it = wrappers.rbegin(); it != wrappers.rend(); ++it)
    out = (*it == Wrapper::kList) ? "[" + out + "]" : out + "!";
  return out;
}

const Field* NamedType::field(std::string_view n) const {
  for (const Field& f : fields)
    if (f.name == n) return &f;
  return nullptr;
}

void Schema::add(NamedType type) {
  auto it = index_.find(type.name);
  if (it != index_.end()) {
    types_[it->second] = std::move(type);
    return;
  }
  index_.emplace(type.name, types_.size());
  types_.push_back(std::move(type));
}

const NamedType* Schema::find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &types_[it->second];
}

std::vector<const NamedType*> Schema::types_in_order() const {
  std::vector<const NamedType*> order;
  std::set<std::string, std::less<>> seen;
  // graphql-js collectReferencedTypes, iteratively: an explicit stack of
  // pending names keeps deep schemas off the C++ stack. Children are pushed
  // in reverse so they are visited in declaration order.
  auto visit = [&](const std::string& root) {
    std::vector<std::string> stack{root};
    while (!stack.empty()) {
      std::string name = std::move(stack.back());
      stack.pop_back();
      if (seen.count(name)) continue;
      const NamedType* t = find(name);
      if (!t) continue;
      seen.insert(name);
      order.push_back(t);
      std::vector<std::string> children;
      switch (t->kind) {
        case NamedType::Kind::kUnion:
          children = t->members;
          break;
        case NamedType::Kind::kObject:
        case NamedType::Kind::kInterface:
          children = t->interfaces;
          for (const Field& f : t->fields) {
            children.push_back(f.type.name);
            for (const InputValue& a : f.args) children.push_back(a.type.name);
          }
          break;
        case NamedType::Kind::kInputObject:
          for (const InputValue& f : t->input_fields) children.push_back(f.type.name);
          break;
        default:
          break;
      }
      for (auto it = children.rbegin(); it != children.rend(); ++it) stack.push_back(*it);
    }
  };
  visit(query_type);
  if (mutation_type) visit(*mutation_type);
  if (subscription_type) visit(*subscription_type);
  for (const Directive& d : directives)
    for (const InputValue& a : d.args) visit(a.type.name);
  return order;
}

std::string print_type(const NamedType& type) { return print_type_impl(type); }

bool is_specified_scalar(std::string_view name) {
  return name == "String" || name == "Int" || name == "Float" || name == "Boolean" || name == "ID";
}

std::string print_string(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "\"";
  for (size_t i = 0; i < value.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    // graphql-js escapes U+0000-U+001F, '"', '\\' and U+007F-U+009F.
    bool c1_control = c == 0xC2 && i + 1 < value.size() &&
                      static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
                      static_cast<unsigned char>(value[i + 1]) <= 0x9F;
    if (c == '"') {
      out += "\\\"";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c1_control) {
      unsigned char cp = static_cast<unsigned char>(value[i + 1]);
      out += "\\u00";
      out += kHex[cp >> 4];
      out += kHex[cp & 15];
      ++i;
    } else {
      out.push_back(char(c));
    }
  }
  return out + "\"";
}

bool is_printable_as_block_string(std::string_view value) {
  if (value.empty()) return true;
  bool is_empty_line = true, has_indent = false, has_common_indent = true,
       seen_non_empty_line = false;
  for (char ch : value) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case 0x00:
      case 0x01:
      case 0x02:
      case 0x03:
      case 0x04:
      case 0x05:
      case 0x06:
      case 0x07:
      case 0x08:
      case 0x0B:
      case 0x0C:
      case 0x0E:
      case 0x0F:
        return false;  // non-printable
      case 0x0D:
        return false;  // \r would become \n
      case 0x0A:
        if (is_empty_line && !seen_non_empty_line) return false;  // leading new line
        seen_non_empty_line = true;
        is_empty_line = true;
        has_indent = false;
        break;
      case 0x09:
      case 0x20:
        has_indent = has_indent || is_empty_line;
        break;
      default:
        has_common_indent = has_common_indent && has_indent;
        is_empty_line = false;
    }
  }
  if (is_empty_line) return false;                             // trailing empty lines
  if (has_common_indent && seen_non_empty_line) return false;  // internal indent
  return true;
}

std::string print_block_string(std::string_view value) {
  std::string escaped = replace_all(value, "\"\"\"", "\\\"\"\"");
  std::vector<std::string> lines = split_lines(escaped);
  bool single_line = lines.size() == 1;
  bool force_leading_newline = lines.size() > 1;
  for (size_t i = 1; i < lines.size() && force_leading_newline; ++i)
    force_leading_newline = lines[i].empty() || is_white_space(lines[i][0]);
  bool trailing_triple_quotes =
      escaped.size() >= 4 && escaped.compare(escaped.size() - 4, 4, "\\\"\"\"") == 0;
  bool trailing_quote = !value.empty() && value.back() == '"' && !trailing_triple_quotes;
  bool trailing_slash = !value.empty() && value.back() == '\\';
  bool force_trailing_newline = trailing_quote || trailing_slash;
  bool multiple_lines = !single_line || utf16_length(value) > 70 || force_trailing_newline ||
                        force_leading_newline || trailing_triple_quotes;
  bool skip_leading_newline = single_line && !value.empty() && is_white_space(value[0]);
  std::string out = "\"\"\"";
  if ((multiple_lines && !skip_leading_newline) || force_leading_newline) out += "\n";
  out += escaped;
  if (multiple_lines || force_trailing_newline) out += "\n";
  return out + "\"\"\"";
}

std::string print_schema(const Schema& schema) {
  std::vector<std::string> parts;
  bool common_names = schema.query_type == "Query" &&
                      (!schema.mutation_type || *schema.mutation_type == "Mutation") &&
                      (!schema.subscription_type || *schema.subscription_type == "Subscription");
  if (schema.description || !common_names) {
    std::string def =
        print_description(schema.description) + "schema {\n  query: " + schema.query_type;
    if (schema.mutation_type) def += "\n  mutation: " + *schema.mutation_type;
    if (schema.subscription_type) def += "\n  subscription: " + *schema.subscription_type;
    parts.push_back(def + "\n}");
  }
  for (const Directive& d : schema.directives) parts.push_back(print_directive(d));
  for (const NamedType* t : schema.types_in_order()) {
    if (t->kind == NamedType::Kind::kScalar && is_specified_scalar(t->name)) continue;
    if (t->name.rfind("__", 0) == 0) continue;  // introspection types
    parts.push_back(print_type_impl(*t));
  }
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += "\n\n";
    out += parts[i];
  }
  return out;
}

}  // namespace pg_gateway::graphql::schema
