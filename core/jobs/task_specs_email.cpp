// The email task's payload.
#include "core/jobs/spec_reader.hpp"
#include "core/jobs/task_specs.hpp"
#include "core/util/utf8.hpp"

namespace pg_gateway::jobs {

namespace {

using detail::ObjectReader;
using detail::SpecError;

constexpr std::string_view kEmailPrefix = "invalid email task payload: ";
constexpr size_t kMaxMailboxTextBytes = 1024;

EmailAddress read_mailbox_string(const ObjectReader& r, const std::string& what,
                                 const json::Value& v) {
  if (v.text().size() > kMaxMailboxTextBytes) r.fail(what, "is too long");
  ParsedMailbox parsed = parse_mailbox(v.text());
  if (!parsed.ok()) {
    std::string hint =
        v.text().find(',') == std::string::npos ? "" : " (give several addresses as a JSON array)";
    r.fail(what, detail::quote_for_message(v.text()) + " " + parsed.error + hint);
  }
  return std::move(*parsed.mailbox);
}

/* {"address": ..., "name": ...}: the form for names a user would rather not
 * quote by hand (commas, angle brackets, quotes). */
EmailAddress read_mailbox_object(const ObjectReader& r, const std::string& what,
                                 const json::Value& v) {
  ObjectReader obj(v, r.path_of(what));
  obj.reject_unknown_keys({"address", "name"});
  std::string address = obj.required_string("address", kMaxMailboxTextBytes);
  if (auto p = email_address_problem(address))
    obj.fail("address",
             detail::quote_for_message(address) + " is not a valid email address: " + *p);
  std::string name = obj.optional_string("name", kMaxDisplayNameBytes).value_or("");
  if (auto p = display_name_problem(name)) obj.fail("name", *p);
  return EmailAddress{std::move(address), std::move(name)};
}

EmailAddress read_mailbox(const ObjectReader& r, const std::string& what, const json::Value& v) {
  if (v.is_string()) return read_mailbox_string(r, what, v);
  if (v.is_object()) return read_mailbox_object(r, what, v);
  r.fail(what, "must be an address string or an object {\"address\", \"name\"}, not " +
                   std::string(detail::json_type_name(v)));
}

// A mailbox or an array of them; absent gives an empty list.
std::vector<EmailAddress> read_mailbox_list(const ObjectReader& r, std::string_view key,
                                            size_t max_count) {
  std::vector<EmailAddress> out;
  const json::Value* v = r.find(key);
  if (v == nullptr) return out;
  if (!v->is_array()) {
    out.push_back(read_mailbox(r, std::string(key), *v));
    return out;
  }
  if (v->items().size() > max_count)
    r.fail(key, "lists too many addresses (at most " + std::to_string(max_count) + ")");
  for (size_t i = 0; i < v->items().size(); ++i)
    out.push_back(read_mailbox(r, std::string(key) + "[" + std::to_string(i) + "]", v->items()[i]));
  return out;
}

/* The builder owns the headers that carry addresses, identity, dates and
 * MIME structure; letting a payload set them would duplicate them (two
 * From: headers, a second Content-Type) or smuggle in a Bcc that leaks the
 * blind copies. */
std::string email_header_refusal(std::string_view lower) {
  for (std::string_view owned :
       {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id", "mime-version",
        "sender", "return-path", "received", "resent-from", "resent-to", "resent-cc", "resent-bcc",
        "resent-date", "resent-sender", "resent-message-id"})
    if (lower == owned) return "the message builder sets it (use the payload's own keys)";
  if (lower.substr(0, 8) == "content-") return "the message builder sets the MIME headers";
  return "";
}

void check_subject(const ObjectReader& r, const std::string& subject) {
  for (size_t i = 0; i < subject.size();) {
    unsigned char c = static_cast<unsigned char>(subject[i]);
    if ((c < 0x20 && c != '\t') || c == 0x7F)
      r.fail("subject", "must be one line without control characters");
    size_t len = util::valid_utf8_length(subject, i);
    if (len == 0) r.fail("subject", "is not valid UTF-8");
    i += len;
  }
}

EmailTaskSpec read_email_task(const json::Value& payload) {
  if (!payload.is_object())
    throw SpecError("the payload must be a JSON object, not " +
                    std::string(detail::json_type_name(payload)));
  ObjectReader r(payload, "");
  r.reject_unknown_keys(
      {"from", "to", "cc", "bcc", "reply_to", "subject", "text", "html", "headers", "timeout_ms"});
  EmailTaskSpec spec;
  const json::Value* from = r.find("from");
  if (from == nullptr) r.fail("from", "is required");
  spec.from = read_mailbox(r, "from", *from);

  spec.to = read_mailbox_list(r, "to", kMaxEmailRecipients);
  if (spec.to.empty()) r.fail("to", "is required (one address or an array of at least one)");
  spec.cc = read_mailbox_list(r, "cc", kMaxEmailRecipients);
  spec.bcc = read_mailbox_list(r, "bcc", kMaxEmailRecipients);
  if (spec.to.size() + spec.cc.size() + spec.bcc.size() > kMaxEmailRecipients)
    throw SpecError("too many recipients in to, cc and bcc together (at most " +
                    std::to_string(kMaxEmailRecipients) + ")");
  spec.reply_to = read_mailbox_list(r, "reply_to", kMaxReplyTo);

  spec.subject = r.required_string("subject", kMaxSubjectBytes);
  check_subject(r, spec.subject);
  spec.text = r.optional_string("text", kMaxEmailBodyBytes);
  spec.html = r.optional_string("html", kMaxEmailBodyBytes);
  if (!spec.text && !spec.html) throw SpecError("\"text\" or \"html\" (or both) is required");
  if (spec.text.value_or("").size() + spec.html.value_or("").size() > kMaxEmailBodyBytes)
    throw SpecError("\"text\" and \"html\" together are larger than " +
                    std::to_string(kMaxEmailBodyBytes) + " bytes");

  detail::HeaderRules rules{kMaxEmailHeaders, kMaxEmailHeaderNameLength, kMaxEmailHeaderValueBytes,
                            email_header_refusal};
  spec.headers = detail::read_headers(r, "headers", rules);
  spec.timeout_ms =
      r.optional_integer("timeout_ms", 1, kMaxTaskTimeoutMs).value_or(kDefaultEmailTimeoutMs);
  return spec;
}

}  // namespace

TaskSpecResult<EmailTaskSpec> parse_email_task(const json::Value& payload) {
  TaskSpecResult<EmailTaskSpec> out;
  try {
    out.spec = read_email_task(payload);
  } catch (const SpecError& e) {
    out.error = std::string(kEmailPrefix) + e.what();
  }
  return out;
}

TaskSpecResult<EmailTaskSpec> parse_email_task(std::string_view payload_json) {
  if (payload_json.size() > kMaxTaskPayloadBytes)
    return {std::nullopt, std::string(kEmailPrefix) + "the payload is larger than " +
                              std::to_string(kMaxTaskPayloadBytes) + " bytes"};
  json::ParseResult parsed = json::parse(payload_json);
  if (!parsed.ok())
    return {std::nullopt,
            std::string(kEmailPrefix) + "the payload is not valid JSON: " + parsed.error};
  return parse_email_task(*parsed.value);
}

}  // namespace pg_gateway::jobs
