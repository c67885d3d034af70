// Email addresses for the email job task: a practical check of RFC 5321
// mailbox syntax (what an SMTP server accepts in MAIL FROM / RCPT TO) and
// the "Display Name <local@domain>" form users write in payloads.
//
// Practical means: the local part is a dot-atom (quoted local parts such as
// "john doe"@example.com are refused), ASCII only (no SMTPUTF8), and the
// domain is LDH labels or an address literal ([192.0.2.1], [IPv6:2001:db8::1]);
// internationalized domains must be written in their xn-- form. Length limits
// are RFC 5321's: local part 64, domain 255 (we take 253, a DNS name's
// limit), whole path 256 with brackets, hence 254 for the address.
#pragma once
#include "core/core_zone.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace pg_gateway::jobs {

inline constexpr size_t kMaxEmailAddressLength = 254;
inline constexpr size_t kMaxEmailLocalPartLength = 64;
inline constexpr size_t kMaxEmailDomainLength = 253;
inline constexpr size_t kMaxDisplayNameBytes = 256;

struct EmailAddress {
  std::string address;       // local@domain, valid by email_address_problem
  std::string display_name;  // may be empty; UTF-8 without control characters
};

// Why `address` is not an address we send to or from, as a phrase to follow
// "is not a valid email address: ", or nullopt when it is valid.
std::optional<std::string> email_address_problem(std::string_view address);

// Why `name` cannot be a display name (control characters such as CR/LF,
// invalid UTF-8, too long), or nullopt. The message builder encodes any
// valid name safely; refusing line breaks here gives the user a clear error
// instead of a silently mangled name.
std::optional<std::string> display_name_problem(std::string_view name);

struct ParsedMailbox {
  std::optional<EmailAddress> mailbox;  // set on success
  std::string error;                    // set on failure
  bool ok() const { return mailbox.has_value(); }
};

// "local@domain" or "Display Name <local@domain>"; the name may be in
// double quotes, with \" and \\ inside. Surrounding spaces are ignored.
ParsedMailbox parse_mailbox(std::string_view text);

// The part after the last '@' (the whole address has exactly one).
std::string_view email_domain(std::string_view address);

}  // namespace pg_gateway::jobs
