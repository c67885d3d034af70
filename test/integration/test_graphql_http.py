"""GraphQL over HTTP against real clusters (issue 3, points 4 and 5): status
codes and media types of the GraphQL-over-HTTP spec as PostGraphile applies
them, GET and POST, the schema following DDL with no restart and no stale
plan, the plan cache's counters, and SQL errors that become field errors
without hurting the worker."""

import json
import re
import time
import unittest
import urllib.parse

from harness import ClusterTestCase, log_size, log_since

GR_JSON = "application/graphql-response+json; charset=utf-8"
APP_JSON = "application/json; charset=utf-8"
PARSING_FAILED = ("Parsing failed, please check that the data you're sending to the server is "
                  "correct")

SETUP_SQL = r"""
CREATE ROLE gql_web NOLOGIN;
GRANT USAGE ON SCHEMA public TO gql_web;
CREATE TABLE public.widget (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO public.widget (name) VALUES ('alpha'), ('beta'), ('gamma');
GRANT SELECT ON public.widget TO gql_web;
-- Not in gql_web's schema (no privilege on it) ...
CREATE TABLE public.vault (id int PRIMARY KEY, secret text NOT NULL);
INSERT INTO public.vault VALUES (1, 'hidden');
-- ... but this view over it is, while its owner may not read the table: a
-- query on it passes validation and fails in SQL (42501).
CREATE ROLE gql_view_owner NOLOGIN;
CREATE VIEW public.strongroom AS SELECT * FROM public.vault;
ALTER VIEW public.strongroom OWNER TO gql_view_owner;
GRANT SELECT ON public.strongroom TO gql_web;
CREATE FUNCTION public.nap(seconds float8) RETURNS int LANGUAGE sql STABLE
  AS 'SELECT 1 FROM pg_sleep(seconds)';
"""


class GraphqlClient:
    """Mixin: GraphQL requests against cls.cluster."""

    path = "/graphql"

    def post(self, body, content_type="application/json", accept=None, path=None, headers=None):
        h = {"Content-Type": content_type} if content_type else {}
        if accept is not None:
            h["Accept"] = accept
        h.update(headers or {})
        if not isinstance(body, (str, bytes)):
            body = json.dumps(body)
        return self.cluster.request("POST", path or self.path, h, body)

    def gql(self, query, variables=None, accept=None, **kw):
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.post(body, accept=accept, **kw)

    def get(self, params, accept=None, method="GET"):
        h = {} if accept is None else {"Accept": accept}
        return self.cluster.request(method, self.path + "?" + urllib.parse.urlencode(params), h)

    def data(self, query, variables=None):
        r = self.gql(query, variables)
        self.assertEqual(r.status, 200, r.body)
        doc = r.json()
        self.assertNotIn("errors", doc, r.body)
        return doc["data"]

    def stats(self):
        """Summed GraphQL counters of all workers."""
        row = self.cluster.sql(
            "SELECT sum(schema_builds), sum(plan_cache_entries), sum(plan_cache_hits), "
            "sum(plan_cache_misses), sum(plan_cache_evictions) FROM gateway.graphql_worker_stats()")
        keys = ("builds", "entries", "hits", "misses", "evictions")
        return dict(zip(keys, (int(x) for x in row.split("|"))))

    def wait_stats(self, predicate):
        # A worker publishes its counters right after the poll of its sockets
        # that wrote the response: give it a moment before trusting them.
        time.sleep(0.2)
        deadline = time.time() + 10
        while True:
            s = self.stats()
            if predicate(s) or time.time() > deadline:
                return s
            time.sleep(0.05)


