core/util/fault_injection.o: core/util/fault_injection.cpp \
 core/util/fault_injection.hpp core/core_zone.hpp
core/util/fault_injection.hpp:
core/core_zone.hpp:
