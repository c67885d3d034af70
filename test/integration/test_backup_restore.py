"""Backup and restore of a pg_gateway cluster with a real pgBackRest (issue 15).

One cluster archives its WAL with `pgbackrest archive-push` into a repository
in the test's folder (every path and port passed explicitly: nothing under
/etc or /var is read or written). It holds real pg_gateway state: jobs that
succeeded, failed and are still queued, audit rows of an audited table, and
webhook deliveries received over the HTTP port with a signature. A full and a
differential backup are taken, more changes made, a restore point created,
more changes made after it; then the data directory is deleted.

`pgbackrest restore` (latest) must bring back every row, the ones written
after the last backup included (from the archived WAL); the restored
cluster's workers must serve /ready and GraphQL, and each job that was
queued in the backup must run exactly once. A second restore to the restore
point must bring back exactly the state at that point. Finally a new full
backup and `expire` with a full-backup retention of 1 leave only it, as
`pgbackrest info` shows.

Rows are compared as their full text (every column), with a count and md5
per table, so a missing, extra or changed row fails the test."""

import base64
import hashlib
import hmac
import json
import os
import shutil
import subprocess
import time
import unittest

from harness import IS_ROOT, SERVER_USER, Cluster, as_server_user, wait_until

SW_KEY = b"backup-restore-webhook-key-32byt"
SW_SECRET = "whsec_" + base64.b64encode(SW_KEY).decode()
STANZA = "main"

SETUP_SQL = r"""
CREATE ROLE job_runner;
CREATE ROLE gql_web NOLOGIN;
GRANT USAGE ON SCHEMA public TO job_runner, gql_web;
CREATE TABLE public.done (n int, ran_as text);
GRANT INSERT, SELECT ON public.done TO job_runner;
CREATE FUNCTION public.record(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$
  INSERT INTO public.done VALUES ((payload->>'n')::int, current_user)
  RETURNING jsonb_build_object('n', n) $$;
CREATE FUNCTION public.explode(payload jsonb) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'exploded on %', payload->>'n';
END $$;
SELECT gateway.register_task('record', 'public.record(jsonb)', 'job_runner');
SELECT gateway.register_task('explode', 'public.explode(jsonb)', 'job_runner');

CREATE TABLE public.events (id bigserial PRIMARY KEY, payload jsonb);
GRANT INSERT, SELECT ON public.events TO job_runner;
GRANT USAGE ON SEQUENCE public.events_id_seq TO job_runner;
CREATE FUNCTION public.record_event(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$
  INSERT INTO public.events (payload) VALUES (payload) RETURNING jsonb_build_object('event', id) $$;
SELECT gateway.register_task('record_event', 'public.record_event(jsonb)', 'job_runner');

CREATE TABLE public.orders (id serial PRIMARY KEY, item text NOT NULL, qty int NOT NULL);
GRANT SELECT ON public.orders TO gql_web;
SELECT gateway.enable_audit('public.orders');
"""

# The state compared after each restore: every row of each table, as text.
TABLES = ["public.orders", "public.done", "public.events", "gateway.jobs",
          "gateway.audit_log", "gateway.webhook_deliveries", "gateway.webhook_sources",
          "gateway.tasks"]


def run_as_server(cmd, check=True, timeout=120):
    r = subprocess.run(as_server_user(cmd), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    return r


class BackupAndRestore(unittest.TestCase):
    """The steps depend on each other, so they are the numbered tests of one
    class, run in name order on one cluster and one repository."""

    @classmethod
    def setUpClass(cls):
        cls.c = c = Cluster("test_backup_restore", database="postgres")
        cls.repo = os.path.join(c.dir, "repo")
        cls.conf = os.path.join(c.dir, "pgbackrest.conf")
        common = " ".join(cls.path_options("archive-push"))
        c.settings.update({
            "pg_gateway.http_workers": "1",
            "pg_gateway.job_workers": "1",
            "pg_gateway.job_poll_interval": "200",
            "pg_gateway.anonymous_role": "'gql_web'",
            "wal_level": "replica",
            "archive_mode": "on",
            "archive_command": f"'pgbackrest {common} --stanza={STANZA} archive-push %p'",
        })
        c.init()  # a new, empty c.dir holding the data directory
        for sub in ("repo", "lock", "log"):
            os.makedirs(os.path.join(c.dir, sub))
            if IS_ROOT:
                shutil.chown(os.path.join(c.dir, sub), SERVER_USER, SERVER_USER)
        # The configuration file holds only what every command shares; the
        # paths are also given on each command line (they win over the file).
        with open(cls.conf, "w") as f:
            f.write(f"[global]\nrepo1-path={cls.repo}\nlock-path={os.path.join(c.dir, 'lock')}\n"
                    f"log-path={os.path.join(c.dir, 'log')}\ncompress-type=lz4\nprocess-max=1\n"
                    f"start-fast=y\narchive-timeout=30\nlog-level-console=warn\n"
                    f"log-level-file=info\n\n[{STANZA}]\npg1-path={c.data}\npg1-port={c.port}\n"
                    f"pg1-socket-path={c.socket_dir}\n")
        if IS_ROOT:
            shutil.chown(cls.conf, SERVER_USER, SERVER_USER)
        c.start()
        c.sql("CREATE EXTENSION pg_gateway")
        c.sql(SETUP_SQL)
        c.sql("SELECT gateway.add_webhook_source('sw', 'standard_webhooks', 'record_event', "
              f"ARRAY['{SW_SECRET}'], respond => 'accepted')")
        cls.webhook_n = 0

    @classmethod
    def tearDownClass(cls):
        cls.c.stop(mode="immediate", check=False)

    steps_done = 0

    def setUp(self):
        # Step k needs steps 1..k-1: after a failure, skip rather than fail
        # again for a reason that has nothing to do with the step.
        step = int(self._testMethodName.split("_")[1])
        if type(self).steps_done != step - 1:
            self.skipTest(f"step {type(self).steps_done + 1} did not pass")

    def step_passed(self):
        type(self).steps_done += 1

    # -- helpers ---------------------------------------------------------
    # The options each command accepts on its command line (pgBackRest
    # refuses one a command does not use, e.g. --pg1-port for restore); the
    # configuration file may hold them all (there, unused ones are ignored).
    CONNECTS = ("stanza-create", "check", "backup")
    READS_DATA = CONNECTS + ("archive-push", "archive-get", "restore")

    @classmethod
    def path_options(cls, command="backup"):
        c = cls.c
        opts = [f"--config={cls.conf}", f"--log-path={os.path.join(c.dir, 'log')}",
                f"--repo1-path={cls.repo}"]
        if command != "check":  # check takes no lock (the file's lock-path serves it)
            opts.append(f"--lock-path={os.path.join(c.dir, 'lock')}")
        if command in cls.READS_DATA:
            opts.append(f"--pg1-path={c.data}")
        if command in cls.CONNECTS:
            opts += [f"--pg1-port={c.port}", f"--pg1-socket-path={c.socket_dir}"]
        return opts

    @classmethod
    def pgbackrest(cls, *args, check=True, timeout=180):
        command = args[-1]
        return run_as_server(["pgbackrest", *cls.path_options(command), f"--stanza={STANZA}",
                              *args], check=check, timeout=timeout)

    @classmethod
    def info(cls):
        r = cls.pgbackrest("--output=json", "info")
        return json.loads(r.stdout)[0]

    @classmethod
    def start_without_jobs(cls):
        """Starts the cluster with no job worker (given on the command line,
        so it is not in postgresql.auto.conf, hence not in the backups):
        jobs enqueued now stay queued, and a restored cluster's state can be
        compared before any worker touches it."""
        c = cls.c
        c.pg_ctl("-l", c.logfile, "-w", "-t", "60", "-o", "-c pg_gateway.job_workers=0", "start")
        c.wait_for(lambda: c.try_get("/live") is not None, what="HTTP /live")

    @classmethod
    def post_webhook(cls, n):
        cls.webhook_n += 1
        body = json.dumps({"n": n}).encode()
        msg_id = f"msg_{n}_{cls.webhook_n}"
        ts = int(time.time())
        sig = base64.b64encode(hmac.new(SW_KEY, f"{msg_id}.{ts}.".encode() + body,
                                        hashlib.sha256).digest()).decode()
        r = cls.c.request("POST", "/webhooks/sw", headers={
            "webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": f"v1,{sig}", "Content-Type": "application/json"}, body=body)
        if r.status != 202:
            raise AssertionError(f"webhook {n}: {r}")
        return r.json()["job_id"]

    @classmethod
    def add_job(cls, task, n, extra=""):
        return int(cls.c.sql(f"SELECT id FROM gateway.add_job('{task}', "
                             f"'{{\"n\": {n}}}'{extra})"))

    @classmethod
    def snapshot(cls):
        """Every row of every table of TABLES as text, sorted, with the
        count and an md5 of them."""
        state = {}
        for t in TABLES:
            rows = json.loads(cls.c.sql(
                f"SELECT coalesce(json_agg(r ORDER BY r), '[]') FROM "
                f"(SELECT x::text AS r FROM {t} x) s"))
            state[t] = {"count": len(rows),
                        "md5": hashlib.md5("\n".join(rows).encode()).hexdigest(), "rows": rows}
        return state

    def assertSameState(self, got, want):
        for t in TABLES:
            self.assertEqual(got[t]["rows"], want[t]["rows"], f"rows of {t}")
            self.assertEqual((got[t]["count"], got[t]["md5"]),
                             (want[t]["count"], want[t]["md5"]), t)

    @classmethod
    def archive_everything(cls):
        """Switches to a new WAL segment and waits until the old one is in
        the repository: what a lost server leaves behind is only what was
        archived."""
        c = cls.c
        wal = c.sql("SELECT pg_walfile_name(pg_current_wal_lsn())")
        c.sql("SELECT pg_switch_wal()")
        wait_until(lambda: (c.sql("SELECT coalesce(last_archived_wal, '') FROM "
                                  "pg_stat_archiver") >= wal), timeout=60,
                   what=f"WAL {wal} archived")

    @classmethod
    def destroy(cls):
        c = cls.c
        c.stop(mode="immediate", check=False)
        shutil.rmtree(c.data)
        os.makedirs(c.data, mode=0o700)
        if IS_ROOT:
            shutil.chown(c.data, SERVER_USER, SERVER_USER)

    def jobs_by_status(self):
        return dict(tuple(line.split("|")) for line in self.c.sql(
            "SELECT status, count(*) FROM gateway.jobs GROUP BY 1 ORDER BY 1").splitlines())

    # -- the steps -------------------------------------------------------
    def test_1_backups_of_a_cluster_with_jobs_audit_and_webhooks(self):
        c, cls = self.c, type(self)
        self.pgbackrest("stanza-create")
        self.pgbackrest("check")  # archive_command works: a WAL segment reached the repo

        # Finished jobs, a failed one, and deliveries whose jobs ran.
        done = [self.add_job("record", n) for n in (1, 2, 3)]
        failed = self.add_job("explode", 4, ", max_attempts => 1")
        hooks = [self.post_webhook(n) for n in (10, 11)]
        c.wait_for(lambda: c.sql(
            "SELECT count(*) FROM gateway.jobs WHERE status IN ('succeeded', 'failed')") == "6",
            what="the first jobs finished")
        self.assertEqual(c.sql(f"SELECT status FROM gateway.jobs WHERE id = {failed}"), "failed")
        self.assertEqual(c.sql("SELECT count(*) FROM gateway.jobs WHERE status = 'succeeded' "
                               f"AND id IN ({','.join(map(str, done + hooks))})"), "5")
        c.sql("INSERT INTO public.orders (item, qty) VALUES ('apple', 1), ('pear', 2); "
              "UPDATE public.orders SET qty = 5 WHERE item = 'apple'")

        # From now on no job worker: what is enqueued stays queued.
        c.stop()
        self.start_without_jobs()
        cls.queued = [self.add_job("record", 100), self.post_webhook(110)]
        self.pgbackrest("--type=full", "backup")

        # After the full backup: a differential one in the chain.
        cls.queued += [self.add_job("record", 101), self.post_webhook(111)]
        c.sql("DELETE FROM public.orders WHERE item = 'pear'")
        self.pgbackrest("--type=diff", "backup")

        # After the differential one: changes only in WAL, then the point.
        cls.queued += [self.add_job("record", 102)]
        c.sql("INSERT INTO public.orders (item, qty) VALUES ('plum', 3)")
        c.sql("SELECT pg_create_restore_point('before_disaster')")
        cls.at_point = self.snapshot()

        # After the point: more changes, also only in WAL.
        cls.after_point = [self.add_job("record", 103), self.post_webhook(112)]
        c.sql("UPDATE public.orders SET qty = qty + 100; "
              "INSERT INTO public.orders (item, qty) VALUES ('fig', 4)")
        self.archive_everything()
        cls.latest = self.snapshot()
        self.assertEqual(cls.latest["gateway.jobs"]["count"], 13)
        self.assertEqual(cls.latest["gateway.webhook_deliveries"]["count"], 5)
        self.assertGreaterEqual(cls.latest["gateway.audit_log"]["count"], 7)
        for t in ("public.orders", "gateway.jobs", "gateway.audit_log",
                  "gateway.webhook_deliveries"):
            self.assertNotEqual(cls.at_point[t]["md5"], cls.latest[t]["md5"], t)

        info = self.info()
        self.assertEqual(info["status"]["code"], 0, info)
        backups = info["backup"]
        self.assertEqual([b["type"] for b in backups], ["full", "diff"], backups)
        self.assertEqual(backups[1]["reference"], [backups[0]["label"]])
        cls.first_full = backups[0]["label"]
        self.destroy()
        self.step_passed()

    def test_2_restore_latest_brings_back_every_row(self):
        c = self.c
        self.assertEqual(os.listdir(c.data), [])
        self.pgbackrest("restore")  # latest backup, all archived WAL
        self.start_without_jobs()
        wait_until(lambda: c.sql("SELECT NOT pg_is_in_recovery()") == "t", timeout=60,
                   what="recovery finished and promoted")
        self.assertSameState(self.snapshot(), self.latest)
        self.assertEqual(self.jobs_by_status(),
                         {"succeeded": "5", "failed": "1", "queued": "7"})

        # The restored cluster serves, with its ordinary settings (one job
        # worker): /ready, GraphQL, and each job queued before the disaster
        # runs exactly once.
        c.stop()
        c.start()
        r = c.get("/ready")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["in_recovery"], False)
        r = c.request("POST", "/graphql", {"Content-Type": "application/json"},
                      json.dumps({"query": "{ allOrders(orderBy: ROW_ID_ASC) "
                                           "{ nodes { item qty } } }"}))
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"data": {"allOrders": {"nodes": [
            {"item": "apple", "qty": 105}, {"item": "plum", "qty": 103},
            {"item": "fig", "qty": 4}]}}})
        ids = ",".join(map(str, self.queued + self.after_point))
        c.wait_for(lambda: c.sql(f"SELECT count(*) FROM gateway.jobs WHERE id IN ({ids}) "
                                 "AND status = 'succeeded'") == "7",
                   timeout=30, what="the queued jobs ran after the restore")
        time.sleep(1.0)  # a second run, if any, would show by now
        self.assertEqual(c.sql("SELECT string_agg(n || ':' || count, ',' ORDER BY n) FROM "
                               "(SELECT n, count(*) FROM public.done GROUP BY n) s"),
                         "1:1,2:1,3:1,100:1,101:1,102:1,103:1")
        self.assertEqual(c.sql("SELECT string_agg(payload->>'n', ',' ORDER BY payload->>'n') "
                               "FROM public.events"), "10,11,110,111,112")
        self.assertEqual(c.sql(f"SELECT DISTINCT attempts FROM gateway.jobs WHERE id IN ({ids})"),
                         "1")
        # New rows go on from the restored sequences.
        last = int(c.sql("SELECT max(id) FROM public.orders"))
        self.assertGreater(int(c.sql("INSERT INTO public.orders (item, qty) VALUES ('kiwi', 1) "
                                     "RETURNING id")), last)
        self.archive_everything()
        self.destroy()
        self.step_passed()

    def test_3_restore_to_the_point_brings_back_exactly_that_state(self):
        c = self.c
        self.pgbackrest("--type=name", "--target=before_disaster", "--target-action=promote",
                        "restore")
        self.start_without_jobs()
        wait_until(lambda: c.sql("SELECT NOT pg_is_in_recovery()") == "t", timeout=60,
                   what="recovery to the point finished and promoted")
        self.assertSameState(self.snapshot(), self.at_point)
        self.assertEqual(c.sql("SELECT count(*) FROM public.orders WHERE item IN ('fig', 'kiwi')"),
                         "0")
        self.assertEqual(self.jobs_by_status(),
                         {"succeeded": "5", "failed": "1", "queued": "5"})
        r = c.get("/ready")
        self.assertEqual(r.status, 200, r.body)
        self.step_passed()

    def test_4_expire_keeps_the_retained_full_backup(self):
        self.pgbackrest("--type=full", "backup")
        before = [b["label"] for b in self.info()["backup"]]
        self.assertEqual(len(before), 3, before)
        self.pgbackrest("--repo1-retention-full=1", "expire")
        after = self.info()["backup"]
        self.assertEqual([(b["label"], b["type"]) for b in after], [(before[-1], "full")])
        self.assertNotIn(self.first_full, [b["label"] for b in after])
        text = self.pgbackrest("info").stdout
        self.assertIn("status: ok", text)
        self.assertIn(f"full backup: {before[-1]}", text)
        self.assertNotIn(self.first_full, text)


if __name__ == "__main__":
    unittest.main()
