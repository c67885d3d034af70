extension/shared_state.o: extension/shared_state.cpp \
 extension/shared_state.hpp extension/pg_api.hpp
extension/shared_state.hpp:
extension/pg_api.hpp:
