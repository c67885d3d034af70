bgworker/target_database.o: bgworker/target_database.cpp \
 extension/pg_api.hpp bgworker/target_database.hpp \
 extension/shared_state.hpp extension/worker_status.hpp \
 extension/gucs.hpp core/http/server.hpp core/core_zone.hpp \
 core/http/message.hpp core/http/request_parser.hpp \
 extension/pg_guard.hpp extension/pg_log.hpp
extension/pg_api.hpp:
bgworker/target_database.hpp:
extension/shared_state.hpp:
extension/worker_status.hpp:
extension/gucs.hpp:
core/http/server.hpp:
core/core_zone.hpp:
core/http/message.hpp:
core/http/request_parser.hpp:
extension/pg_guard.hpp:
extension/pg_log.hpp:
