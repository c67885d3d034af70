#include "extension/webhooks/webhook_routes.hpp"

#include "extension/webhooks/counters.hpp"

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/json/json_value.hpp"
#include "core/json/json_writer.hpp"
#include "core/util/clock.hpp"
#include "core/webhooks/hmac_digests.hpp"
#include "core/webhooks/job_payload.hpp"
#include "core/webhooks/source_verifier.hpp"
#include "extension/http/error_response.hpp"
#include "extension/pg/guard.hpp"
#include "extension/pg/log.hpp"
#include "extension/pg/spi.hpp"
#include "extension/pg/transaction.hpp"
#include "extension/workers/settings.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::webhooks_pg {

namespace {

constexpr std::string_view kWebhooksPrefix = "/webhooks/";
constexpr std::string_view kJobsPrefix = "/jobs/";
constexpr int64_t kRefusalLogIntervalMs = 10000;
constexpr int64_t kLookRetryMs = 250;

// A source name as gateway.webhook_sources allows it; anything else is a
// 404 without a lookup.
bool valid_source_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

std::optional<int64_t> parse_job_id(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// What a source's row says, read in the delivery's transaction.
struct Source {
  webhooks::SourceVerifier verifier;
  std::string options_error;
  int64_t tolerance_s = 300;
  int64_t max_body_bytes = 1 << 20;
  int64_t wait_ms = 10000;
  webhooks::RespondMode mode = webhooks::RespondMode::kResult;
  std::vector<std::string> keep_headers;
  bool enabled = true;
};

std::vector<std::string> json_string_array(const std::optional<std::string>& text) {
  std::vector<std::string> out;
  if (!text) return out;
  json::ParseResult parsed = json::parse(*text);
  if (!parsed.ok() || !parsed.value->is_array()) return out;
  for (const json::Value& v : parsed.value->items())
    if (v.is_string()) out.push_back(v.text());
  return out;
}

int64_t to_int(const std::optional<std::string>& text, int64_t fallback) {
  if (!text) return fallback;
  try {
    return std::stoll(*text);
  } catch (...) {
    return fallback;
  }
}

std::optional<Source> load_source(const std::string& name) {
  std::vector<pg::TextRow> rows = pg::query_text(
      "SELECT s.verifier, s.options::text, ceil(extract(epoch FROM s.tolerance))::bigint, "
      "s.max_body_bytes, ceil(extract(epoch FROM s.wait) * 1000)::bigint, s.respond, "
      "array_to_json(s.keep_headers)::text, s.enabled, "
      "array_to_json(ARRAY(SELECT k.secret FROM gateway.webhook_secrets k "
      "  WHERE k.source = s.name AND (k.expires_at IS NULL OR k.expires_at > now()) "
      "  ORDER BY k.added_at DESC))::text "
      "FROM gateway.webhook_sources s WHERE s.name = $1",
      {name});
  if (rows.empty()) return std::nullopt;
  const pg::TextRow& r = rows[0];
  Source s;
  std::optional<webhooks::VerifierKind> kind =
      webhooks::verifier_kind(r[0].value_or(std::string()));
  if (!kind) {
    s.options_error = "unknown verifier";
  } else {
    s.verifier.kind = *kind;
    s.options_error = webhooks::apply_options(s.verifier, r[1].value_or("{}"));
  }
  s.tolerance_s = to_int(r[2], 300);
  s.max_body_bytes = to_int(r[3], 1 << 20);
  s.wait_ms = to_int(r[4], 10000);
  s.mode = webhooks::respond_mode(r[5].value_or("result")).value_or(webhooks::RespondMode::kResult);
  s.keep_headers = json_string_array(r[6]);
  s.enabled = r[7].value_or("t") == "t";
  s.verifier.secrets = json_string_array(r[8]);
  return s;
}

// The headers the delivery row keeps: the source's allow-list only (never
// Authorization or cookies unless a DBA lists them), as one JSON object;
// a repeated header's values joined with ", " as HTTP allows.
std::string kept_headers_json(const http::Request& request, const std::vector<std::string>& keep) {
  std::vector<std::pair<std::string, std::string>> kept;
  for (const http::Header& h : request.headers) {
    if (std::find(keep.begin(), keep.end(), h.name) == keep.end()) continue;
    auto it = std::find_if(kept.begin(), kept.end(), [&](auto& p) { return p.first == h.name; });
    if (it == kept.end())
      kept.emplace_back(h.name, h.value);
    else
      it->second += ", " + h.value;
  }
  std::string out = "{";
  for (auto& [name, value] : kept) {
    if (out.size() > 1) out += ',';
    json::append_quoted(out, name);
    out += ':';
    json::append_quoted(out, value);
  }
  return out + "}";
}

// Content types a webhook may carry: JSON, forms, and text (XML
// included); anything else (multipart, binary) is refused with 415.
bool acceptable_media_type(const std::string& media) {
  return webhooks::is_json_media_type(media) || media == "application/x-www-form-urlencoded" ||
         media.rfind("text/", 0) == 0 || media == "application/xml";
}

webhooks::JobState job_state(const pg::TextRow& r, size_t first) {
  webhooks::JobState j;
  j.id = to_int(r[first], 0);
  j.status = r[first + 1].value_or(std::string());
  j.attempts = int(to_int(r[first + 2], 0));
  j.has_error = r[first + 3].has_value();
  j.result = r[first + 4];
  return j;
}

}  // namespace

WebhookRoutes::WebhookRoutes(const WorkerStatus& status) : status_(status) {}

std::optional<http::MethodSet> WebhookRoutes::methods_for(const http::Request& request) {
  std::string_view path = request.path;
  if (path.rfind(kWebhooksPrefix, 0) == 0) return http::MethodSet{http::Method::kPost};
  if (path.rfind(kJobsPrefix, 0) == 0)
    return http::MethodSet{http::Method::kGet, http::Method::kHead};
  return std::nullopt;
}

http::Response WebhookRoutes::invoke(http::Request& request) {
  if (!status_.connected)
    throw http::HttpError(503, status_.unavailable_reason, status_.unavailable_message, {},
                          status_.unavailable_hint);
  std::string_view path = request.path;
  if (path.rfind(kJobsPrefix, 0) == 0) {
    std::optional<int64_t> id = parse_job_id(path.substr(kJobsPrefix.size()));
    if (!id) return http::json_error(404, "not_found", "no such job");
    return job_status(request, *id);
  }
  std::string source(path.substr(kWebhooksPrefix.size()));
  if (!valid_source_name(source))
    return http::json_error(404, "unknown_webhook_source", "no webhook source at this path");
  return receive(request, source);
}

// The delivery's transaction: read the source, check size, type and
// signature (CPU only: no network I/O happens inside), then record the
// delivery and its job, or find the first delivery of the same event.
// A refusal writes nothing (the transaction only read).
http::Response WebhookRoutes::receive(http::Request& request, const std::string& name) {
  http::Response answer;
  std::optional<Wait> wait;
  std::string refusal;      // for the log: why, never a secret
  int64_t delivery_id = 0;  // once recorded
  const std::string* content_type_header = request.header("content-type");
  std::string_view content_type =
      content_type_header ? std::string_view(*content_type_header) : std::string_view();
  std::string media = webhooks::media_type(content_type);
  pg::TransactionOptions opts;
  opts.read_only = false;
  opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
  opts.activity = "pg_gateway: webhook delivery";
  try {
    pg::run_in_transaction(opts, [&] {
      std::optional<Source> source = load_source(name);
      if (!source || !source->enabled) {
        answer = http::json_error(404, "unknown_webhook_source", "no webhook source at this path");
        return;
      }
      count(name, int(SourceCounter::kReceived));
      if (int64_t(request.body.size()) > source->max_body_bytes) {
        refusal = "body of " + std::to_string(request.body.size()) + " bytes over max_body_bytes";
        answer = http::json_error(413, "payload_too_large",
                                  "the body is larger than this source accepts");
        return;
      }
      if (!acceptable_media_type(media)) {
        refusal = "content type \"" + media + "\"";
        answer = http::json_error(415, "unsupported_media_type",
                                  "webhooks are accepted as JSON, form or text bodies");
        return;
      }
      if (!source->options_error.empty()) {
        refusal = "source misconfigured: " + source->options_error;
        answer = http::json_error(500, "webhook_source_misconfigured",
                                  "this webhook source is misconfigured");
        return;
      }
      webhooks::SignedRequest signed_request{request.target, request.headers, request.body,
                                             content_type};
      webhooks::VerifyOptions vo;
      vo.now_s = std::chrono::duration_cast<std::chrono::seconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
      vo.tolerance_s = source->tolerance_s;
      webhooks::Verification v = webhooks::verify_source(source->verifier, signed_request, vo);
      if (v.outcome != webhooks::Outcome::kVerified) {
        refusal = v.reason;
        int status = webhooks::status_of(v.outcome);
        answer =
            http::json_error(status,
                             status == 401   ? "invalid_signature"
                             : status == 400 ? "invalid_signature_header"
                                             : "webhook_source_misconfigured",
                             status == 500 ? "this webhook source is misconfigured" : v.reason);
        if (status == 401) answer.set_header("WWW-Authenticate", "Signature");
        return;
      }
      std::optional<std::string> event_id =
          webhooks::event_id_of(source->verifier, signed_request, v);
      std::vector<pg::TextRow> rows = pg::query_text(
          // r.job_id, not j.id: the join reads with the statement's
          // snapshot, taken before the function inserted a new job (a
          // duplicate's job is older, and is seen).
          "SELECT r.delivery_id, r.duplicate, r.job_id, j.status, j.attempts, j.last_error, "
          "j.result::text "
          "FROM gateway.receive_webhook($1, $2, $3::jsonb, decode($4, 'hex'), $5, "
          "nullif($6, '')::inet) r LEFT JOIN gateway.jobs j ON j.id = r.job_id",
          {name, event_id, kept_headers_json(request, source->keep_headers),
           webhooks::hex_encode(request.body), media, request.remote_addr});
      if (rows.empty()) throw std::runtime_error("receive_webhook returned no row");
      count(name, int(SourceCounter::kVerified));
      Wait w;
      w.delivery_id = delivery_id = to_int(rows[0][0], 0);
      w.duplicate = rows[0][1].value_or("f") == "t";
      w.mode = source->mode;
      w.deadline_ms = util::monotonic_ms() + source->wait_ms;
      w.request_id = request.id;
      w.source = name;
      webhooks::JobState job = job_state(rows[0], 2);
      w.job_id = job.id;
      if (w.duplicate) count(name, int(SourceCounter::kDuplicates));
      if (w.duplicate && webhooks::settled(job)) {
        answer = webhooks::settled_response(job, w.mode);
        count(name, int(SourceCounter::kAnsweredOutcome));
      } else if (w.mode == webhooks::RespondMode::kAccepted || source->wait_ms <= 0) {
        answer = webhooks::accepted_response(w.job_id, w.delivery_id, w.duplicate);
        count(name, int(SourceCounter::kAnsweredAccepted));
      } else {
        wait = w;
      }
    });
  } catch (const pg::PgError& e) {
    if (e.sqlstate == "53400") {
      http::Response r = http::json_error(429, e.sqlstate, e.message, e.detail, e.hint);
      r.set_header("Retry-After", "10");
      refusal = e.message;
      answer = r;
    } else if (e.sqlstate == "22P02" || e.sqlstate == "22P05" || e.sqlstate == "22021") {
      refusal = e.message;
      answer = http::json_error(400, e.sqlstate, e.message, e.detail, e.hint);
    } else if (e.sqlstate == "42P01" || e.sqlstate == "42883") {
      answer = http::json_error(404, "unknown_webhook_source", "no webhook source at this path",
                                "The installed pg_gateway extension has no webhook sources.",
                                "ALTER EXTENSION pg_gateway UPDATE");
    } else {
      answer = http_pg::response_for_pg_error(e, request);
    }
  }
  // Refusals by cause; an unknown source has no row (its name is the
  // sender's choice, and counting it would let anyone fill the table).
  if (!wait && answer.status >= 400 && !(answer.status == 404)) {
    SourceCounter c = answer.status == 401   ? SourceCounter::kRefusedSignature
                      : answer.status == 400 ? SourceCounter::kRefusedRequest
                      : answer.status == 413 ? SourceCounter::kRefusedTooLarge
                      : answer.status == 415 ? SourceCounter::kRefusedContentType
                      : answer.status == 429 ? SourceCounter::kRefusedBacklog
                                             : SourceCounter::kRefusedOther;
    // A verified delivery answered 500 by its job is an outcome, not a refusal.
    if (refusal.empty() && answer.status == 500 && answer.find_header("x-job-id") != nullptr)
      c = SourceCounter::kAnsweredOutcome;
    count(name, int(c));
  }
  if (!refusal.empty()) {
    int64_t now = util::monotonic_ms();
    if (now - last_refusal_log_ms_ >= kRefusalLogIntervalMs) {
      pg::log("pg_gateway: webhook to source \"" + name + "\" from " + request.remote_addr +
              " refused with " + std::to_string(answer.status) + ": " + refusal +
              (refusals_not_logged_ ? " (" + std::to_string(refusals_not_logged_) +
                                          " more refusals not logged in the last 10 s)"
                                    : ""));
      last_refusal_log_ms_ = now;
      refusals_not_logged_ = 0;
    } else {
      ++refusals_not_logged_;
    }
  }
  if (!wait) {
    if (delivery_id != 0) answer.set_header("X-Delivery-Id", std::to_string(delivery_id));
    return answer;
  }
  uint64_t ticket = next_ticket_++;
  waits_.emplace(ticket, *wait);
  count(name, int(SourceCounter::kWaiting));
  look_pending_ = true;
  next_look_ms_ = 0;
  set_wait_count();
  http::Response deferred;
  deferred.defer_ticket = ticket;
  return deferred;
}

// The count in this worker's slot is what makes job-finishing commits set
// its latch. It is raised BEFORE the first look at the job (check_waits
// with look_pending_): a commit whose callback still read 0 happened
// before the raise, so that look's snapshot sees it.
void WebhookRoutes::count(const std::string& source, int counter, int64_t delta) const {
  webhooks_pg::count(status_.index, source, SourceCounter(counter), delta);
}

void WebhookRoutes::set_wait_count() {
  shared::WorkerSlot* slot = shared::http_slot(status_.index);
  if (slot) pg_atomic_write_u32(&slot->job_waits, uint32(waits_.size()));
  pg_memory_barrier();
}

// Every deferred answer goes through here: the headers the synchronous
// path would have had, and the waiting gauge.
http::Response WebhookRoutes::finish(const Wait& wait, http::Response response) {
  count(wait.source, int(SourceCounter::kWaiting), -1);
  count(wait.source, int(response.status == 202 ? SourceCounter::kAnsweredAccepted
                                                : SourceCounter::kAnsweredOutcome));
  response.set_header("X-Request-Id", wait.request_id);
  response.set_header("X-Delivery-Id", std::to_string(wait.delivery_id));
  return response;
}

void WebhookRoutes::check_waits(int64_t now_ms, bool woken, const Resume& resume) {
  if (waits_.empty()) return;
  std::vector<std::pair<uint64_t, http::Response>> done;
  std::map<int64_t, webhooks::JobState> states;  // of the jobs looked at now
  if (woken || (look_pending_ && now_ms >= next_look_ms_)) {
    look_pending_ = false;
    std::string ids = "{";
    for (auto& [ticket, w] : waits_) {
      if (ids.size() > 1) ids += ',';
      ids += std::to_string(w.job_id);
    }
    ids += '}';
    std::vector<pg::TextRow> rows;
    pg::TransactionOptions opts;
    opts.read_only = true;
    opts.statement_timeout_ms = workers::settings::statement_timeout_ms;
    opts.activity = "pg_gateway: webhook job waits";
    try {
      pg::run_in_transaction(opts, [&] {
        // One primary-key probe per id, whatever the table's size when
        // the kept plan was made: as a plain join, a plan made while
        // gateway.jobs was nearly empty hashes a sequential scan of it
        // (2 ms a look at 16,000 jobs) until the next ANALYZE. OFFSET 0
        // keeps the probe a parameterized subquery. A job gone (deleted)
        // still gives its row, with no status.
        rows = pg::query_text(
            "SELECT w.id, j.status, j.attempts, j.last_error, j.result "
            "FROM unnest($1::bigint[]) w(id) LEFT JOIN LATERAL ("
            "SELECT j.status, j.attempts, j.last_error, j.result::text AS result "
            "FROM gateway.jobs j WHERE j.id = w.id OFFSET 0) j ON true",
            {ids});
      });
    } catch (const pg::PgError& e) {
      pg::log("pg_gateway: could not read the jobs webhooks wait for: " + e.message);
      // Again soon, not at once: a failing look must not spin the worker
      // (the deadlines still answer 202).
      look_pending_ = true;
      next_look_ms_ = now_ms + kLookRetryMs;
    }
    for (const pg::TextRow& r : rows) {
      webhooks::JobState j = job_state(r, 0);
      states[j.id] = j;
    }
  }
  // One pass: a settled job answers with its outcome, else a passed
  // deadline answers 202.
  for (auto& [ticket, w] : waits_) {
    auto it = states.find(w.job_id);
    if (it != states.end() && webhooks::settled(it->second))
      done.emplace_back(ticket, finish(w, webhooks::settled_response(it->second, w.mode)));
    else if (w.deadline_ms <= now_ms)
      done.emplace_back(
          ticket, finish(w, webhooks::accepted_response(w.job_id, w.delivery_id, w.duplicate)));
  }
  for (auto& d : done) waits_.erase(d.first);
  if (!done.empty()) set_wait_count();
  // After the waits are gone: resuming may serve pipelined requests that
  // add new ones.
  for (auto& [ticket, response] : done) resume(ticket, std::move(response));
}

void WebhookRoutes::release_all(const Resume& resume) {
  std::map<uint64_t, Wait> waits;
  waits.swap(waits_);
  set_wait_count();
  for (auto& [ticket, w] : waits) {
    http::Response r = finish(w, webhooks::accepted_response(w.job_id, w.delivery_id, w.duplicate));
    resume(ticket, std::move(r));
  }
}

void WebhookRoutes::abandon(uint64_t ticket) {
  auto it = waits_.find(ticket);
  if (it == waits_.end()) return;
  count(it->second.source, int(SourceCounter::kWaiting), -1);
  waits_.erase(it);
  set_wait_count();
}

int64_t WebhookRoutes::next_wakeup_ms(int64_t now_ms) const {
  if (waits_.empty()) return -1;
  if (look_pending_) return std::max<int64_t>(0, next_look_ms_ - now_ms);
  int64_t t = INT64_MAX;
  for (auto& [ticket, w] : waits_) t = std::min(t, std::max<int64_t>(0, w.deadline_ms - now_ms));
  return t;
}

}  // namespace pg_gateway::webhooks_pg
