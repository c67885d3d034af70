// Static registration of pg_gateway's background workers (postmaster only).
#pragma once

namespace pg_gateway::module {

// Registers pg_gateway.http_workers HTTP workers, or as many as
// max_worker_processes leaves room for, with one log line saying so.
void register_http_workers();
void register_job_workers();
void register_log_writer();  // the request log writer (bgworker/log_writer.cpp)

}  // namespace pg_gateway::module
