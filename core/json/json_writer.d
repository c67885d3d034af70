core/json/json_writer.o: core/json/json_writer.cpp \
 core/json/json_writer.hpp core/core_zone.hpp
core/json/json_writer.hpp:
core/core_zone.hpp:
