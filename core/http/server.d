core/http/server.o: core/http/server.cpp core/http/server.hpp \
 core/core_zone.hpp core/http/message.hpp core/http/request_parser.hpp \
 core/http/listen_socket.hpp
core/http/server.hpp:
core/core_zone.hpp:
core/http/message.hpp:
core/http/request_parser.hpp:
core/http/listen_socket.hpp:
