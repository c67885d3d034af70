"""Table versions where no statement hook sees the writes (extension/cache/).

test/sql/cache.sql covers the statements of a session. Two kinds of writes
bypass the executor and utility hooks: rows applied by a logical
replication worker, and WAL replayed on a hot standby. Both must still
change gateway.cache_epoch(), which every ETag includes.
"""

import os
import shutil
import subprocess
import time
import unittest

from harness import (ClusterTestCase, Cluster, PG_BIN, IS_ROOT, SERVER_USER, as_server_user,
                     wait_until)


class LogicalReplicationApply(ClusterTestCase):
    """A subscription in database sub, fed by a publication in database pub
    of the same cluster (the slot is created by hand: CREATE SUBSCRIPTION
    cannot create a slot on its own cluster)."""

    settings = {"wal_level": "logical", "pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "0"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        c = cls.cluster
        for db in ("pub", "sub"):
            c.sql(f"CREATE DATABASE {db}")
            c.sql("CREATE EXTENSION pg_gateway", db=db)
            c.sql("CREATE TABLE t (id int PRIMARY KEY, v int)", db=db)
        c.sql("CREATE PUBLICATION p FOR TABLE t", db="pub")
        c.sql("SELECT pg_create_logical_replication_slot('s', 'pgoutput')", db="pub")
        c.sql(f"CREATE SUBSCRIPTION s CONNECTION 'host={c.socket_dir} port={c.port} dbname=pub' "
              "PUBLICATION p WITH (create_slot = false, slot_name = 's')", db="sub")
        # The initial table sync is done when the table's state is 'r'.
        wait_until(lambda: c.sql("SELECT srsubstate FROM pg_subscription_rel", db="sub") == "r",
                   what="table sync")
        # Let the startup work settle: the apply worker's bookkeeping after
        # the sync, and the log writer's first gateway.maintain_partitions()
        # in database postgres (DDL, so it changes the epoch legitimately).
        stable = {"epoch": None}

        def settled():
            e = c.sql("SELECT gateway.cache_epoch()", db="sub")
            if e == stable["epoch"]:
                return True
            stable["epoch"] = e
            time.sleep(2.0)
            return False
        wait_until(settled, timeout=60.0, what="a steady epoch")

    def epoch(self):
        return int(self.cluster.sql("SELECT gateway.cache_epoch()", db="sub"))

    def test_applied_rows_change_the_epoch(self):
        c = self.cluster
        before = self.epoch()
        c.sql("INSERT INTO t VALUES (1, 1)", db="pub")
        wait_until(lambda: c.sql("SELECT count(*) FROM t WHERE id = 1", db="sub") == "1",
                   what="row applied")
        self.assertNotEqual(self.epoch(), before)

    def test_idle_subscription_leaves_the_epoch_alone(self):
        c = self.cluster
        c.sql("INSERT INTO t VALUES (2, 2)", db="pub")
        wait_until(lambda: c.sql("SELECT count(*) FROM t WHERE id = 2", db="sub") == "1",
                   what="row applied")
        before = self.epoch()
        # The apply worker's keepalives and feedback commit nothing.
        time.sleep(3.0)
        self.assertEqual(self.epoch(), before)


class HotStandby(ClusterTestCase):
    """A streaming standby of the class's cluster: replayed writes fire no
    hook, so the epoch follows the replay position."""

    settings = {"pg_gateway.http_workers": "1", "pg_gateway.job_workers": "0"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        p = cls.cluster
        p.sql("CREATE TABLE t (id int PRIMARY KEY, v int)")
        p.sql("INSERT INTO t VALUES (1, 1)")
        s = Cluster(p.name + "-standby", {
            "pg_gateway.http_workers": "1", "pg_gateway.job_workers": "0",
            "hot_standby": "on",
            "primary_conninfo": f"'host={p.socket_dir} port={p.port} user=postgres'",
        })
        if os.path.exists(s.dir):
            s.stop(mode="immediate", check=False)
            shutil.rmtree(s.dir)
        os.makedirs(s.dir)
        if IS_ROOT:
            shutil.chown(s.dir, SERVER_USER, SERVER_USER)
        subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_basebackup"), "-h",
                                       p.socket_dir, "-p", str(p.port), "-U", "postgres", "-D",
                                       s.data, "-R"]),
                       check=True, capture_output=True)
        s.write_settings()  # replaces the auto.conf that -R wrote; standby.signal stays
        s.start()
        cls.standby = s

    @classmethod
    def tearDownClass(cls):
        cls.standby.stop(mode="immediate", check=False)
        super().tearDownClass()

    def test_replay_changes_the_epoch(self):
        p, s = self.cluster, self.standby
        self.assertEqual(s.sql("SELECT pg_is_in_recovery()"), "t")
        before = s.sql("SELECT gateway.cache_epoch()")
        # Without replay the epoch stays.
        self.assertEqual(s.sql("SELECT gateway.cache_epoch()"), before)
        p.sql("UPDATE t SET v = 2 WHERE id = 1")
        wait_until(lambda: s.sql("SELECT v FROM t WHERE id = 1") == "2", what="replay")
        self.assertNotEqual(s.sql("SELECT gateway.cache_epoch()"), before)


if __name__ == "__main__":
    unittest.main()
