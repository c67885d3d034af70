extension/health_routes.o: extension/health_routes.cpp \
 extension/pg_api.hpp extension/health_routes.hpp \
 core/http/application.hpp core/core_zone.hpp core/http/cors.hpp \
 core/http/message.hpp core/http/http_error.hpp core/http/server.hpp \
 core/http/request_parser.hpp core/util/request_id.hpp \
 extension/worker_status.hpp core/json/json_writer.hpp extension/gucs.hpp \
 extension/pg_guard.hpp extension/request_transaction.hpp
extension/pg_api.hpp:
extension/health_routes.hpp:
core/http/application.hpp:
core/core_zone.hpp:
core/http/cors.hpp:
core/http/message.hpp:
core/http/http_error.hpp:
core/http/server.hpp:
core/http/request_parser.hpp:
core/util/request_id.hpp:
extension/worker_status.hpp:
core/json/json_writer.hpp:
extension/gucs.hpp:
extension/pg_guard.hpp:
extension/request_transaction.hpp:
