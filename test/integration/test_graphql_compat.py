"""The compatibility suite through the real HTTP worker: every request in
test/graphql_compat/queries is POSTed to /graphql on a cluster holding the
compat schema, and the answer must equal PostGraphile 5's (data exactly,
error messages and locations; see test/graphql_compat/compare.py) with the
same HTTP status. The cluster is configured as graphile.config.mjs
configures PostGraphile: schema `app`, requests without a token run as
`app_anonymous`, those with the suite's HS256 token as its role (with its
claims in jwt.claims.*), the schema offers what `app_authenticator`
(PostGraphile's login role) may do, errors masked (PostGraphile's default),
session time zone UTC. Cases marked `# reset` (the mutations) start from the
seed data (reset.sql)."""

import json
import os
import shutil
import subprocess
import sys
import unittest
import urllib.error
import urllib.request

from harness import PG_BIN, Cluster, as_server_user, IS_ROOT

HERE = os.path.dirname(os.path.abspath(__file__))
COMPAT = os.path.join(HERE, "..", "graphql_compat")
sys.path.insert(0, COMPAT)
from compare import JWT_AUDIENCE, JWT_SECRET, load_cases, normalize  # noqa: E402


class GraphqlCompat(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cluster = Cluster("graphql-compat", {
            "timezone": "'UTC'",
            "pg_gateway.schemas": "'app'",
            "pg_gateway.anonymous_role": "'app_anonymous'",
            "pg_gateway.authenticator_role": "'app_authenticator'",
            "pg_gateway.mask_errors": "on",
            "pg_gateway.jwt_secret": f"'{JWT_SECRET}'",
            "pg_gateway.jwt_audience": f"'{JWT_AUDIENCE}'",
            "pg_gateway.jwt_type": "'app.jwt_token'",  # graphile.config.mjs's pgJwtTypes
            # PostGraphile serves every request the connecting role's schema.
            "pg_gateway.role_schemas": "off",
        }, database="compat")
        cls.cluster.init().start()
        c = cls.cluster
        c.sql("CREATE DATABASE compat")
        for script in ("schema.sql", "reset.sql"):
            path = os.path.join(c.dir, script)
            shutil.copy(os.path.join(COMPAT, script), path)
            if IS_ROOT:
                shutil.chown(path, "postgres")
            subprocess.run(as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v",
                                           "ON_ERROR_STOP=1", "-h", c.socket_dir, "-p",
                                           str(c.port), "-U", "postgres", "-d", "compat", "-f",
                                           path]),
                           check=True, capture_output=True, text=True)
        c.sql("CREATE EXTENSION pg_gateway", db="compat")
        c.wait_for(lambda: cls.post({"query": "{ __typename }"})[0] == 200, timeout=60,
                   what="/graphql ready")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop(mode="immediate", check=False)

    @classmethod
    def post(cls, body, headers=None):
        req = urllib.request.Request(cls.cluster.url("/graphql"), data=json.dumps(body).encode(),
                                     method="POST", headers={
                                         "Content-Type": "application/json",
                                         "Accept": "application/graphql-response+json",
                                         **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, json.loads(r.read())
        except urllib.error.HTTPError as e:
            raw = e.read()
            try:
                return e.code, json.loads(raw)
            except ValueError:
                return e.code, {"unparsable": raw.decode(errors="replace")}
        except OSError as e:
            return None, {"connection": str(e)}

    def test_every_case_answers_like_postgraphile(self):
        cases = load_cases()
        self.assertGreaterEqual(len(cases), 80)
        for case in cases:
            with self.subTest(case=case.name):
                if case.reset:
                    self.cluster.sql("SELECT compat_seed.reset()", db="compat")
                status, body = self.post(case.request, case.headers)
                self.assertEqual(normalize(body), case.expected)
                self.assertEqual(status, case.http_status)


if __name__ == "__main__":
    unittest.main()
