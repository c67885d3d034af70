#!/usr/bin/env bash
# Runs every test of pg_gateway, in this order:
#   0. clang-format check of every C++ file
#   1. core unit tests (GoogleTest via CTest) and the compile-time core-zone checks
#   2. the same unit tests built with AddressSanitizer + UndefinedBehaviorSanitizer
#   3. libFuzzer targets for a bounded time (FUZZ_SECONDS each, default 60)
#   4. build and install the extension (PGXS)
#   5. pg_regress on a temporary instance with the library preloaded
#   6. integration tests: real clusters, real HTTP clients (python3 + curl)
#   7. pgTAP tests on a real cluster (pg_prove)
#   8. the deployment in docker/, validated with the real tools (docker-compose
#      config, promtool, amtool, PgBouncer, pgBackRest) and its entrypoint on
#      a real cluster (no container engine: the stack is not run)
# Needs the packages of scripts/install-deps.sh. Run as root (installs the
# extension; clusters run as the postgres OS user) or as a user with sudo.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
export FUZZ_SECONDS=${FUZZ_SECONDS:-60}

SERVER_USER=postgres
[ "$(id -u)" -eq 0 ] || SERVER_USER=$(id -un)
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
as_server() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$SERVER_USER" -- "$@"; else "$@"; fi; }

# Scratch space the server user can reach whatever the clone's location.
WORK=$(mktemp -d /tmp/pg_gateway-tests.XXXXXX)
chmod 755 "$WORK"
[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$WORK"
cleanup() {
  # Stop any cluster a failed step left behind, then remove the scratch space.
  for pid in $(find "$WORK" -name postmaster.pid 2>/dev/null); do
    as_server "$(pg_config --bindir)/pg_ctl" -D "$(dirname "$pid")" -m immediate stop >/dev/null 2>&1
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

TOTAL_PASSED=0
TOTAL_FAILED=0
SUMMARY=()
record() {  # record <step> <passed> <failed>
  TOTAL_PASSED=$((TOTAL_PASSED + $2))
  TOTAL_FAILED=$((TOTAL_FAILED + $3))
  SUMMARY+=("$(printf '%-28s %5d passed %5d failed' "$1" "$2" "$3")")
}
banner() { printf '\n==== %s ====\n' "$1"; }

# ctest output -> passed/failed counts
ctest_counts() {
  local line total failed
  line=$(grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' "$1" | tail -1)
  total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
  failed=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
  [ -n "$total" ] || { echo "0 1"; return; }
  echo "$((total - failed)) $failed"
}

run_ctest_step() {  # run_ctest_step <name> <build dir> [cmake args...]
  local name=$1 dir=$2; shift 2
  banner "$name"
  local log=$WORK/$name.log
  if cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >"$log" 2>&1 &&
     cmake --build "$dir" -j2 >>"$log" 2>&1; then
    ctest --test-dir "$dir" --output-on-failure -j2 >>"$log" 2>&1
    tail -n 5 "$log"
    grep -E '^[[:space:]]*[0-9]+ - .*\((Failed|Subprocess|Timeout)' "$log" || true
    read -r p f < <(ctest_counts "$log")
  else
    tail -n 40 "$log"; p=0; f=1
  fi
  record "$name" "$p" "$f"
}

# 0
banner "clang-format"
if make -s format-check >"$WORK/format.log" 2>&1; then
  echo "every C++ file is formatted"
  record clang-format 1 0
else
  head -n 40 "$WORK/format.log"
  echo "run 'make format' to fix"
  record clang-format 0 1
fi

# 1, 2
run_ctest_step core-unit build/core
run_ctest_step core-unit-asan-ubsan build/asan -DPG_GATEWAY_SANITIZE=ON

# 3
banner "fuzz (${FUZZ_SECONDS}s per target)"
if make fuzz FUZZ_SECONDS="$FUZZ_SECONDS" >"$WORK/fuzz.log" 2>&1; then
  grep -E '^(fuzzing|Done|stat::number_of_executed_units)' "$WORK/fuzz.log"
  record fuzz "$(grep -c '^Done' "$WORK/fuzz.log")" 0
else
  tail -n 60 "$WORK/fuzz.log"
  record fuzz 0 1
fi

# 4
banner "build and install the extension"
if make -j2 >"$WORK/build.log" 2>&1 && as_root make install >>"$WORK/build.log" 2>&1; then
  echo "built and installed pg_gateway.so"
  record build-install 1 0
else
  tail -n 60 "$WORK/build.log"
  record build-install 0 1
  printf '\n%s\n' "${SUMMARY[@]}"
  echo "tests: $TOTAL_PASSED passed, $((TOTAL_FAILED)) failed"
  exit 1
fi

# 5
banner "pg_regress"
REG=$WORK/regress
mkdir -p "$REG" && cp -r test/sql test/expected test/regress.conf "$REG"/
[ "$(id -u)" -eq 0 ] && chown -R "$SERVER_USER" "$REG"
tests=$(sed -n 's/^REGRESS[[:space:]]*=[[:space:]]*//p' Makefile)
(cd "$REG" && as_server "$(pg_config --pkglibdir)/pgxs/src/test/regress/pg_regress" \
   --bindir="$(pg_config --bindir)" --inputdir=. --outputdir=out \
   --temp-instance=out/instance --temp-config=regress.conf $tests) >"$WORK/regress.log" 2>&1
cat "$WORK/regress.log" | grep -E '^(test |ok |not ok|All |  *[0-9]+ of)|tests (passed|failed)' || tail -n 30 "$WORK/regress.log"
n_reg=$(wc -w <<<"$tests")
f_reg=$(grep -cE '(\.\.\. FAILED|^not ok)' "$WORK/regress.log")
if [ -f "$REG/out/regression.diffs" ]; then cat "$REG/out/regression.diffs"; fi
if ! grep -qE 'All [0-9]+ tests passed|^# All [0-9]+ tests passed' "$WORK/regress.log" && [ "$f_reg" -eq 0 ]; then f_reg=1; fi
record pg_regress "$((n_reg - f_reg))" "$f_reg"

# 6
banner "integration tests (real clusters over HTTP)"
export PG_GATEWAY_TEST_ROOT=$WORK/it
mkdir -p "$PG_GATEWAY_TEST_ROOT"
[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$PG_GATEWAY_TEST_ROOT"
(cd test/integration && python3 -m unittest discover -s . -p 'test_*.py' -v) >"$WORK/it.log" 2>&1
grep -E '(\.\.\. (ok|FAIL|ERROR|skipped)|^Ran |^OK|^FAILED)' "$WORK/it.log"
if grep -qE '^(FAIL|ERROR):' "$WORK/it.log"; then
  sed -n '/^======/,$p' "$WORK/it.log" | head -n 300
fi
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$WORK/it.log")
bad=$(grep -cE '^(FAIL|ERROR):' "$WORK/it.log")
[ -n "$ran" ] || { ran=0; bad=$((bad > 0 ? bad : 1)); tail -n 40 "$WORK/it.log"; }
record integration "$((ran - bad))" "$bad"

# 7
banner "pgTAP"
python3 test/pgtap/run.py >"$WORK/pgtap.log" 2>&1
cat "$WORK/pgtap.log" | tail -n 25
tap_total=$(sed -n 's/.*Files=[0-9]*, Tests=\([0-9]*\).*/\1/p' "$WORK/pgtap.log")
tap_failed=$(grep -oE 'Failed [0-9]+/' "$WORK/pgtap.log" | awk -F'[ /]' '{s += $2} END {print s + 0}')
if [ -z "$tap_total" ] || ! grep -q 'Result: PASS' "$WORK/pgtap.log"; then
  [ "$tap_failed" -gt 0 ] || tap_failed=1
  tap_total=${tap_total:-$tap_failed}
fi
record pgtap "$((tap_total - tap_failed))" "$tap_failed"

# 8
banner "deployment (docker/ validated, not run)"
export PG_GATEWAY_TEST_ROOT=$WORK/deploy
mkdir -p "$PG_GATEWAY_TEST_ROOT"
[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$PG_GATEWAY_TEST_ROOT"
python3 -m unittest discover -s test/deploy -p 'test_*.py' -v >"$WORK/deploy.log" 2>&1
grep -E '(\.\.\. (ok|FAIL|ERROR|skipped)|^Ran |^OK|^FAILED)' "$WORK/deploy.log"
if grep -qE '^(FAIL|ERROR):' "$WORK/deploy.log"; then
  sed -n '/^======/,$p' "$WORK/deploy.log" | head -n 200
fi
ran=$(sed -n 's/^Ran \([0-9]*\) tests\{0,1\}.*/\1/p' "$WORK/deploy.log")
bad=$(grep -cE '^(FAIL|ERROR):' "$WORK/deploy.log")
[ -n "$ran" ] || { ran=0; bad=$((bad > 0 ? bad : 1)); tail -n 40 "$WORK/deploy.log"; }
record deploy "$((ran - bad))" "$bad"

printf '\n==== summary ====\n'
printf '%s\n' "${SUMMARY[@]}"
echo "tests: $TOTAL_PASSED passed, $TOTAL_FAILED failed"
[ "$TOTAL_FAILED" -eq 0 ]
