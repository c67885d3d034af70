// Must NOT compile: a core translation unit that pulls in postgres.h after
// core headers (core_zone.hpp poisons the identifiers PostgreSQL declares).
#include "core/http/message.hpp"

#include "postgres.h"

int main() { return 0; }
