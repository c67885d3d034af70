// Must NOT compile: a core translation unit that includes postgres.h before
// a core header (core_zone.hpp stops with #error).
#include "postgres.h"

#include "core/http/message.hpp"

int main() { return 0; }
