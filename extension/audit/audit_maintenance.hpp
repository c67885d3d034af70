// The audit log's partitions, kept by job worker 1 (bgworker/job_worker.cpp):
// this month's and the next two exist before rows need them, and whole
// months older than pg_gateway.audit_retention are dropped.
#pragma once

namespace pg_gateway::audit_pg {

// In its own transaction. Does nothing in a database whose pg_gateway has
// no audit log (older than 0.6.0). Logs each partition created or dropped;
// throws pg::PgError when the maintenance fails (the caller logs it and
// tries again later).
void maintain_audit_log(const char* worker_name);

}  // namespace pg_gateway::audit_pg
