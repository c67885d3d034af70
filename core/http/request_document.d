core/http/request_document.o: core/http/request_document.cpp \
 core/http/request_document.hpp core/core_zone.hpp core/http/message.hpp \
 core/http/http_error.hpp core/json/json_writer.hpp \
 core/util/fault_injection.hpp
core/http/request_document.hpp:
core/core_zone.hpp:
core/http/message.hpp:
core/http/http_error.hpp:
core/json/json_writer.hpp:
core/util/fault_injection.hpp:
