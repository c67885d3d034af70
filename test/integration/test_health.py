"""GET /live and GET /ready against a real cluster (issue #2, point 4)."""

import unittest

from harness import ClusterTestCase, Cluster, EXTENSION_VERSION


class HealthRoutes(ClusterTestCase):

    def test_live_answers_without_the_database(self):
        r = self.cluster.get("/live")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json()["status"], "live")
        self.assertEqual(r.header("cache-control"), "no-store")
        self.assertIsNotNone(r.header("x-request-id"))

    def test_ready_reports_extension_version(self):
        r = self.cluster.get("/ready")
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertEqual(body["status"], "ready")
        self.assertEqual(body["extension_version"], EXTENSION_VERSION)
        self.assertFalse(body["in_recovery"])
        self.assertEqual(self.cluster.get("/ready/write").status, 200)

    def test_ready_is_503_while_extension_is_dropped(self):
        self.cluster.sql("DROP EXTENSION pg_gateway")
        try:
            r = self.cluster.get("/ready")
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["reason"], "extension_missing")
            self.assertIn("CREATE EXTENSION pg_gateway", r.json()["hint"])
            self.assertEqual(self.cluster.get("/live").status, 200)
        finally:
            self.cluster.sql("CREATE EXTENSION pg_gateway")
        self.assertEqual(self.cluster.get("/ready").status, 200)

    def test_workers_visible_in_pg_stat_activity(self):
        rows = self.cluster.sql(
            "SELECT backend_type || '|' || application_name FROM pg_stat_activity "
            "WHERE backend_type = 'pg_gateway http' ORDER BY application_name")
        self.assertEqual(rows.split("\n"), ["pg_gateway http|pg_gateway http worker 1",
                                            "pg_gateway http|pg_gateway http worker 2"])


class ReadyBeforeExtensionExists(ClusterTestCase):
    create_extension = False

    def test_ready_says_extension_missing_and_live_works(self):
        r = self.cluster.get("/ready")
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["reason"], "extension_missing")
        self.assertEqual(self.cluster.get("/live").status, 200)
        # SQL routes also answer 503 with the reason, not 404.
        r = self.cluster.get("/anything")
        self.assertEqual(r.status, 503)
        self.assertIn("not installed", r.json()["message"])


if __name__ == "__main__":
    unittest.main()
