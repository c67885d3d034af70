extension/sql_routes.o: extension/sql_routes.cpp extension/pg_api.hpp \
 extension/sql_routes.hpp core/http/application.hpp core/core_zone.hpp \
 core/http/cors.hpp core/http/message.hpp core/http/http_error.hpp \
 core/http/server.hpp core/http/request_parser.hpp \
 core/util/request_id.hpp extension/worker_status.hpp \
 core/http/request_document.hpp extension/error_response.hpp \
 extension/pg_guard.hpp extension/gucs.hpp \
 extension/request_transaction.hpp
extension/pg_api.hpp:
extension/sql_routes.hpp:
core/http/application.hpp:
core/core_zone.hpp:
core/http/cors.hpp:
core/http/message.hpp:
core/http/http_error.hpp:
core/http/server.hpp:
core/http/request_parser.hpp:
core/util/request_id.hpp:
extension/worker_status.hpp:
core/http/request_document.hpp:
extension/error_response.hpp:
extension/pg_guard.hpp:
extension/gucs.hpp:
extension/request_transaction.hpp:
