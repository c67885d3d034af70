core/http/cors.o: core/http/cors.cpp core/http/cors.hpp \
 core/core_zone.hpp core/http/message.hpp
core/http/cors.hpp:
core/core_zone.hpp:
core/http/message.hpp:
