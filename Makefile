# pg_gateway: the canonical build of pg_gateway.so (PGXS).
#
#   make                     build (PG_CONFIG=/path/to/pg_config to choose a server)
#   make install             install into that server
#   make installcheck        pg_regress on a temporary instance with the library preloaded
#                            (run it as an unprivileged OS user: initdb refuses root)
#   make core-test           the core's GoogleTest suite (CMake + CTest)
#   make fuzz                build the libFuzzer targets with clang-14 and run each briefly
#   make format-check        clang-format (.clang-format) must leave every C++ file unchanged
#
# The core (core/) is compiled without PostgreSQL's include directories and
# with PG_GATEWAY_CORE_ZONE, so it cannot include postgres.h (see
# core/core_zone.hpp). The PG zone (extension/, bgworker/) sees PostgreSQL's
# headers as system headers so that our -Wall -Wextra -Werror applies to our
# code only.

EXTENSION   = pg_gateway
MODULE_big  = pg_gateway
EXTVERSION := $(shell sed -n "s/^default_version[[:space:]]*=[[:space:]]*'\([^']*\)'.*/\1/p" $(EXTENSION).control)
# The install script of the current version is generated (as pgvector's
# DATA_built) from one readable source, sql/schema/, split by feature, in
# this order (each file may use what the files before it create):
SCHEMA_SOURCES = sql/schema/00_schema.sql \
                 sql/schema/http.sql \
                 sql/schema/routes.sql \
                 sql/schema/graphql.sql \
                 sql/schema/schema_change.sql \
                 sql/schema/jobs.sql \
                 sql/schema/add_job.sql \
                 sql/schema/job_workers.sql \
                 sql/schema/cron.sql \
                 sql/schema/trusted_documents.sql \
                 sql/schema/partitions.sql \
                 sql/schema/audit.sql \
                 sql/schema/request_log.sql \
                 sql/schema/cache.sql \
                 sql/schema/webhooks.sql
# An update script that only adds features is generated the same way: its
# hand-written part (sql/updates/: changes to objects that already exist)
# followed by the new features' sources, so that an updated database and a
# fresh one get their new objects from the same text.
UPDATE_0_6_0_SOURCES = sql/updates/pg_gateway--0.5.0--0.6.0.sql \
                       sql/schema/partitions.sql \
                       sql/schema/audit.sql \
                       sql/schema/request_log.sql
UPDATE_0_7_0_SOURCES = sql/updates/pg_gateway--0.6.0--0.7.0.sql \
                       sql/schema/graphql.sql \
                       sql/schema/cache.sql
UPDATE_0_8_0_SOURCES = sql/updates/pg_gateway--0.7.0--0.8.0.sql \
                       sql/schema/webhooks.sql
UPDATE_0_9_0_SOURCES = sql/updates/pg_gateway--0.8.0--0.9.0.sql \
                       sql/schema/add_job.sql
DATA_built  = build/sql/$(EXTENSION)--$(EXTVERSION).sql \
              build/sql/$(EXTENSION)--0.5.0--0.6.0.sql \
              build/sql/$(EXTENSION)--0.6.0--0.7.0.sql \
              build/sql/$(EXTENSION)--0.7.0--0.8.0.sql \
              build/sql/$(EXTENSION)--0.8.0--0.9.0.sql
# The hand-written scripts: the update scripts and the 0.1.0 install script
# that test/sql/upgrade.sql starts from (sql/schema/*.sql do not match).
DATA        = $(wildcard sql/pg_gateway--*.sql)
PGFILEDESC  = "pg_gateway - HTTP API served by background workers"

CORE_SRCS   = $(sort $(wildcard core/*/*.cpp core/*/*/*.cpp))
PG_SRCS     = $(sort $(wildcard extension/*/*.cpp bgworker/*.cpp))
CORE_OBJS   = $(CORE_SRCS:.cpp=.o)
OBJS        = $(CORE_OBJS) $(PG_SRCS:.cpp=.o)

PG_CXXFLAGS = -std=c++20 -Wall -Wextra -Werror -fno-strict-aliasing
SHLIB_LINK  = -lstdc++ -lcurl -lcrypto

REGRESS         = setup gucs routes functions reflect upgrade graphql jobs audit cache webhooks
REGRESS_OUTDIR ?= build/regress
REGRESS_OPTS    = --inputdir=test --outputdir=$(REGRESS_OUTDIR) \
                  --temp-instance=$(REGRESS_OUTDIR)/instance \
                  --temp-config=test/regress.conf

# Deliberately no LLVM bitcode: Debian's PGXS would compile every .cpp with
# clang for JIT inlining, which buys nothing for C++ code that the executor
# never inlines and would make clang a build requirement.
override with_llvm = no

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

PG_INCLUDEDIR_SERVER := $(shell $(PG_CONFIG) --includedir-server)
override CPPFLAGS := -I$(srcdir) -isystem $(PG_INCLUDEDIR_SERVER) $(CPPFLAGS)

# Core objects: no PostgreSQL include path at all.
$(CORE_OBJS): override CPPFLAGS := -I$(srcdir) -DPG_GATEWAY_CORE_ZONE -D_GNU_SOURCE

# pg_gateway_build_info{version,commit} (extension/metrics/metrics_route.cpp).
GIT_COMMIT := $(shell git -C $(srcdir) rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
extension/metrics/metrics_route.o: override CPPFLAGS += -DPG_GATEWAY_VERSION='"$(EXTVERSION)"' \
                                                       -DPG_GATEWAY_COMMIT='"$(GIT_COMMIT)"'

build/sql/$(EXTENSION)--$(EXTVERSION).sql: $(SCHEMA_SOURCES) Makefile
	@mkdir -p $(dir $@)
	{ echo '-- pg_gateway $(EXTVERSION) install script, generated from sql/schema/*.sql by make; edit those'; \
	  for f in $(SCHEMA_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; } > $@.tmp
	mv $@.tmp $@

build/sql/$(EXTENSION)--0.5.0--0.6.0.sql: $(UPDATE_0_6_0_SOURCES) Makefile
	@mkdir -p $(dir $@)
	{ echo '-- pg_gateway 0.5.0 -> 0.6.0 update script, generated by make from $(UPDATE_0_6_0_SOURCES); edit those'; \
	  for f in $(UPDATE_0_6_0_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; } > $@.tmp
	mv $@.tmp $@

build/sql/$(EXTENSION)--0.6.0--0.7.0.sql: $(UPDATE_0_7_0_SOURCES) Makefile
	@mkdir -p $(dir $@)
	{ echo '-- pg_gateway 0.6.0 -> 0.7.0 update script, generated by make from $(UPDATE_0_7_0_SOURCES); edit those'; \
	  for f in $(UPDATE_0_7_0_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; } > $@.tmp
	mv $@.tmp $@

build/sql/$(EXTENSION)--0.7.0--0.8.0.sql: $(UPDATE_0_8_0_SOURCES) Makefile
	@mkdir -p $(dir $@)
	{ echo '-- pg_gateway 0.7.0 -> 0.8.0 update script, generated by make from $(UPDATE_0_8_0_SOURCES); edit those'; \
	  for f in $(UPDATE_0_8_0_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; } > $@.tmp
	mv $@.tmp $@

build/sql/$(EXTENSION)--0.8.0--0.9.0.sql: $(UPDATE_0_9_0_SOURCES) Makefile
	@mkdir -p $(dir $@)
	{ echo '-- pg_gateway 0.8.0 -> 0.9.0 update script, generated by make from $(UPDATE_0_9_0_SOURCES); edit those'; \
	  for f in $(UPDATE_0_9_0_SOURCES); do printf '\n-- ==== %s\n\n' "$$f"; cat "$$f"; done; } > $@.tmp
	mv $@.tmp $@

# Header dependencies, so a header change rebuilds what includes it.
override CXXFLAGS += -MMD -MP
-include $(OBJS:.o=.d)
EXTRA_CLEAN = $(OBJS:.o=.d) build

.PHONY: core-test fuzz format format-check
CXX_SOURCES = $(sort $(wildcard core/*/*.[ch]pp core/*/*/*.[ch]pp extension/*/*.[ch]pp bgworker/*.[ch]pp \
                test/unit/*.[ch]pp test/unit/*/*.cpp test/unit/*/*/*.cpp \
                test/fuzz/*.cpp test/compile_fail/*.cpp test/tools/*.cpp))
format:
	clang-format-14 -i $(CXX_SOURCES)
format-check:
	clang-format-14 --dry-run -Werror $(CXX_SOURCES)

core-test:
	cmake -S . -B build/core -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/core -j2
	ctest --test-dir build/core --output-on-failure

FUZZ_SECONDS ?= 30
fuzz:
	CXX=clang++-14 cmake -S . -B build/fuzz -DPG_GATEWAY_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
	cmake --build build/fuzz -j2
	@for f in build/fuzz/*_fuzzer; do \
	  name=$$(basename $$f _fuzzer); corpus=test/fuzz/corpus/$$name; \
	  mkdir -p build/fuzz/corpus/$$name; \
	  echo "fuzzing $$name for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 build/fuzz/corpus/$$name \
	      $$( [ -d $$corpus ] && echo $$corpus ) || exit 1; \
	done
