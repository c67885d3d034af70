#include "core/http/sqlstate_status.hpp"

namespace pg_gateway::http {

int http_status_for_sqlstate(std::string_view s) {
  if (s.size() != 5) return 500;
  if (s[0] == 'P' && s[1] == 'T') {
    int n = 0;
    for (size_t i = 2; i < 5; ++i) {
      if (s[i] < '0' || s[i] > '9') return 500;
      n = n * 10 + (s[i] - '0');
    }
    return (n >= 400 && n <= 599) ? n : 500;
  }
  std::string_view cls = s.substr(0, 2);
  if (s == "23503" || s == "23505" || s == "23P01") return 409;
  if (s == "25006") return 405;  // read_only_sql_transaction: a write on a read route
  if (s == "40001" || s == "40P01") return 503;  // serialization failure, deadlock: retry
  if (s == "42501") return 403;                  // insufficient_privilege
  if (s == "55P03") return 503;                  // lock_not_available
  if (s == "57014") return 504;                  // query_canceled: statement_timeout
  if (s == "57P01" || s == "57P02" || s == "57P03") return 503;  // shutdown in progress
  if (s == "P0001") return 400;                                  // RAISE EXCEPTION without a code
  if (s == "P0002") return 404;                                  // no_data_found
  if (cls == "08") return 503;
  if (cls == "0L" || cls == "0P" || cls == "28") return 403;
  if (cls == "22" || cls == "23") return 400;
  if (cls == "53") return 503;
  return 500;
}

}  // namespace pg_gateway::http