class GraphqlOverHttp(GraphqlClient, ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.anonymous_role": "'gql_web'",
                "pg_gateway.cors_allowed_origins": "'https://app.example'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    # -- media types and status codes ------------------------------------------

    def test_post_json_runs_a_query(self):
        r = self.gql("{ allWidgets { nodes { rowId name } } }")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("content-type"), GR_JSON)
        self.assertEqual(r.json(), {"data": {"allWidgets": {"nodes": [
            {"rowId": 1, "name": "alpha"}, {"rowId": 2, "name": "beta"},
            {"rowId": 3, "name": "gamma"}]}}})
        self.assertIn("Accept", r.header("vary"))

    def test_accept_negotiation(self):
        for accept, expected in [(None, GR_JSON),
                                 ("application/graphql-response+json", GR_JSON),
                                 ("application/json", APP_JSON),
                                 ("*/*", APP_JSON),
                                 ("application/json;q=0.5, application/graphql-response+json",
                                  GR_JSON),
                                 ("application/graphql-response+json;q=0.1, application/json",
                                  APP_JSON)]:
            r = self.gql("{ __typename }", accept=accept)
            self.assertEqual((r.status, r.header("content-type")), (200, expected), accept)
            self.assertEqual(r.json(), {"data": {"__typename": "Query"}})
        r = self.gql("{ __typename }", accept="text/html")
        self.assertEqual(r.status, 406, r.body)
        self.assertIn("Could not find a supported media type", r.json()["errors"][0]["message"])

    def test_request_errors_are_400_or_200_by_media_type(self):
        bad = "{ allWidgets { nodes { doesNotExist } } }"
        r = self.gql(bad)
        self.assertEqual((r.status, r.header("content-type")), (400, GR_JSON), r.body)
        doc = r.json()
        self.assertNotIn("data", doc)
        self.assertTrue(doc["errors"][0]["message"].startswith(
            'Cannot query field "doesNotExist" on type "Widget".'), doc)
        r = self.gql(bad, accept="application/json")
        self.assertEqual((r.status, r.header("content-type")), (200, APP_JSON), r.body)
        self.assertNotIn("data", r.json())
        r = self.gql("{", accept="application/graphql-response+json")
        self.assertEqual(r.status, 400, r.body)
        self.assertTrue(r.json()["errors"][0]["message"].startswith("Syntax Error:"))
        r = self.gql("query Q($id: ID!) { __typename }", {"id": None})
        self.assertEqual(r.status, 400, r.body)

    def test_get_runs_queries_with_variables(self):
        r = self.get({"query": "query Q($n: Int) { allWidgets(first: $n) { nodes { name } } }",
                      "variables": json.dumps({"n": 2}), "operationName": "Q"})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["allWidgets"]["nodes"],
                         [{"name": "alpha"}, {"name": "beta"}])
        r = self.get({"query": "{ __typename }"}, method="HEAD")
        self.assertEqual((r.status, r.body), (200, b""))
        self.assertEqual(r.header("content-type"), GR_JSON)

    def test_mutations_over_get_are_405(self):
        for query in ["mutation { __typename }", "query A { __typename } mutation B { x }"]:
            params = {"query": query}
            if "B" in query:
                params["operationName"] = "B"
            r = self.get(params, accept="application/json")
            self.assertEqual(r.status, 405, r.body)
            self.assertEqual(r.header("allow"), "POST")
            self.assertEqual(r.header("content-type"), APP_JSON)
            self.assertEqual(r.json()["errors"][0]["message"],
                             "Only queries may take place over non-POST requests.")

    def test_unsupported_content_types_are_415(self):
        r = self.post('{"query": "{ __typename }"}', content_type="text/plain;charset=UTF-8")
        self.assertEqual(r.status, 415, r.body)
        self.assertEqual(r.json()["errors"][0]["message"], "Media type 'text/plain' is not allowed")
        r = self.post("query=%7B__typename%7D", content_type="application/x-www-form-urlencoded")
        self.assertEqual(r.status, 415, r.body)
        r = self.post('{"query": "{ __typename }"}', content_type="application/json; charset=latin1")
        self.assertEqual(r.status, 415, r.body)
        r = self.post('{"query": "{ __typename }"}', content_type=None)
        self.assertEqual(r.status, 400, r.body)

    def test_bad_bodies_are_400(self):
        for body, message in [('{ "not a JSON', PARSING_FAILED), ("", PARSING_FAILED),
                              ("[]", "Invalid body; expected object"),
                              ('{"qeury": "{ __typename }"}', "query must be a string"),
                              ('{"query": 1}', "query must be a string"),
                              ('{"query": "{ __typename }", "variables": []}',
                               "Invalid variables; expected JSON-encoded object"),
                              ('{"query": "{ __typename }", "operationName": 0}',
                               "operationName, if given, must be a string")]:
            r = self.post(body)
            self.assertEqual(r.status, 400, body)
            self.assertEqual(r.header("content-type"), APP_JSON)
            self.assertEqual(r.json(), {"errors": [{"message": message,
                                                    "extensions": {"statusCode": 400}}]})
        r = self.get({"query": "{ __typename }", "variables": "{"})
        self.assertEqual(r.status, 400, r.body)

    def test_application_graphql_body(self):
        r = self.post("{ allWidgets { totalCount } }", content_type="application/graphql")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"data": {"allWidgets": {"totalCount": 3}}})

    def test_other_methods_options_and_cors(self):
        r = self.cluster.request("PUT", self.path, {"Content-Type": "application/json"}, "{}")
        self.assertEqual(r.status, 405)
        self.assertIn("POST", r.header("allow"))
        r = self.cluster.request("OPTIONS", self.path)
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST, OPTIONS")
        r = self.cluster.request("OPTIONS", self.path, {
            "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example")
        r = self.gql("{ __typename }", headers={"Origin": "https://app.example"})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("access-control-allow-origin"), "https://app.example")

    # -- SQL errors ----------------------------------------------------------

    def test_sql_error_is_a_field_error_and_the_worker_survives(self):
        pids = self.cluster.worker_pids()
        r = self.gql("{ allWidgets { totalCount } allStrongrooms { totalCount } }")
        self.assertEqual(r.status, 200, r.body)
        doc = r.json()
        # PostGraphile runs root fields separately: one failing field keeps
        # the others' data.
        self.assertEqual(doc["data"], {"allWidgets": {"totalCount": 3}, "allStrongrooms": None})
        self.assertEqual(len(doc["errors"]), 1, doc)
        err = doc["errors"][0]
        self.assertEqual(err["path"], ["allStrongrooms"])
        self.assertEqual(err["message"], "permission denied for table vault")
        self.assertEqual(err["extensions"]["code"], "42501")
        # Same answer again (the plans are kept), and other requests go on.
        self.assertEqual(self.gql("{ allStrongrooms { totalCount } }").json()["data"],
                         {"allStrongrooms": None})
        self.assertEqual(self.data("{ allWidgets { totalCount } }"),
                         {"allWidgets": {"totalCount": 3}})
        self.assertEqual(self.cluster.worker_pids(), pids)

    def test_statement_timeout_is_a_field_error(self):
        self.cluster.set_config(statement_timeout="300ms")
        try:
            started = time.time()
            r = self.gql("{ nap(seconds: 5) }")
            self.assertLess(time.time() - started, 3)
            self.assertEqual(r.status, 200, r.body)
            doc = r.json()
            self.assertEqual(doc["data"], {"nap": None})
            self.assertEqual(doc["errors"][0]["extensions"]["code"], "57014")
            self.assertEqual(self.data("{ nap(seconds: 0) }"), {"nap": 1})
        finally:
            self.cluster.set_config(statement_timeout="30s")

    def test_mask_errors(self):
        self.cluster.set_config(mask_errors="on")
        try:
            offset = log_size(self.cluster)
            r = self.gql("{ allStrongrooms { totalCount } }")
            self.assertEqual(r.status, 200, r.body)
            err = r.json()["errors"][0]
            m = re.fullmatch(r"An error occurred \(logged with hash: '([A-Za-z0-9_-]{27})', "
                             r"id: '([A-Za-z0-9_-]{10})'\)", err["message"])
            self.assertIsNotNone(m, err)
            self.assertEqual(err["extensions"], {"errorId": m.group(2)})
            self.assertNotIn("permission denied", r.body.decode())
            time.sleep(0.2)
            logged = log_since(self.cluster, offset)
            self.assertIn(f"hash: '{m.group(1)}', id: '{m.group(2)}'", logged)
            self.assertIn("permission denied for table vault", logged)
        finally:
            self.cluster.set_config(mask_errors="off")

    def test_anonymous_role_must_exist_and_not_be_a_superuser(self):
        try:
            self.cluster.set_config(anonymous_role="postgres")
            r = self.gql("{ allWidgets { totalCount } }")
            self.assertEqual(r.status, 500, r.body)
            self.assertIn("superuser", r.body.decode())
            self.cluster.set_config(anonymous_role="no_such_role")
            r = self.gql("{ allWidgets { totalCount } }")
            self.assertEqual(r.status, 500, r.body)
            self.cluster.set_config(anonymous_role="")
            r = self.gql("{ allWidgets { totalCount } }")
            self.assertEqual(r.status, 503, r.body)
            self.assertIn("pg_gateway.anonymous_role is not set", r.body.decode())
        finally:
            self.cluster.set_config(anonymous_role="gql_web")
        self.assertEqual(self.data("{ allWidgets { totalCount } }"),
                         {"allWidgets": {"totalCount": 3}})

    # -- plan cache and settings ---------------------------------------------

    def test_plan_cache_counters_move(self):
        query = "query Q($n: Int) { allWidgets(first: $n) { nodes { rowId } } }"
        self.data(query, {"n": 1})  # planned (or already kept by an earlier test)
        before = self.wait_stats(lambda s: True)
        for n in (1, 1, 1):
            self.assertEqual(len(self.data(query, {"n": n})["allWidgets"]["nodes"]), n)
        after = self.wait_stats(lambda s: s["hits"] >= before["hits"] + 3)
        # The same page: one SQL text, one plan, three hits.
        self.assertEqual(after["hits"] - before["hits"], 3, (before, after))
        self.assertEqual(after["misses"], before["misses"])
        # A page size is a literal in the text (compile_connections.cpp): another
        # size is another statement, planned once, then hit.
        for _ in range(2):
            self.assertEqual(len(self.data(query, {"n": 2})["allWidgets"]["nodes"]), 2)
        again = self.wait_stats(lambda s: s["hits"] >= after["hits"] + 1)
        self.assertEqual(again["misses"] - after["misses"], 1, (after, again))
        self.assertEqual(again["hits"] - after["hits"], 1, (after, again))
        self.assertGreaterEqual(after["entries"], 1)

    def test_plan_cache_size_bounds_the_cache(self):
        self.cluster.set_config(plan_cache_size="1")
        try:
            before = self.stats()
            for field in ("rowId", "name", "rowId", "name"):
                self.data(f"{{ allWidgets {{ nodes {{ {field} }} }} }}")
            after = self.wait_stats(lambda s: s["evictions"] >= before["evictions"] + 3)
            self.assertLessEqual(after["entries"], 1)
            self.assertGreaterEqual(after["evictions"] - before["evictions"], 3, (before, after))
            self.cluster.set_config(plan_cache_size="0")
            self.data("{ allWidgets { nodes { name } } }")
            self.assertEqual(self.wait_stats(lambda s: s["entries"] == 0)["entries"], 0)
        finally:
            self.cluster.set_config(plan_cache_size="256")

    def test_graphql_path_setting(self):
        self.cluster.set_config(graphql_path="/api/graphql")
        try:
            self.assertEqual(self.gql("{ __typename }").status, 404)
            r = self.gql("{ __typename }", path="/api/graphql")
            self.assertEqual(r.status, 200, r.body)
        finally:
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.graphql_path")
            self.cluster.reload()
        self.assertEqual(self.gql("{ __typename }").status, 200)


