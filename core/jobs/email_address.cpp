#include "core/jobs/email_address.hpp"

#include "core/util/utf8.hpp"

namespace pg_gateway::jobs {

namespace {

constexpr size_t kMaxDomainLabelLength = 63;

bool is_alnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// RFC 5322 atext.
bool is_atext(char c) {
  if (is_alnum(c)) return true;
  switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '/':
    case '=':
    case '?':
    case '^':
    case '_':
    case '`':
    case '{':
    case '|':
    case '}':
    case '~':
      return true;
    default:
      return false;
  }
}

bool has_non_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  return false;
}

std::optional<std::string> local_part_problem(std::string_view local) {
  if (local.empty()) return "the part before '@' is empty";
  if (local.size() > kMaxEmailLocalPartLength)
    return "the part before '@' is longer than " + std::to_string(kMaxEmailLocalPartLength) +
           " characters";
  if (has_non_ascii(local)) return "non-ASCII characters before '@' are not supported";
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return "the part before '@' must not begin or end with '.' or contain "
           "\"..\"";
  for (char c : local)
    if (c != '.' && !is_atext(c))
      return "the part before '@' contains a character that needs quoting "
             "(space, quote, "
             "comma, brackets, control character, ...)";
  return std::nullopt;
}

/* An address literal: "[" then an IPv4 address, or "IPv6:" and an IPv6
 * address. Only the character set is checked; the SMTP server resolves it. */
std::optional<std::string> address_literal_problem(std::string_view domain) {
  std::string_view inside = domain.substr(1, domain.size() - 2);
  if (inside.substr(0, 5) == "IPv6:") inside.remove_prefix(5);
  if (inside.empty()) return "the address literal after '@' is empty";
  for (char c : inside) {
    bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
              c == ':' || c == '.';
    if (!ok) return "the address literal after '@' is not an IP address";
  }
  return std::nullopt;
}

std::optional<std::string> domain_problem(std::string_view domain) {
  if (domain.empty()) return "the domain after '@' is empty";
  if (domain.size() > kMaxEmailDomainLength)
    return "the domain is longer than " + std::to_string(kMaxEmailDomainLength) + " characters";
  if (domain.front() == '[') {
    if (domain.size() < 2 || domain.back() != ']') return "the address literal lacks its ']'";
    return address_literal_problem(domain);
  }
  if (has_non_ascii(domain))
    return "internationalized domains must be written in their ASCII (xn--) "
           "form";
  while (true) {
    size_t dot = domain.find('.');
    std::string_view label = domain.substr(0, dot);
    if (label.empty()) return "the domain has an empty label (\"..\" or a leading/trailing '.')";
    if (label.size() > kMaxDomainLabelLength)
      return "a domain label is longer than " + std::to_string(kMaxDomainLabelLength) +
             " characters";
    if (label.front() == '-' || label.back() == '-')
      return "a domain label begins or ends with '-'";
    for (char c : label)
      if (!is_alnum(c) && c != '-')
        return "the domain may contain only letters, digits, '-' and '.'";
    if (dot == std::string_view::npos) break;
    domain.remove_prefix(dot + 1);
  }
  return std::nullopt;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The content of a quoted display name, its backslash escapes undone.
std::string unquote(std::string_view quoted) {
  std::string out;
  std::string_view inner = quoted.substr(1, quoted.size() - 2);
  for (size_t i = 0; i < inner.size(); ++i) {
    if (inner[i] == '\\' && i + 1 < inner.size()) ++i;
    out += inner[i];
  }
  return out;
}

}  // namespace

std::optional<std::string> email_address_problem(std::string_view address) {
  if (address.empty()) return "it is empty";
  if (address.size() > kMaxEmailAddressLength)
    return "it is longer than " + std::to_string(kMaxEmailAddressLength) + " characters";
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return "it has no '@'";
  std::string_view local = address.substr(0, at);
  if (local.find('@') != std::string_view::npos) return "it has more than one '@'";
  if (auto p = local_part_problem(local)) return p;
  return domain_problem(address.substr(at + 1));
}

std::optional<std::string> display_name_problem(std::string_view name) {
  if (name.size() > kMaxDisplayNameBytes)
    return "is longer than " + std::to_string(kMaxDisplayNameBytes) + " bytes";
  for (size_t i = 0; i < name.size();) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c < 0x20 || c == 0x7F) return "must not contain control characters (such as line breaks)";
    size_t len = util::valid_utf8_length(name, i);
    if (len == 0) return "is not valid UTF-8";
    i += len;
  }
  return std::nullopt;
}

/* The address is the text between the last '<' and a final '>', so a name
 * may itself contain '<' (it is encoded on output anyway). */
ParsedMailbox parse_mailbox(std::string_view text) {
  ParsedMailbox out;
  text = trim_spaces(text);
  EmailAddress mailbox;
  std::string_view address = text;
  if (!text.empty() && text.back() == '>') {
    size_t open = text.rfind('<');
    if (open == std::string_view::npos) {
      out.error = "has a '>' without a matching '<'";
      return out;
    }
    address = text.substr(open + 1, text.size() - open - 2);
    std::string_view name = trim_spaces(text.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      mailbox.display_name = unquote(name);
    else
      mailbox.display_name = std::string(name);
  }
  if (auto p = email_address_problem(address)) {
    out.error = "is not a valid email address: " + *p;
    return out;
  }
  if (auto p = display_name_problem(mailbox.display_name)) {
    out.error = "has a display name that " + *p;
    return out;
  }
  mailbox.address = std::string(address);
  out.mailbox = std::move(mailbox);
  return out;
}

std::string_view email_domain(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

}  // namespace pg_gateway::jobs
