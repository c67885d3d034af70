extension/pg_guard.o: extension/pg_guard.cpp extension/pg_guard.hpp \
 extension/pg_api.hpp
extension/pg_guard.hpp:
extension/pg_api.hpp:
