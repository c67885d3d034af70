#!/usr/bin/env python3
"""Runs the pgTAP suites (test/pgtap/*.sql) with pg_prove on a real cluster
that has pg_gateway preloaded. Exit status is pg_prove's."""

import glob
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))

from harness import Cluster  # noqa: E402


def main():
    cluster = Cluster("pgtap").init().start()
    try:
        cluster.sql("CREATE EXTENSION pgtap")
        cluster.sql("CREATE EXTENSION pg_gateway")
        files = sorted(glob.glob(os.path.join(HERE, "*.sql")))
        env = dict(os.environ, PGHOST=cluster.socket_dir, PGPORT=str(cluster.port),
                   PGUSER="postgres", PGDATABASE="postgres")
        r = subprocess.run(["pg_prove", "--verbose", *files], env=env)
        return r.returncode
    finally:
        cluster.stop(mode="fast", check=False)


if __name__ == "__main__":
    sys.exit(main())
