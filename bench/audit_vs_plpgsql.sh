#!/usr/bin/env bash
# What auditing row changes costs (issue 12, "Benchmark"): a pgbench workload
# of single-row INSERT / UPDATE (one column) / DELETE on a 10-column table,
# in one throwaway PostgreSQL 15 cluster, with no audit, with the classic
# PL/pgSQL audit trigger (bench/audit/plpgsql_audit.sql, audit.logged_actions),
# with pg_gateway's C++ trigger (gateway.enable_audit; skipped when the
# installed extension has none) and with pgaudit's session logging of writes
# (skipped when postgresql-15-pgaudit is not installed). See
# bench/audit/vs_plpgsql.py and bench/README.md.
#
#   bench/audit_vs_plpgsql.sh                          (as root, or a user who can initdb)
#   DURATION=30 ROUNDS=5 bench/audit_vs_plpgsql.sh
#   CONFIGS="none plpgsql gateway" bench/audit_vs_plpgsql.sh
#
# Environment: DURATION (10), ROUNDS (3), WARMUP (3), CLIENTS (4), THREADS (2),
# ROWS (auto), PGAUDIT=0, INSERT_WEIGHT (1), UPDATE_WEIGHT (2), DELETE_WEIGHT (1),
# CONFIGS ("none plpgsql plpgsql_query gateway gateway_statement pgaudit"),
# VERBOSE=1, KEEP=1, PG_BIN.
#
# Uses the INSTALLED pg_gateway (make -j2 && make install first), pgbench and
# python3; pgaudit if installed (apt-get install postgresql-15-pgaudit).
# Prints writes/s per configuration, the overhead ratios and the issue's
# figures; never asserts them.
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "audit_vs_plpgsql: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "missing python3"
PG_BIN=${PG_BIN:-$(pg_config --bindir)}
[ -x "$PG_BIN/pgbench" ] || die "missing $PG_BIN/pgbench"
export PG_BIN
if ! dpkg-query -W -f='${Status}' postgresql-15-pgaudit 2>/dev/null | grep -q "install ok installed" &&
   [ ! -f "$(pg_config --pkglibdir)/pgaudit.so" ]; then
  echo "audit_vs_plpgsql: pgaudit is not installed (apt-get install postgresql-15-pgaudit); its configuration will be skipped" >&2
fi

PYTHONDONTWRITEBYTECODE=1 exec python3 bench/audit/vs_plpgsql.py "$@"
