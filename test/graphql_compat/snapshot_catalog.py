#!/usr/bin/env python3
"""Regenerates test/unit/fixtures/compat_catalog.json: gateway.reflect('{app}',
'app_authenticator') on a fresh cluster with schema.sql loaded (privileges as
seen by the role graphile.config.mjs connects PostGraphile as). The core unit tests build the
GraphQL schema from it and compare with PostGraphile's printed schema
(expected/schema.graphql). Needs pg_gateway installed (make install) and the
PostGIS package (scripts/install-deps.sh)."""

import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import PG_BIN, Cluster, as_server_user  # noqa: E402

OUT = os.path.join(HERE, "..", "unit", "fixtures", "compat_catalog.json")


def main():
    c = Cluster("compat-catalog", {"pg_gateway.http_workers": "0", "timezone": "'UTC'"})
    c.init().start(wait_http=False)
    try:
        c.sql("CREATE EXTENSION pg_gateway")
        schema = os.path.join(c.dir, "schema.sql")
        shutil.copy(os.path.join(HERE, "schema.sql"), schema)
        if os.geteuid() == 0:
            shutil.chown(schema, "postgres")
        subprocess.run(as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v",
                                       "ON_ERROR_STOP=1", "-h", c.socket_dir, "-p", str(c.port),
                                       "-U", "postgres", "-d", "postgres", "-f", schema]),
                       check=True, capture_output=True, text=True)
        snapshot = c.sql("SELECT gateway.reflect('{app}', 'app_authenticator')")
        os.makedirs(os.path.dirname(OUT), exist_ok=True)
        with open(OUT, "w") as f:
            f.write(snapshot + "\n")
        print(f"wrote {os.path.relpath(OUT)} ({len(snapshot) // 1024} kB)")
    finally:
        c.stop(mode="immediate", check=False)


if __name__ == "__main__":
    main()
