#!/usr/bin/env python3
"""DRAFT: what HTTP caching buys pg_gateway's /graphql, in one run on ONE
PostgreSQL 15 cluster. Called by bench/graphql_cache.sh, which checks the
prerequisites first; see bench/README.md. It cannot run before the shared
response cache (extension/cache/response_cache.cpp) and GET caching are
integrated into /graphql: the checks before timing say what is missing.

The servers are bench/graphql/vs_postgraphile.py's (one cluster, pg_gateway
and PostGraphile 5 on the same database, test/graphql_compat/schema.sql),
with pg_gateway.response_cache_size = CACHE_MB and the tables both
workloads read (app.posts, app.users, app.comments) tagged
'@pgCacheControl maxAge=60' before the workers start, so their responses
are public and cacheable for 60 s (nothing writes during the run).

Per workload (list, lookup: bench/graphql/anchor_*.json) and round:
  post          POST /graphql with Cache-Control: no-cache: executed on
                every request (uncached)
  etag_304      GET with If-None-Match: <ETag of a first GET>: 304
  cache_hit     GET without it: a hit in the shared response cache
  postgraphile  POST to PostGraphile
and once per round live (GET /live). Medians of ROUNDS runs; ratios
etag_304/post (goal >= 3), cache_hit/live (goal >= 0.6), each mode /
postgraphile. Figures are reported, never asserted; the exit status is 1
when a check before timing fails or a run had errors.

Environment: as vs_postgraphile.py (DURATION, ROUNDS, WARMUP, THREADS,
CONNECTIONS, WORKERS, WRK, VERBOSE, KEEP, PG_BIN) plus CACHE_MB (64).
DURATION defaults to 10 here.
"""

import json
import os
import re
import statistics
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
os.environ.setdefault("DURATION", "10")
os.environ["SERVERS"] = "pg_gateway PostGraphile"
os.environ.setdefault("AUTH", "none")  # public responses only: no token
sys.path.insert(0, HERE)
import vs_postgraphile as vs  # noqa: E402

CACHE_MB = int(os.environ.get("CACHE_MB", "64"))
GET_LUA = os.path.join(vs.ROOT, "bench", "graphql_get.lua")
MODES = ["post", "etag_304", "cache_hit", "postgraphile"]
MAX_AGE = 60

# Smart tags go before a comment's description (PostGraphile's convention);
# the descriptions are kept, so both servers' schemas stay as they were.
TAG_SQL = f"""
DO $$
DECLARE t regclass;
BEGIN
  FOREACH t IN ARRAY ARRAY['app.posts', 'app.users', 'app.comments']::regclass[] LOOP
    EXECUTE format('COMMENT ON TABLE %s IS %L', t,
                   concat_ws(E'\\n', '@pgCacheControl maxAge={MAX_AGE}',
                             obj_description(t, 'pg_class')));
  END LOOP;
END $$;
-- app.comments has row level security (policies that all say USING (true)
-- for reads): with it on, every response reading it is PRIVATE by rule and
-- the list workload could never be shared. Off for this run, on both
-- servers alike; the answers stay the same.
ALTER TABLE app.comments DISABLE ROW LEVEL SECURITY;
"""


def log(msg):
    print(f"graphql_cache: {msg}", file=sys.stderr, flush=True)


def get(url, headers=None, timeout=30):
    """GET; returns (status, headers as a dict with lower-case names, body)."""
    h = {"Accept": "application/graphql-response+json", **(headers or {})}
    req = urllib.request.Request(url, method="GET", headers=h)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def get_path(body_path):
    """/graphql?query=... for a POST body file {"query": ...}."""
    with open(body_path) as f:
        query = json.load(f)["query"]
    return "/graphql?" + urllib.parse.urlencode({"query": query})


def check_caching(servers):
    """Per workload, the ETag the etag_304 mode sends. Fails (RuntimeError)
    with what is missing when a GET is not cacheable, not served from the
    cache the second time, or not answered 304 for its own ETag."""
    etags = {}
    for name, body_path in vs.WORKLOADS:
        url = servers.cluster.url(get_path(body_path))
        status, headers, raw = get(url)
        if status != 200 or b'"errors"' in raw:
            raise RuntimeError(f"{name}: GET answered HTTP {status}: {raw[:300]!r}")
        with open(body_path, "rb") as f:
            _, posted = vs.post(servers.gateway_url, f.read())
        if vs.canonical(raw) != vs.canonical(posted):
            raise RuntimeError(f"{name}: GET and POST answer differently")
        etag = headers.get("etag")
        cache_control = headers.get("cache-control", "")
        if not etag:
            raise RuntimeError(f"{name}: GET has no ETag (ETags not integrated?)")
        if "public" not in cache_control or f"max-age={MAX_AGE}" not in cache_control:
            raise RuntimeError(f"{name}: GET's Cache-Control is {cache_control!r}, expected "
                               f"public, max-age={MAX_AGE} (smart tags not read?)")
        status, headers, _ = get(url)
        if status != 200 or "age" not in headers:
            raise RuntimeError(f"{name}: a second GET is not a shared cache hit (no Age header; "
                               f"is pg_gateway.response_cache_size read?)")
        status, _, raw = get(url, {"If-None-Match": etag})
        if status != 304 or raw:
            raise RuntimeError(f"{name}: GET with If-None-Match: {etag} answered {status}")
        etags[name] = etag
        log(f"{name}: GET is public (ETag {etag}), a cache hit the second time, 304 on its ETag")
    return etags


def run_wrk(url, lua, env, seconds, latency):
    cmd = [vs.WRK, f"-t{vs.THREADS}", f"-c{vs.CONNECTIONS}", f"-d{seconds}s"]
    if lua:
        cmd += ["-s", lua]
    if latency:
        cmd.append("--latency")
    r = subprocess.run(cmd + [url], env=dict(os.environ, **env), capture_output=True, text=True,
                       timeout=seconds + 60)
    if r.returncode != 0:
        raise RuntimeError(f"wrk failed: {r.stderr}")
    return r.stdout


def measure(servers, mode, name, body_path, etags):
    """One run: (warm-up, then) wrk with the mode's script; as vs.measure."""
    if mode == "postgraphile":
        return vs.measure(servers, "PostGraphile", name, body_path)
    if mode == "post":
        # Cache-Control: no-cache takes POSTs past the shared response cache
        # (they would be hits otherwise): the uncached path, with the cache on.
        os.environ["GRAPHQL_CACHE_CONTROL"] = "no-cache"
        try:
            return vs.measure(servers, "pg_gateway", name, body_path)
        finally:
            del os.environ["GRAPHQL_CACHE_CONTROL"]
    base = servers.cluster.url("/")
    if mode == "live":
        url, lua, env = servers.cluster.url("/live"), None, {}
    else:
        url, lua = base, GET_LUA
        env = {"GRAPHQL_GET_PATH": get_path(body_path)}
        if mode == "etag_304":
            env["GRAPHQL_IF_NONE_MATCH"] = etags[name]
    run_wrk(url, lua, env, vs.WARMUP, latency=False)
    pids = servers.server_pids("pg_gateway")
    before = vs.cpu_ticks(pids)
    out = run_wrk(url, lua, env, vs.DURATION, latency=True)
    after = vs.cpu_ticks(pids)
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
        "p50": vs.to_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)),
        "p99": vs.to_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)),
        "cpu_us": ticks / vs.CLK_TCK * 1e6 / max(requests, 1),
        "errors": errors,
    }


def median_of(runs, workload, mode):
    rows = [r for r in runs if r["workload"] == workload and r["mode"] == mode]
    return {k: statistics.median(r[k] for r in rows) for k in ("rps", "p50", "p99", "cpu_us")}


def report(runs):
    print("\nmedians of %d rounds (wrk -t%d -c%d -d%ds --latency)" %
          (vs.ROUNDS, vs.THREADS, vs.CONNECTIONS, vs.DURATION))
    print("%-8s %-13s %10s %9s %9s %11s" % ("workload", "mode", "req/s", "p50_ms", "p99_ms",
                                           "cpu_us/req"))
    live = median_of(runs, "-", "live")
    print("%-8s %-13s %10.1f %9.2f %9.2f %11.1f" %
          ("-", "live", live["rps"], live["p50"], live["p99"], live["cpu_us"]))
    lines = []
    for name, _ in vs.WORKLOADS:
        med = {mode: median_of(runs, name, mode) for mode in MODES}
        for mode in MODES:
            m = med[mode]
            print("%-8s %-13s %10.1f %9.2f %9.2f %11.1f" %
                  (name, mode, m["rps"], m["p50"], m["p99"], m["cpu_us"]))
        r304 = med["etag_304"]["rps"] / med["post"]["rps"]
        rhit = med["cache_hit"]["rps"] / live["rps"]
        pgl = med["postgraphile"]["rps"]
        lines.append(f"{name}: etag_304/post = {r304:.2f}x (goal >= 3: "
                     f"{'met' if r304 >= 3 else 'NOT met'}); cache_hit/live = {rhit:.2f} "
                     f"(goal >= 0.6: {'met' if rhit >= 0.6 else 'NOT met'}); vs PostGraphile: "
                     + ", ".join(f"{mode} {med[mode]['rps'] / pgl:.2f}x"
                                 for mode in ("post", "etag_304", "cache_hit")))
    print()
    for line in lines:
        print(line)


def bench(servers):
    vs.check_same_answers(servers)
    etags = check_caching(servers)
    vs.describe_setup(servers)
    print(f"shared response cache: {CACHE_MB} MB; app.posts, app.users, app.comments tagged "
          f"@pgCacheControl maxAge={MAX_AGE}")
    runs = []
    print("\n%-5s %-8s %-13s %10s %9s %9s %11s %7s" % ("round", "workload", "mode", "req/s",
                                                       "p50_ms", "p99_ms", "cpu_us/req",
                                                       "errors"), flush=True)

    def record(rnd, name, mode, r):
        r.update(round=rnd, workload=name, mode=mode)
        runs.append(r)
        print("%-5d %-8s %-13s %10.1f %9.2f %9.2f %11.1f %7d" %
              (rnd, name, mode, r["rps"], r["p50"], r["p99"], r["cpu_us"], r["errors"]),
              flush=True)

    for rnd in range(1, vs.ROUNDS + 1):
        # Alternate the order between rounds, as vs_postgraphile.py does.
        order = MODES if rnd % 2 == 1 else MODES[::-1]
        record(rnd, "-", "live", measure(servers, "live", "-", None, etags))
        for name, path in vs.WORKLOADS:
            for mode in order:
                record(rnd, name, mode, measure(servers, mode, name, path, etags))
    report(runs)
    if any(r["errors"] for r in runs):
        log("some runs had non-2xx/3xx responses or socket errors: the figures are not valid")
        return 1
    return 0


def main():
    for f in (vs.NODE, vs.POSTGRAPHILE_CLI):
        if not os.path.exists(f):
            log(f"missing {f}: run npm ci in test/graphql_compat first")
            return 1
    servers = vs.Servers(extra_conf={"pg_gateway.response_cache_size": f"'{CACHE_MB}MB'"},
                         setup_sql=[TAG_SQL])
    try:
        try:
            servers.start()
            return bench(servers)
        except RuntimeError as e:
            log(str(e))
            return 1
    finally:
        servers.stop()


if __name__ == "__main__":
    sys.exit(main())
