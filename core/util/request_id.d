core/util/request_id.o: core/util/request_id.cpp core/util/request_id.hpp \
 core/core_zone.hpp
core/util/request_id.hpp:
core/core_zone.hpp:
