#include "extension/pg/pg_api.hpp"

#include "extension/audit/actor.hpp"

#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "core/auth/claim_path.hpp"
#include "core/json/json_value.hpp"
#include "extension/audit/settings.hpp"
#include "extension/auth/settings.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/settings.hpp"

namespace pg_gateway::audit_pg {

namespace {

// A setting of the current transaction; nullopt when it is not set, or set
// to the empty string (what a transaction-local setting returns to after
// the transaction that set it).
std::optional<std::string> setting(const char* name) {
  const char* value = pg::call([name] { return GetConfigOption(name, true, false); });
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

std::string role_name(Oid role) {
  const char* name = pg::call([role] { return GetUserNameFromId(role, true); });
  return name ? name : std::to_string(role);
}

// What the claims say, computed once per distinct (claims, settings): a
// request's rows all carry the same claims, so a multi-row change parses
// them once.
struct ClaimsSummary {
  std::optional<std::string> sub, role, selected;
};

struct ClaimsCache {
  std::string claims, wanted, role_path;
  ClaimsSummary summary;
  bool filled = false;
};
ClaimsCache claims_cache;

std::optional<std::string> claim_text(const json::Value* v) {
  if (!v || v->is_null()) return std::nullopt;
  return v->is_string() ? v->text() : v->dump();
}

ClaimsSummary summarize(const std::string& claims_text, const std::string& wanted,
                        const std::string& role_path) {
  ClaimsSummary out;
  json::ParseResult parsed = json::parse(claims_text);
  if (!parsed.ok() || !parsed.value->is_object()) return out;
  const json::Value& claims = *parsed.value;
  out.sub = claim_text(claims.find("sub"));
  try {
    out.role =
        claim_text(auth::ClaimPath::parse(role_path.empty() ? "role" : role_path).find(claims));
  } catch (const std::invalid_argument&) {
    // pg_gateway.jwt_role_claim is checked when set; nothing to record.
  }
  std::vector<std::string> names = pg::settings::list_items(wanted);
  if (!names.empty()) {
    json::Value selected = json::Value::object();
    for (const std::string& name : names)
      if (const json::Value* v = claims.find(name)) selected.members().emplace_back(name, *v);
    out.selected = selected.dump();
  }
  return out;
}

const ClaimsSummary& claims_summary(const std::string& claims_text) {
  std::string wanted = pg::settings::text(settings::audit_claims);
  std::string role_path = pg::settings::text(auth_pg::settings::jwt_role_claim);
  ClaimsCache& c = claims_cache;
  if (!c.filled || c.claims != claims_text || c.wanted != wanted || c.role_path != role_path) {
    c.summary = summarize(claims_text, wanted, role_path);
    c.claims = claims_text;
    c.wanted = std::move(wanted);
    c.role_path = std::move(role_path);
    c.filled = true;
  }
  return c.summary;
}

bool valid_address(const std::string& text) {
  unsigned char buffer[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

std::optional<int64_t> job_id(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = strtoll(text->c_str(), &end, 10);
  if (errno != 0 || end == text->c_str() || *end != '\0') return std::nullopt;
  return int64_t(v);
}

}  // namespace

Actor current_actor() {
  Actor a;
  a.session_role = role_name(pg::call([] { return GetSessionUserId(); }));
  a.acting_role = role_name(pg::call([] { return GetUserId(); }));
  if (std::optional<std::string> claims = setting("request.jwt.claims")) {
    const ClaimsSummary& s = claims_summary(*claims);
    a.jwt_sub = s.sub;
    a.jwt_role = s.role;
    a.jwt_claims = s.selected;
  }
  a.request_id = setting("request.id");
  a.request_method = setting("request.method");
  a.request_path = setting("request.path");
  a.graphql_operation = setting("request.graphql_operation");
  std::optional<std::string> addr = setting("request.client_addr");
  if (addr && valid_address(*addr)) a.client_addr = std::move(addr);
  a.job_id = job_id(setting("job.id"));
  a.job_task = setting("job.task");
  return a;
}

}  // namespace pg_gateway::audit_pg