class GraphqlSchemaFollowsDdl(GraphqlClient, ClusterTestCase):
    """The next request after a committed DDL sees the new schema, on every
    worker, with no restart; rolled-back DDL changes nothing."""

    settings = {"pg_gateway.http_workers": "2", "pg_gateway.anonymous_role": "'gql_web'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)
        cls.cluster.sql("ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO gql_web")

    def every_worker(self, query, variables=None):
        """Runs the query on fresh connections (spread over both workers by
        SO_REUSEPORT) and returns the distinct JSON answers."""
        answers = set()
        for _ in range(8):
            r = self.gql(query, variables)
            answers.add((r.status, r.body))
        return answers

    def assert_everywhere(self, query, expected_data):
        answers = self.every_worker(query)
        self.assertEqual(len(answers), 1, answers)
        status, body = answers.pop()
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body), {"data": expected_data})

    def assert_validation_error(self, query, message):
        """`message` up to graphql-js's "Did you mean ...?" suggestions."""
        for status, body in self.every_worker(query):
            self.assertEqual(status, 400, body)
            self.assertTrue(json.loads(body)["errors"][0]["message"].startswith(message), body)

    def test_1_add_column(self):
        self.cluster.sql("CREATE TABLE public.gadget (id int PRIMARY KEY, name text)")
        self.cluster.sql("INSERT INTO public.gadget VALUES (1, 'one')")
        self.assert_everywhere("{ allGadgets { nodes { name } } }",
                               {"allGadgets": {"nodes": [{"name": "one"}]}})
        self.assert_validation_error("{ allGadgets { nodes { color } } }",
                                     'Cannot query field "color" on type "Gadget".')
        self.cluster.sql("ALTER TABLE public.gadget ADD COLUMN color text DEFAULT 'red'")
        self.assert_everywhere("{ allGadgets { nodes { name color } } }",
                               {"allGadgets": {"nodes": [{"name": "one", "color": "red"}]}})

    def test_2_comment_with_smart_tags(self):
        self.cluster.sql("COMMENT ON TABLE public.gadget IS E'@name thing\\nSomething useful.'")
        self.assert_everywhere('{ allThings { totalCount } __type(name: "Thing") { description } }',
                               {"allThings": {"totalCount": 1},
                                "__type": {"description": "Something useful."}})
        self.assert_validation_error("{ allGadgets { totalCount } }",
                                     'Cannot query field "allGadgets" on type "Query".')
        self.cluster.sql("COMMENT ON TABLE public.gadget IS NULL")
        self.assert_everywhere("{ allGadgets { totalCount } }", {"allGadgets": {"totalCount": 1}})

    def test_3_replace_table_no_stale_plan(self):
        # Same GraphQL, same SQL text, different table underneath.
        query = "{ allGadgets { nodes { name } } }"
        self.assert_everywhere(query, {"allGadgets": {"nodes": [{"name": "one"}]}})
        self.cluster.sql("DROP TABLE public.gadget; "
                         "CREATE TABLE public.gadget (id int PRIMARY KEY, name int NOT NULL); "
                         "INSERT INTO public.gadget VALUES (7, 42)")
        self.assert_everywhere(query, {"allGadgets": {"nodes": [{"name": 42}]}})

    def test_4_create_function(self):
        self.assert_validation_error("{ answer }", 'Cannot query field "answer" on type "Query".')
        self.cluster.sql("CREATE FUNCTION public.answer() RETURNS int LANGUAGE sql STABLE "
                         "AS 'SELECT 42'")
        self.assert_everywhere("{ answer }", {"answer": 42})

    def test_5_grant_and_revoke(self):
        # Without SELECT the table leaves the role's schema (PostGraphile's
        # RBAC): a validation error instead of a permission error in SQL.
        self.cluster.sql("REVOKE SELECT ON public.gadget FROM gql_web")
        self.assert_validation_error("{ allGadgets { totalCount } }",
                                     'Cannot query field "allGadgets" on type "Query".')
        self.cluster.sql("GRANT SELECT ON public.gadget TO gql_web")
        self.assert_everywhere("{ allGadgets { totalCount } }", {"allGadgets": {"totalCount": 1}})

    def test_6_drop_table(self):
        self.cluster.sql("DROP TABLE public.gadget")
        self.assert_validation_error("{ allGadgets { totalCount } }",
                                     'Cannot query field "allGadgets" on type "Query".')

    def test_7_rolled_back_and_temporary_ddl_do_not_rebuild(self):
        self.every_worker("{ allWidgets { totalCount } }")
        before = self.wait_stats(lambda s: True)
        self.cluster.sql("BEGIN; ALTER TABLE public.widget ADD COLUMN x int; ROLLBACK")
        self.cluster.sql("CREATE TEMP TABLE scratch (a int)")
        self.every_worker("{ allWidgets { totalCount } }")
        after = self.wait_stats(lambda s: True)
        self.assertEqual(after["builds"], before["builds"], (before, after))
        self.assert_validation_error("{ allWidgets { nodes { x } } }",
                                     'Cannot query field "x" on type "Widget".')

    def test_8_replica_mode_ddl_is_seen_and_the_plan_cache_is_flushed(self):
        self.every_worker("{ allWidgets { nodes { name } } }")
        before = self.wait_stats(lambda s: True)
        self.cluster.sql("SET session_replication_role = replica; "
                         "ALTER TABLE public.widget ADD COLUMN weight int DEFAULT 5")
        self.assert_everywhere("{ allWidgets { nodes { weight } } }", {"allWidgets": {"nodes": [
            {"weight": 5}, {"weight": 5}, {"weight": 5}]}})
        after = self.wait_stats(lambda s: s["builds"] > before["builds"])
        self.assertGreater(after["builds"], before["builds"])
        # Each worker flushed its plans at the rebuild and kept only what ran since.
        self.assertLessEqual(after["entries"], 2, (before, after))

    def test_9_privileges_and_role_memberships_shape_the_schema(self):
        # The schema offers what the role may do (PostGraphile's RBAC): a
        # function the role cannot execute is not in it. Role memberships
        # are cluster-wide and fire no event trigger; they still count.
        self.cluster.sql("CREATE FUNCTION public.secret() RETURNS int LANGUAGE sql STABLE "
                         "AS 'SELECT 7'; REVOKE EXECUTE ON FUNCTION public.secret() FROM PUBLIC; "
                         "CREATE ROLE gql_reader; "
                         "GRANT EXECUTE ON FUNCTION public.secret() TO gql_reader")
        missing = 'Cannot query field "secret" on type "Query".'
        self.assert_validation_error("{ secret }", missing)
        self.cluster.sql("GRANT gql_reader TO gql_web")
        self.assert_everywhere("{ secret }", {"secret": 7})
        self.cluster.sql("REVOKE gql_reader FROM gql_web")
        self.assert_validation_error("{ secret }", missing)
        # pg_gateway.authenticator_role with role_schemas off: the schema
        # follows that role instead (what PostGraphile's login role may do),
        # while requests still run as the anonymous role. With role_schemas
        # on (the default) each request's own role decides, as above.
        self.cluster.sql("CREATE ROLE gql_login NOINHERIT; GRANT gql_reader TO gql_login; "
                         "GRANT gql_web TO gql_login")
        self.cluster.set_config(authenticator_role="gql_login")
        self.assert_validation_error("{ secret }", missing)
        self.cluster.set_config(role_schemas="off")
        denied = {(200, "42501")}  # in the schema, but gql_web may not execute it

        def codes():
            return {(status, json.loads(body)["errors"][0].get("extensions", {}).get("code"))
                    for status, body in self.every_worker("{ secret }")}
        try:
            self.cluster.wait_for(lambda: codes() == denied, what="schema as gql_login")
        finally:
            self.cluster.set_config(authenticator_role="", role_schemas="on")
        self.cluster.wait_for(lambda: codes() == {(400, None)}, what="schema as gql_web")
        self.assert_validation_error("{ secret }", missing)


if __name__ == "__main__":
    unittest.main()
