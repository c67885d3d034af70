extension/module.o: extension/module.cpp extension/pg_api.hpp \
 bgworker/registration.hpp extension/gucs.hpp core/http/server.hpp \
 core/core_zone.hpp core/http/message.hpp core/http/request_parser.hpp \
 extension/shared_state.hpp
extension/pg_api.hpp:
bgworker/registration.hpp:
extension/gucs.hpp:
core/http/server.hpp:
core/core_zone.hpp:
core/http/message.hpp:
core/http/request_parser.hpp:
extension/shared_state.hpp:
