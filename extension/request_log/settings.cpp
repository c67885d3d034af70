// pg_gateway.* parameters of the request log.
#include "extension/pg/pg_api.hpp"

#include "extension/request_log/settings.hpp"

#include <stdexcept>
#include <string>

#include "extension/pg/guard.hpp"
#include "extension/pg/settings.hpp"

extern "C" {
#include "utils/timestamp.h"
}

namespace pg_gateway::request_log_pg::settings {

int mode = int(Mode::kOff);
char* retention = nullptr;
int buffer_size = 8192;

namespace {

// pg_gateway.request_log_retention must be an interval PostgreSQL reads
// (the log writer hands it to gateway.maintain_partitions() as
// '<text>'::interval, so a value refused here would fail there every hour)
// and at least a day: a shorter one would drop the current month's
// partition as soon as the month ends, which nobody means.
void validate_retention(const char* value) {
  std::string text = value;
  if (text.empty()) throw std::invalid_argument("the retention must not be empty");
  const char* v = text.c_str();
  bool long_enough = pg::call([v] {
    Datum d = DirectFunctionCall3(interval_in, CStringGetDatum(v), ObjectIdGetDatum(InvalidOid),
                                  Int32GetDatum(-1));
    Interval* i = DatumGetIntervalP(d);
    double days = double(i->month) * 30.0 + double(i->day) + double(i->time) / USECS_PER_DAY;
    return days >= 1.0;
  });
  if (!long_enough)
    throw std::invalid_argument("the retention must be at least 1 day (whole months are dropped)");
}

}  // namespace

void define_settings() {
  static const struct config_enum_entry mode_options[] = {{"off", int(Mode::kOff), false},
                                                          {"errors", int(Mode::kErrors), false},
                                                          {"all", int(Mode::kAll), false},
                                                          {nullptr, 0, false}};
  pg::settings::define_enum(
      {"pg_gateway.request_log", "Which HTTP requests become rows of gateway.request_log.",
       "off: none; errors: responses with status 400 or more; all: every request the HTTP "
       "workers answer.",
       PGC_SIGHUP},
      &mode, int(Mode::kOff), mode_options);
  pg::settings::define_string(
      {"pg_gateway.request_log_retention", "How long gateway.request_log keeps its rows.",
       "An interval of at least 1 day; the log writer drops whole monthly partitions whose last "
       "day is older than this.",
       PGC_SIGHUP},
      &retention, "30 days", pg::settings::check_string<validate_retention>);
  pg::settings::define_int(
      {"pg_gateway.request_log_buffer", "Entries the request log's shared-memory buffer holds.",
       "About 1 kB each. When it is full, further requests are not logged (counted in "
       "gateway.request_log_stats()) until the log writer has caught up.",
       PGC_POSTMASTER},
      &buffer_size, 8192, 16, 1024 * 1024);
}

}  // namespace pg_gateway::request_log_pg::settings
