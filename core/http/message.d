core/http/message.o: core/http/message.cpp core/http/message.hpp \
 core/core_zone.hpp core/json/json_writer.hpp
core/http/message.hpp:
core/core_zone.hpp:
core/json/json_writer.hpp:
