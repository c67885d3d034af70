extension/pg_log.o: extension/pg_log.cpp extension/pg_api.hpp \
 extension/pg_log.hpp extension/pg_guard.hpp
extension/pg_api.hpp:
extension/pg_log.hpp:
extension/pg_guard.hpp:
