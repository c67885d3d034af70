#!/usr/bin/env python3
"""What auditing row changes costs (issue 12, "Benchmark"). Called by
bench/audit_vs_plpgsql.sh; see bench/README.md.

One throwaway PostgreSQL 15 cluster (test/integration/harness.py's Cluster,
as the postgres OS user when run as root; pg_gateway preloaded, and pgaudit
too when it is installed) holds bench_items, a 10-column table with a bigint
primary key, and a pgbench workload of single-row writes on it, three script
files (bench/audit/*.pgbench) with weights:

  insert@INSERT_WEIGHT (1)  a new row (id from the table's identity)
  update@UPDATE_WEIGHT (2)  qty = qty + 1 of a random row among ROWS that
                            are never deleted (one column changes)
  delete@DELETE_WEIGHT (1)  the next row of the client's own stripe of ROWS
                            other rows (no two clients delete the same row)

so that every transaction writes exactly one row; the script checks it after
each run from the table's contents. The same workload runs against the same
table in each configuration of CONFIGS:

  none               no audit: the baseline
  plpgsql            the classic PL/pgSQL audit trigger (bench/audit/
                     plpgsql_audit.sql, audit.logged_actions in the style of
                     2ndQuadrant's audit trigger, jsonb), without the
                     statement text: audit.audit_table('bench_items', false)
  plpgsql_query      the same with current_query() in each row, the classic
                     trigger's default: audit.audit_table('bench_items')
  gateway            pg_gateway's C++ trigger: gateway.enable_audit('bench_items')
  gateway_statement  gateway.enable_audit('bench_items', log_statement => true)
  pgaudit            pgaudit's session logging of writes: pgaudit.log = 'write',
                     pgaudit.log_parameter = on (with -M prepared the row's
                     values are the parameters), one line per statement in
                     the server log (logging_collector, a file in the data
                     directory)

gateway* are skipped with a message when the installed extension has no
gateway.enable_audit, pgaudit when pgaudit.so is not installed.

Each run starts from the same state: audit off, bench_items refilled with
2 * ROWS rows, the audit tables emptied, VACUUM ANALYZE, CHECKPOINT; then the
configuration's audit is turned on and `pgbench -n -M prepared -c CLIENTS -j
THREADS -T DURATION` runs. ROUNDS rounds, each measuring every configuration
once (the order rotates between rounds, so that drifts of the machine's load
fall on all of them); WARMUP seconds of the workload without audit before
round 1. Prints each run (writes/s, audit rows written), then per
configuration the median writes/s, the median cost of a write (µs of wall
time per write and client) and its overhead over no audit,
(baseline - x) / baseline, and the issue's figures: the C++ trigger's
overhead / the PL/pgSQL trigger's overhead (goal <= 0.5) and the C++
trigger's overhead over no audit (goal <= 30%). Figures are printed, never
asserted.

Environment: DURATION (10), ROUNDS (3), WARMUP (3), CLIENTS (4), THREADS (2),
ROWS (auto: 1.5x the rows the warm-up's rate deletes in DURATION, at least
100000), PGAUDIT=0 (do not preload pgaudit, skip its configuration), INSERT_WEIGHT (1), UPDATE_WEIGHT (2), DELETE_WEIGHT (1),
CONFIGS (all of the above), VERBOSE=1 (pgbench's output), KEEP=1 (keep the
scratch dir: server logs, pgbench scripts), PG_BIN as for the harness.
Exit status 0 unless the cluster did not start, a configuration could not be
set up or pgbench failed.
"""

import glob
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "test", "integration"))
sys.dont_write_bytecode = True  # leave no __pycache__ in the source tree
import harness  # noqa: E402

DURATION = int(os.environ.get("DURATION", "10"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
WARMUP = int(os.environ.get("WARMUP", "3"))
CLIENTS = int(os.environ.get("CLIENTS", "4"))
THREADS = int(os.environ.get("THREADS", "2"))
# Rows to delete (and as many to update) in a run; "auto": enough for 1.5x
# the deletes the warm-up's rate makes in DURATION seconds, at least 100000.
ROWS_SETTING = os.environ.get("ROWS", "auto")
ROWS = 100000 if ROWS_SETTING == "auto" else int(ROWS_SETTING)
WEIGHTS = {"insert": int(os.environ.get("INSERT_WEIGHT", "1")),
           "update": int(os.environ.get("UPDATE_WEIGHT", "2")),
           "delete": int(os.environ.get("DELETE_WEIGHT", "1"))}
ALL_CONFIGS = ["none", "plpgsql", "plpgsql_query", "gateway", "gateway_statement", "pgaudit"]
CONFIGS = os.environ.get("CONFIGS", " ".join(ALL_CONFIGS)).split()
VERBOSE = os.environ.get("VERBOSE") == "1"
KEEP = os.environ.get("KEEP") == "1"
PGBENCH = os.path.join(harness.PG_BIN, "pgbench")
CLK_TCK = os.sysconf("SC_CLK_TCK")
PKGLIBDIR = subprocess.run(["pg_config", "--pkglibdir"], capture_output=True, text=True,
                           check=True).stdout.strip()
PGAUDIT_SO = os.path.join(PKGLIBDIR, "pgaudit.so")

LABELS = {
    "none": "no audit",
    "plpgsql": "PL/pgSQL trigger",
    "plpgsql_query": "PL/pgSQL trigger + query",
    "gateway": "pg_gateway C++ trigger",
    "gateway_statement": "pg_gateway C++ + statement",
    "pgaudit": "pgaudit (log=write)",
}

TABLE = """
CREATE TABLE bench_items (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  sku         text NOT NULL,
  title       text NOT NULL,
  qty         integer NOT NULL,
  price       numeric(12,2) NOT NULL,
  status      text NOT NULL,
  active      boolean NOT NULL,
  created_at  timestamptz NOT NULL,
  updated_at  timestamptz NOT NULL
)"""

# Rows 1..ROWS are deleted (each client its own stripe), ROWS+1..2*ROWS are
# updated, new ones get ids above 2*ROWS. The updated rows and the inserted
# ones start with qty = 0, so sum(qty) of the updated range counts updates.
FILL = ("INSERT INTO bench_items (id, customer_id, sku, title, qty, price, status, active, "
        "created_at, updated_at) SELECT i, i % 5000, 'SKU-' || lpad((i % 100000)::text, 6, '0'), "
        "'item number ' || i, 0, (i % 10000) / 100.0, 'new', true, now(), now() "
        "FROM generate_series(1, {n}) i; SELECT setval(pg_get_serial_sequence('bench_items', "
        "'id'), {n})")

SCRIPTS = {
    "insert": ("\\set c random(1, 5000)\n"
               "INSERT INTO bench_items (customer_id, sku, title, qty, price, status, active, "
               "created_at, updated_at) VALUES (:c, 'SKU-' || :c, 'item of customer ' || :c, 0, "
               ":c / 100.0, 'new', true, now(), now());\n"),
    "update": ("\\set id random(:rows + 1, 2 * :rows)\n"
               "UPDATE bench_items SET qty = qty + 1 WHERE id = :id;\n"),
    # pgbench keeps a client's variables from one transaction to the next.
    "delete": ("\\set d :d + 1\n"
               "\\set id 1 + (:client_id + :clients * (:d - 1)) % :rows\n"
               "DELETE FROM bench_items WHERE id = :id;\n"),
}


def log(msg):
    print(f"audit_vs_plpgsql: {msg}", file=sys.stderr, flush=True)


def loadavg():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Bench:
    def __init__(self):
        self.work = tempfile.mkdtemp(prefix="pg_gateway-audit-bench.")
        os.chmod(self.work, 0o755)
        if harness.IS_ROOT:
            shutil.chown(self.work, harness.SERVER_USER, harness.SERVER_USER)
        harness.TEST_ROOT = self.work
        with open(os.path.join(PKGLIBDIR, "pg_gateway.so"), "rb") as f:
            # Which build the cluster loads (make install may replace it later).
            self.so_sha = hashlib.sha256(f.read()).hexdigest()[:12]
        self.pgaudit = os.path.exists(PGAUDIT_SO) and os.environ.get("PGAUDIT", "1") != "0"
        preload = "pg_gateway,pgaudit" if self.pgaudit else "pg_gateway"
        self.cluster = harness.Cluster("audit", {
            "shared_preload_libraries": f"'{preload}'",
            "pg_gateway.http_workers": "1",
            "max_connections": "50",
            "shared_buffers": "'256MB'",
            "max_wal_size": "'4GB'",
            "checkpoint_timeout": "'30min'",
            "jit": "off",
            # Each run starts vacuumed; no autovacuum worker competes for
            # the two cores during a run.
            "autovacuum": "off",
            # pgaudit writes to the server log: a file, as in production.
            "logging_collector": "on",
            "log_destination": "'stderr'",
            "log_directory": "'log'",
            "log_filename": "'postgresql.log'",
            "log_rotation_size": "0",
            "log_rotation_age": "0",
        })
        if self.pgaudit:
            self.cluster.settings["pgaudit.log"] = "'none'"
        self.cluster.init().start()
        c = self.cluster
        c.sql("CREATE EXTENSION pg_gateway")
        if self.pgaudit:
            c.sql("CREATE EXTENSION pgaudit")
        c.sql(TABLE)
        with open(os.path.join(HERE, "plpgsql_audit.sql")) as f:
            c.sql(f.read())
        self.gateway = c.sql("SELECT to_regprocedure('gateway.enable_audit(regclass, text[], "
                             "boolean)') IS NOT NULL") == "t"
        self.version = c.sql("SELECT extversion FROM pg_extension WHERE extname = 'pg_gateway'")
        self.scripts = []
        for name, text in SCRIPTS.items():
            if WEIGHTS[name] <= 0:
                continue
            path = os.path.join(self.work, f"{name}.pgbench")
            with open(path, "w") as f:
                f.write(text)
            os.chmod(path, 0o644)
            self.scripts += ["-f", f"{path}@{WEIGHTS[name]}"]

    def stop(self):
        self.cluster.stop(mode="immediate", check=False)
        if KEEP:
            log(f"kept {self.work}")
        else:
            shutil.rmtree(self.work, ignore_errors=True)

    def sql(self, q):
        return self.cluster.sql(q)

    # -- the server's CPU time ------------------------------------------------------
    # The postmaster reaps its backends, so its cutime + cstime grows by the
    # CPU time of every backend that exited; the long-lived children
    # (WAL writer, checkpointer, logger, pg_gateway's workers...) are read
    # directly. Both together: all the server's CPU time in a run, which
    # depends much less on other load on the machine than writes/s does.
    def children(self):
        pm = self.cluster.postmaster_pid()
        out = {}
        for stat in glob.glob("/proc/[0-9]*/stat"):
            try:
                with open(stat) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pm:  # fields[0] is the state, [1] the ppid
                out[int(stat.split("/")[2])] = int(fields[11]) + int(fields[12])
        return out

    def cpu_sample(self, quiet_pids=None):
        """(postmaster's reaped-children ticks, {pid: ticks} of its children)
        once no child but quiet_pids (or the long-lived ones) is alive."""
        pm = self.cluster.postmaster_pid()
        deadline = time.time() + 10
        while True:
            kids = self.children()
            if quiet_pids is None or set(kids) <= quiet_pids or time.time() > deadline:
                break
            time.sleep(0.02)
        with open(f"/proc/{pm}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[13]) + int(fields[14]), kids

    def long_lived(self):
        """The pids of the server's processes that are not client backends."""
        backends = set(int(x) for x in self.sql(
            "SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend'").split())
        return set(self.children()) - backends

    def server_log_size(self):
        return sum(os.path.getsize(p) for p in glob.glob(os.path.join(
            self.cluster.data, "log", "*")))

    def count_audit_lines(self, offset):
        n = 0
        with open(os.path.join(self.cluster.data, "log", "postgresql.log"), "rb") as f:
            f.seek(offset)
            for line in f:
                # Only the workload's statements (pg_gateway's job worker writes too).
                if b"AUDIT: SESSION," in line and b"bench_items" in line:
                    n += 1
        return n

    # -- configurations -----------------------------------------------------------
    def audit_off(self):
        self.sql("SELECT audit.unaudit_table('bench_items')")
        if self.gateway:
            self.sql("SELECT gateway.disable_audit('bench_items')")
        if self.pgaudit:
            self.set_pgaudit("none")

    def set_pgaudit(self, value):
        if self.sql("SHOW pgaudit.log") == value:
            return
        self.sql(f"ALTER SYSTEM SET pgaudit.log = '{value}'")
        self.sql(f"ALTER SYSTEM SET pgaudit.log_parameter = {'on' if value != 'none' else 'off'}")
        self.sql("SELECT pg_reload_conf()")
        deadline = time.time() + 10
        while self.sql("SHOW pgaudit.log") != value:  # a new connection each time
            if time.time() > deadline:
                raise RuntimeError(f"pgaudit.log did not become {value}")
            time.sleep(0.1)

    def audit_on(self, config):
        if config == "plpgsql":
            self.sql("SELECT audit.audit_table('bench_items', false)")
        elif config == "plpgsql_query":
            self.sql("SELECT audit.audit_table('bench_items')")
        elif config == "gateway":
            self.sql("SELECT gateway.enable_audit('bench_items')")
        elif config == "gateway_statement":
            self.sql("SELECT gateway.enable_audit('bench_items', log_statement => true)")
        elif config == "pgaudit":
            self.set_pgaudit("write")

    def audit_rows(self, config):
        if config.startswith("plpgsql"):
            return int(self.sql("SELECT count(*) FROM audit.logged_actions"))
        if config.startswith("gateway"):
            return int(self.sql("SELECT count(*) FROM gateway.audit_log"))
        return None

    def reset(self):
        self.audit_off()
        self.sql("TRUNCATE bench_items RESTART IDENTITY; TRUNCATE audit.logged_actions; "
                 + FILL.format(n=2 * ROWS))
        tables = "bench_items, audit.logged_actions"
        if self.gateway:
            self.sql("TRUNCATE gateway.audit_log")
            tables += ", gateway.audit_log"
        self.sql(f"VACUUM ANALYZE {tables}")
        self.sql("CHECKPOINT")

    # -- one run ------------------------------------------------------------------
    def pgbench(self, seconds):
        cmd = [PGBENCH, "-n", "-M", "prepared", "-c", str(CLIENTS), "-j", str(THREADS), "-T",
               str(seconds), "-D", "d=0", "-D", f"clients={CLIENTS}", "-D", f"rows={ROWS}",
               *self.scripts, "-h", self.cluster.socket_dir, "-p", str(self.cluster.port),
               "-U", "postgres", "postgres"]
        r = subprocess.run(harness.as_server_user(cmd), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"pgbench failed:\n{r.stdout}\n{r.stderr}")
        if VERBOSE:
            print(r.stdout, flush=True)
        tps = processed = failed = None
        for line in r.stdout.splitlines():
            if line.startswith("tps =") and "without initial connection time" in line:
                tps = float(line.split()[2])
            elif line.startswith("number of transactions actually processed:"):
                processed = int(line.split(":")[1].split("/")[0])
            elif line.startswith("number of failed transactions:"):
                failed = int(line.split(":")[1].split()[0])
        if tps is None or processed is None:
            raise RuntimeError("no tps in pgbench output:\n" + r.stdout)
        return tps, processed, failed or 0

    def writes(self):
        """Rows inserted, updated and deleted since reset(), from the table."""
        inserted, updated, left = (int(x) for x in self.sql(
            f"SELECT (SELECT last_value FROM bench_items_id_seq) - {2 * ROWS}, "
            f"(SELECT coalesce(sum(qty), 0) FROM bench_items WHERE id BETWEEN {ROWS + 1} "
            f"AND {2 * ROWS}), (SELECT count(*) FROM bench_items)").split("|"))
        deleted = 2 * ROWS + inserted - left
        return inserted, updated, deleted

    def run(self, config):
        self.reset()
        self.audit_on(config)
        offset = self.server_log_size() if config == "pgaudit" else 0
        quiet = self.long_lived()
        reaped0, kids0 = self.cpu_sample(quiet)
        tps, processed, failed = self.pgbench(DURATION)
        reaped1, kids1 = self.cpu_sample(quiet)
        ticks = reaped1 - reaped0 + sum(t - kids0[p] for p, t in kids1.items() if p in kids0)
        inserted, updated, deleted = self.writes()
        rows = self.audit_rows(config)
        if config == "pgaudit":
            rows = self.count_audit_lines(offset)
        self.audit_off()
        written = inserted + updated + deleted
        cpu_us = ticks * 1e6 / CLK_TCK / max(written, 1)
        return {"tps": tps, "cpu_us": cpu_us, "processed": processed, "failed": failed, "written": written,
                "split": (inserted, updated, deleted), "audit_rows": rows}


def fmt_pct(x):
    return f"{100 * x:6.1f}%"


def main():
    global ROWS
    log("starting a cluster")
    b = Bench()
    try:
        configs = []
        for c in CONFIGS:
            if c not in ALL_CONFIGS:
                log(f"unknown configuration {c!r} (known: {' '.join(ALL_CONFIGS)})")
                return 1
            if c.startswith("gateway") and not b.gateway:
                print(f"SKIP {c}: the installed pg_gateway ({b.version}) has no "
                      "gateway.enable_audit(regclass, text[], boolean); build and install a "
                      "version with the audit trigger (make -j2 && make install)", flush=True)
                continue
            if c == "pgaudit" and not b.pgaudit:
                print("SKIP pgaudit: " + ("PGAUDIT=0" if os.path.exists(PGAUDIT_SO) else
                                          f"{PGAUDIT_SO} is missing (apt-get install "
                                          "postgresql-15-pgaudit)"), flush=True)
                continue
            configs.append(c)
        if "none" not in configs:
            configs.insert(0, "none")
        warmup = max(WARMUP, 2) if ROWS_SETTING == "auto" else WARMUP
        if warmup > 0:
            log(f"warm-up: {warmup} s without audit")
            b.reset()
            tps = b.pgbench(warmup)[0]
            if ROWS_SETTING == "auto":
                share = WEIGHTS["delete"] / sum(WEIGHTS.values())
                ROWS = max(100000, int(1.5 * tps * DURATION * share))
        pgaudit_note = ("pgaudit preloaded (pgaudit.log = 'none' except in its own runs)"
                        if b.pgaudit else "pgaudit not loaded")
        print(f"pg_gateway {b.version} (pg_gateway.so sha256 {b.so_sha}); {harness.PG_BIN}; pgbench -M prepared -c {CLIENTS} "
              f"-j {THREADS} -T {DURATION}; weights insert {WEIGHTS['insert']} update "
              f"{WEIGHTS['update']} delete {WEIGHTS['delete']}; {2 * ROWS} rows at the start "
              f"of each run; {pgaudit_note}; load average {loadavg()}", flush=True)
        results = {c: [] for c in configs}
        print(f"\n{'round':<6}{'configuration':<30}{'writes/s':>10}{'CPU µs/write':>14}"
              f"{'writes':>9}{'ins/upd/del':>24}{'audit rows':>12}{'failed':>8}", flush=True)
        for r in range(ROUNDS):
            order = configs[r % len(configs):] + configs[:r % len(configs)]
            for c in order:
                m = b.run(c)
                results[c].append(m)
                ins, upd, dele = m["split"]
                note = ""
                if m["written"] != m["processed"]:  # a delete found its row gone: ROWS too small
                    note += f"  (pgbench counted {m['processed']} transactions)"
                if m["audit_rows"] is not None and m["audit_rows"] != m["written"]:
                    note += f"  (audit rows differ from writes by {m['audit_rows'] - m['written']})"
                rows = "-" if m["audit_rows"] is None else str(m["audit_rows"])
                print(f"{r + 1:<6}{LABELS[c]:<30}{m['tps']:10.0f}{m['cpu_us']:14.1f}"
                      f"{m['written']:9d}{f'{ins}/{upd}/{dele}':>24}{rows:>12}{m['failed']:8d}"
                      f"{note}", flush=True)

        med = {c: statistics.median(m["tps"] for m in results[c]) for c in configs}
        cpu = {c: statistics.median(m["cpu_us"] for m in results[c]) for c in configs}
        base, base_cpu = med["none"], cpu["none"]

        def overhead(c):  # (baseline - x) / baseline of writes/s
            return (base - med[c]) / base

        def cpu_overhead(c):  # the same if the server were CPU-bound: 1 - cpu_base / cpu_x
            return 1 - base_cpu / cpu[c]

        print(f"\nmedians of {ROUNDS} rounds ({DURATION} s each, {CLIENTS} clients); "
              f"load average {loadavg()}")
        print(f"{'configuration':<30}{'writes/s':>10}{'overhead':>10}{'CPU µs/write':>14}"
              f"{'+CPU µs':>9}{'CPU overhead':>14}   writes/s per round")
        for c in configs:
            per_round = ", ".join(f"{m['tps']:.0f}" for m in results[c])
            print(f"{LABELS[c]:<30}{med[c]:10.0f}{fmt_pct(overhead(c)):>10}{cpu[c]:14.1f}"
                  f"{cpu[c] - base_cpu:9.1f}{fmt_pct(cpu_overhead(c)):>14}   {per_round}")

        print()
        for cxx, pl, what in (("gateway", "plpgsql", "without the statement text"),
                              ("gateway_statement", "plpgsql_query", "with the statement text")):
            if cxx in med and pl in med:
                ratio = overhead(cxx) / overhead(pl) if overhead(pl) > 0 else float("nan")
                cpu_ratio = (cpu_overhead(cxx) / cpu_overhead(pl) if cpu_overhead(pl) > 0
                             else float("nan"))
                # The same ratio round by round (each round's own baseline).
                rounds = []
                for r in range(ROUNDS):
                    bt = results["none"][r]["tps"]
                    o_pl = (bt - results[pl][r]["tps"]) / bt
                    o_cxx = (bt - results[cxx][r]["tps"]) / bt
                    rounds.append(f"{o_cxx / o_pl:.2f}" if o_pl > 0 else "nan")
                added = (cpu[cxx] - base_cpu) / (cpu[pl] - base_cpu) if cpu[pl] > base_cpu \
                    else float("nan")
                print(f"C++ trigger overhead / PL/pgSQL trigger overhead ({what}): "
                      f"{ratio:.2f} (goal <= 0.5; per round {', '.join(rounds)}; "
                      f"from CPU per write {cpu_ratio:.2f}; CPU µs added per write "
                      f"{cpu[cxx] - base_cpu:.1f} / {cpu[pl] - base_cpu:.1f} = {added:.2f})")
        for cxx, what in (("gateway", ""), ("gateway_statement", " (with the statement text)")):
            if cxx in med:
                print(f"C++ trigger overhead over no audit{what}: {fmt_pct(overhead(cxx)).strip()} "
                      f"(goal <= 30%; from CPU per write {fmt_pct(cpu_overhead(cxx)).strip()})")
        if "gateway" not in med:
            print("C++ trigger: not measured (no gateway.enable_audit in the installed "
                  "pg_gateway)")
        if "pgaudit" in med:
            print(f"pgaudit overhead over no audit: {fmt_pct(overhead('pgaudit')).strip()} "
                  f"(from CPU per write {fmt_pct(cpu_overhead('pgaudit')).strip()})")
        return 0
    finally:
        b.stop()


if __name__ == "__main__":
    sys.exit(main())
