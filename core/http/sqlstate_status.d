core/http/sqlstate_status.o: core/http/sqlstate_status.cpp \
 core/http/sqlstate_status.hpp core/core_zone.hpp
core/http/sqlstate_status.hpp:
core/core_zone.hpp:
