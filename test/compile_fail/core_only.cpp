// Must compile: the control for the two compile-fail cases, built with the
// very same command line, so their failure proves the zone check and not a
// broken command.
#include "core/http/message.hpp"

int main() { return pg_gateway::http::reason_phrase(200).empty() ? 1 : 0; }
