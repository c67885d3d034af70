extension/sql_functions.o: extension/sql_functions.cpp \
 extension/pg_api.hpp core/http/sqlstate_status.hpp core/core_zone.hpp \
 extension/gucs.hpp core/http/server.hpp core/http/message.hpp \
 core/http/request_parser.hpp extension/pg_guard.hpp \
 extension/shared_state.hpp
extension/pg_api.hpp:
core/http/sqlstate_status.hpp:
core/core_zone.hpp:
extension/gucs.hpp:
core/http/server.hpp:
core/http/message.hpp:
core/http/request_parser.hpp:
extension/pg_guard.hpp:
extension/shared_state.hpp:
