extension/request_transaction.o: extension/request_transaction.cpp \
 extension/pg_api.hpp extension/request_transaction.hpp \
 extension/pg_guard.hpp
extension/pg_api.hpp:
extension/request_transaction.hpp:
extension/pg_guard.hpp:
