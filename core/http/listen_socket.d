core/http/listen_socket.o: core/http/listen_socket.cpp \
 core/http/listen_socket.hpp core/core_zone.hpp
core/http/listen_socket.hpp:
core/core_zone.hpp:
