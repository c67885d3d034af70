extension/gucs.o: extension/gucs.cpp extension/pg_api.hpp \
 extension/gucs.hpp core/http/server.hpp core/core_zone.hpp \
 core/http/message.hpp core/http/request_parser.hpp core/http/cors.hpp \
 core/http/listen_socket.hpp extension/pg_guard.hpp
extension/pg_api.hpp:
extension/gucs.hpp:
core/http/server.hpp:
core/core_zone.hpp:
core/http/message.hpp:
core/http/request_parser.hpp:
core/http/cors.hpp:
core/http/listen_socket.hpp:
extension/pg_guard.hpp:
