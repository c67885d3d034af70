#!/usr/bin/env bash
# Installs the Debian 12 packages that pg_gateway needs to build, test and
# benchmark. Safe to run again; used by scripts/setup.sh and .ci/run.
set -euo pipefail

packages=(
  # build
  build-essential g++ make cmake pkg-config
  postgresql-15 postgresql-server-dev-15
  postgresql-15-postgis-3  # GraphQL compat reference schema (test/graphql_compat)
  libcurl4-openssl-dev  # job workers' http and email tasks (libcurl multi)
  libssl-dev  # JWT signatures (libcrypto: RSA, ECDSA, Ed25519, HMAC)
  # tests: GoogleTest, pgTAP + pg_prove, libFuzzer and sanitizers (clang-14), HTTP client
  googletest libgtest-dev
  postgresql-15-pgtap libtap-parser-sourcehandler-pgtap-perl
  clang-14 libclang-rt-14-dev llvm-14 clang-format-14
  python3 python3-cryptography curl procps iproute2  # cryptography: JWT test vectors and tokens
  nodejs  # graphql-http's server audit (test/graphql_http_audit), graphql-js oracles
  # benchmarks and the real peers later issues test against
  wrk nginx-light pgbouncer hyperfine
  pgbackrest  # backup, restore and point-in-time recovery (test/integration/test_backup_restore)
)

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
else
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# npm comes with NodeSource's nodejs but is a package of its own in Debian's.
if ! command -v npm >/dev/null 2>&1; then
  echo "install-deps: installing npm"
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends npm
fi
