bgworker/http_worker.o: bgworker/http_worker.cpp extension/pg_api.hpp \
 bgworker/http_worker.hpp bgworker/target_database.hpp \
 extension/shared_state.hpp extension/worker_status.hpp \
 core/http/application.hpp core/core_zone.hpp core/http/cors.hpp \
 core/http/message.hpp core/http/http_error.hpp core/http/server.hpp \
 core/http/request_parser.hpp core/util/request_id.hpp \
 core/http/listen_socket.hpp core/util/clock.hpp \
 core/util/fault_injection.hpp extension/gucs.hpp \
 extension/health_routes.hpp extension/pg_guard.hpp extension/pg_log.hpp \
 extension/sql_routes.hpp
extension/pg_api.hpp:
bgworker/http_worker.hpp:
bgworker/target_database.hpp:
extension/shared_state.hpp:
extension/worker_status.hpp:
core/http/application.hpp:
core/core_zone.hpp:
core/http/cors.hpp:
core/http/message.hpp:
core/http/http_error.hpp:
core/http/server.hpp:
core/http/request_parser.hpp:
core/util/request_id.hpp:
core/http/listen_socket.hpp:
core/util/clock.hpp:
core/util/fault_injection.hpp:
extension/gucs.hpp:
extension/health_routes.hpp:
extension/pg_guard.hpp:
extension/pg_log.hpp:
extension/sql_routes.hpp:
