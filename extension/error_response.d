extension/error_response.o: extension/error_response.cpp \
 extension/pg_api.hpp extension/error_response.hpp core/http/message.hpp \
 core/core_zone.hpp extension/pg_guard.hpp core/http/sqlstate_status.hpp \
 extension/pg_log.hpp
extension/pg_api.hpp:
extension/error_response.hpp:
core/http/message.hpp:
core/core_zone.hpp:
extension/pg_guard.hpp:
core/http/sqlstate_status.hpp:
extension/pg_log.hpp:
