core/http/application.o: core/http/application.cpp \
 core/http/application.hpp core/core_zone.hpp core/http/cors.hpp \
 core/http/message.hpp core/http/http_error.hpp core/http/server.hpp \
 core/http/request_parser.hpp core/util/request_id.hpp
core/http/application.hpp:
core/core_zone.hpp:
core/http/cors.hpp:
core/http/message.hpp:
core/http/http_error.hpp:
core/http/server.hpp:
core/http/request_parser.hpp:
core/util/request_id.hpp:
