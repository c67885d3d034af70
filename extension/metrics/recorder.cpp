#include "extension/pg/pg_api.hpp"

#include "extension/metrics/recorder.hpp"

#include <cstring>

#include "extension/pg/shared_memory.hpp"
#include "extension/workers/shared_state.hpp"

namespace pg_gateway::metrics_pg {

namespace {

constexpr int kSlots = metrics::kDurationSlots;
constexpr size_t kTaskNameBytes = 64;  // longer names count as "other"

struct HttpRow {
  pg_atomic_uint64 requests[kRoutes][kMethods][kStatusClasses];
  pg_atomic_uint64 duration[kRoutes][kSlots];
  pg_atomic_uint64 duration_sum_ns[kRoutes];
  pg_atomic_uint64 jwt_verifications;
  pg_atomic_uint64 jwt_failures[kJwtReasons];
  pg_atomic_uint64 rate_limit_refusals;
};

struct TaskRow {
  pg_atomic_uint32 used;
  char name[kTaskNameBytes + 1];
  pg_atomic_uint64 events[int(JobEvent::kCount)];
  pg_atomic_uint64 duration[kSlots];
  pg_atomic_uint64 duration_sum_ns;
};

struct Table {
  // Written by many processes at once (each start): fetch-add.
  pg_atomic_uint64 worker_starts[int(WorkerKind::kCount)];
  // Written by whichever job worker refreshes the queue; the sequence is
  // odd while it writes, so a reader can retry instead of pairing a new
  // depth with an old age.
  pg_atomic_uint32 queue_seq;
  pg_atomic_uint64 queue_depth;
  pg_atomic_uint64 queue_oldest_us;
  HttpRow http[shared::kMaxHttpWorkers];
  TaskRow tasks[shared::kMaxJobWorkers][kMaxTasks];

  static void initialize(void* memory) {
    // Every member is a pg_atomic_* or plain bytes; on the platforms
    // PostgreSQL 15 supports with native 64-bit atomics, zeroed memory is
    // their initial state, but pg_atomic_init_* is the documented way.
    auto* t = static_cast<Table*>(memory);
    std::memset(t, 0, sizeof *t);
    auto init = [](pg_atomic_uint64* p, size_t n) {
      for (size_t i = 0; i < n; ++i) pg_atomic_init_u64(&p[i], 0);
    };
    init(t->worker_starts, int(WorkerKind::kCount));
    pg_atomic_init_u32(&t->queue_seq, 0);
    pg_atomic_init_u64(&t->queue_depth, 0);
    pg_atomic_init_u64(&t->queue_oldest_us, 0);
    for (HttpRow& r : t->http)
      init(&r.requests[0][0][0], sizeof(HttpRow) / sizeof(pg_atomic_uint64));
    for (auto& worker : t->tasks)
      for (TaskRow& r : worker) {
        pg_atomic_init_u32(&r.used, 0);
        init(r.events, int(JobEvent::kCount));
        init(r.duration, kSlots);
        pg_atomic_init_u64(&r.duration_sum_ns, 0);
      }
  }
};
static_assert(sizeof(HttpRow) % sizeof(pg_atomic_uint64) == 0);

const pg::shared_memory::Segment segment = {"pg_gateway metrics", sizeof(Table), Table::initialize};

// This process's rows: set once by worker_started(), -1 elsewhere.
int http_index = -1;
int job_index = -1;

Table* table() { return static_cast<Table*>(pg::shared_memory::find(&segment)); }

// One more, by the only process that writes this value: no locked
// instruction, and readers still see it whole.
inline void bump(pg_atomic_uint64* p, uint64_t n = 1) {
  pg_atomic_write_u64(p, pg_atomic_read_u64(p) + n);
}

HttpRow* my_http_row() {
  if (http_index < 0) return nullptr;
  Table* t = table();
  return t ? &t->http[http_index] : nullptr;
}

// This job worker's row for `task`: found, the first free one claimed, or
// the last row ("other") once the others are taken. The name is written
// before `used`, so a reader never sees half of it.
TaskRow* task_row(std::string_view task) {
  if (job_index < 0) return nullptr;
  Table* t = table();
  if (!t) return nullptr;
  TaskRow* rows = t->tasks[job_index];
  if (task.size() > kTaskNameBytes || task.empty()) task = "other";
  for (int i = 0; i < kMaxTasks; ++i) {
    TaskRow& r = rows[i];
    if (pg_atomic_read_u32(&r.used) == 0) {
      if (i == kMaxTasks - 1) task = "other";
      std::memset(r.name, 0, sizeof r.name);
      std::memcpy(r.name, task.data(), task.size());
      pg_write_barrier();
      pg_atomic_write_u32(&r.used, 1);
      return &r;
    }
    if (task == r.name || i == kMaxTasks - 1) return &r;
  }
  return nullptr;
}

uint64_t to_ns(double seconds) { return seconds > 0 ? uint64_t(seconds * 1e9) : 0; }

}  // namespace

void reserve_shared_memory() { pg::shared_memory::reserve(&segment); }

void worker_started(WorkerKind kind, int index) {
  Table* t = table();
  if (!t) return;
  pg_atomic_fetch_add_u64(&t->worker_starts[int(kind)], 1);
  if (kind == WorkerKind::kHttp && index >= 0 && index < shared::kMaxHttpWorkers)
    http_index = index;
  if (kind == WorkerKind::kJob && index >= 0 && index < shared::kMaxJobWorkers) job_index = index;
}

void record_request(int route, int method, int status_class, double seconds) {
  HttpRow* r = my_http_row();
  if (!r || route < 0 || route >= kRoutes || method < 0 || method >= kMethods || status_class < 0 ||
      status_class >= kStatusClasses)
    return;
  bump(&r->requests[route][method][status_class]);
  bump(&r->duration[route][metrics::duration_slot(seconds)]);
  bump(&r->duration_sum_ns[route], to_ns(seconds));
}

void count_jwt_verification() {
  if (HttpRow* r = my_http_row()) bump(&r->jwt_verifications);
}

void count_jwt_failure(auth::JwtFailure reason) {
  HttpRow* r = my_http_row();
  if (!r) return;
  int i = int(reason) - 1;  // kNone is not a failure
  if (i < 0 || i >= kJwtReasons) i = kJwtReasons - 1;
  bump(&r->jwt_failures[i]);
}

void count_rate_limit_refusal() {
  if (HttpRow* r = my_http_row()) bump(&r->rate_limit_refusals);
}

void count_job(std::string_view task, JobEvent e) {
  if (TaskRow* r = task_row(task)) bump(&r->events[int(e)]);
}

void record_job_duration(std::string_view task, double seconds) {
  TaskRow* r = task_row(task);
  if (!r) return;
  bump(&r->duration[metrics::duration_slot(seconds)]);
  bump(&r->duration_sum_ns, to_ns(seconds));
}

void publish_queue(uint64_t depth, double oldest_due_age_seconds) {
  Table* t = table();
  if (!t) return;
  // Several job workers may publish; the odd/even sequence is only a
  // consistency hint for readers, and concurrent publishers write values
  // of the same moment give or take a refresh.
  pg_atomic_fetch_add_u32(&t->queue_seq, 1);
  pg_write_barrier();
  pg_atomic_write_u64(&t->queue_depth, depth);
  pg_atomic_write_u64(&t->queue_oldest_us,
                      oldest_due_age_seconds > 0 ? uint64_t(oldest_due_age_seconds * 1e6) : 0);
  pg_write_barrier();
  pg_atomic_fetch_add_u32(&t->queue_seq, 1);
}

HttpTotals http_totals() {
  HttpTotals out;
  Table* t = table();
  if (!t) return out;
  for (const HttpRow& cr : t->http) {
    HttpRow& r = const_cast<HttpRow&>(cr);
    for (int a = 0; a < kRoutes; ++a) {
      for (int m = 0; m < kMethods; ++m)
        for (int s = 0; s < kStatusClasses; ++s)
          out.requests[a][m][s] += pg_atomic_read_u64(&r.requests[a][m][s]);
      for (int b = 0; b < kSlots; ++b)
        out.duration[a].slots[size_t(b)] += pg_atomic_read_u64(&r.duration[a][b]);
      out.duration[a].sum += double(pg_atomic_read_u64(&r.duration_sum_ns[a])) / 1e9;
    }
    out.jwt_verifications += pg_atomic_read_u64(&r.jwt_verifications);
    for (int i = 0; i < kJwtReasons; ++i)
      out.jwt_failures[i] += pg_atomic_read_u64(&r.jwt_failures[i]);
    out.rate_limit_refusals += pg_atomic_read_u64(&r.rate_limit_refusals);
  }
  return out;
}

std::string_view jwt_reason_label(int reason) {
  static constexpr std::string_view kLabels[kJwtReasons] = {
      "malformed", "algorithm",     "header",   "no_key", "signature",
      "expired",   "not_yet_valid", "audience", "issuer", "other"};
  return reason >= 0 && reason < kJwtReasons ? kLabels[reason] : "other";
}

std::vector<TaskTotals> task_totals() {
  std::vector<TaskTotals> out;
  Table* t = table();
  if (!t) return out;
  for (auto& worker : t->tasks)
    for (TaskRow& r : worker) {
      if (pg_atomic_read_u32(&r.used) == 0) continue;
      pg_read_barrier();
      char name[kTaskNameBytes + 1];
      std::memcpy(name, r.name, sizeof name);
      name[kTaskNameBytes] = '\0';
      TaskTotals* tt = nullptr;
      for (TaskTotals& x : out)
        if (x.task == name) tt = &x;
      if (!tt) {
        out.push_back(TaskTotals{});
        tt = &out.back();
        tt->task = name;
      }
      for (int e = 0; e < int(JobEvent::kCount); ++e)
        tt->events[e] += pg_atomic_read_u64(&r.events[e]);
      for (int b = 0; b < kSlots; ++b)
        tt->duration.slots[size_t(b)] += pg_atomic_read_u64(&r.duration[b]);
      tt->duration.sum += double(pg_atomic_read_u64(&r.duration_sum_ns)) / 1e9;
    }
  return out;
}

uint64_t worker_starts(WorkerKind kind) {
  Table* t = table();
  return t ? pg_atomic_read_u64(&t->worker_starts[int(kind)]) : 0;
}

bool queue(uint64_t* depth, double* oldest_due_age_seconds) {
  Table* t = table();
  if (!t) return false;
  for (int attempt = 0; attempt < 4; ++attempt) {
    uint32 before = pg_atomic_read_u32(&t->queue_seq);
    pg_read_barrier();
    *depth = pg_atomic_read_u64(&t->queue_depth);
    *oldest_due_age_seconds = double(pg_atomic_read_u64(&t->queue_oldest_us)) / 1e6;
    pg_read_barrier();
    if (before % 2 == 0 && pg_atomic_read_u32(&t->queue_seq) == before) return before != 0;
  }
  return pg_atomic_read_u32(&t->queue_seq) != 0;
}

}  // namespace pg_gateway::metrics_pg
