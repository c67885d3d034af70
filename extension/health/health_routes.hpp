// GET /live, GET /ready and GET /ready/write.
//
// /live proves the worker's loop runs and never touches the database, so a
// database problem does not get the process killed by an orchestrator.
// /ready runs a query in the target database and says, with a reason, why
// it cannot serve: database missing, extension not created, database
// error. /ready/write also fails on a hot standby.
#pragma once

#include <vector>

#include "core/http/application.hpp"
#include "extension/workers/worker_status.hpp"

namespace pg_gateway::health {

std::vector<http::Route> health_routes(const WorkerStatus& status);

}  // namespace pg_gateway::health
