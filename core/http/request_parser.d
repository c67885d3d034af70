core/http/request_parser.o: core/http/request_parser.cpp \
 core/http/request_parser.hpp core/core_zone.hpp core/http/message.hpp
core/http/request_parser.hpp:
core/core_zone.hpp:
core/http/message.hpp:
