"""The GraphQL security suite (issue 5, point 7), against a real cluster:
hostile names from the catalog, SQL injection attempts in every kind of
argument and input, row level security through relations and
connections, a role that may read a table but not one of its columns,
and the abusive shapes the limits stop. Every case ends with the
documented status and error, no crash (the worker keeps serving), and no
data of the other tenant. The token cases (alg none, key confusion, ...)
and the CSRF cases are in test_graphql_auth.py."""

import base64
import hashlib
import hmac
import json
import time
import unittest

from harness import ClusterTestCase

SECRET = "security-suite-secret-of-more-than-32-bytes"
EVIL = "x'); DROP TABLE public.plain; --"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(**claims):
    claims.setdefault("exp", int(time.time()) + 600)
    signing_input = (b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()) + "." +
                     b64(json.dumps(claims).encode()))
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


SETUP_SQL = r"""
CREATE ROLE sec_auth NOINHERIT;
CREATE ROLE sec_anon;
CREATE ROLE sec_user;
GRANT sec_anon, sec_user TO sec_auth;
GRANT USAGE ON SCHEMA public TO sec_anon, sec_user;

-- A table and a column named to break naive SQL generation.
CREATE TABLE public."Robert'); DROP TABLE students;--" (
  id serial PRIMARY KEY, "na""me;--" text, tenant int NOT NULL);
INSERT INTO public."Robert'); DROP TABLE students;--" ("na""me;--", tenant) VALUES ('x''y', 1);
CREATE TABLE public.plain (id serial PRIMARY KEY, label text, data jsonb, tags text[],
                           span interval, at timestamptz);
INSERT INTO public.plain (label) VALUES ('ok');
CREATE INDEX ON public.plain (label);  -- PostGraphile filters by indexed columns only
CREATE INDEX ON public.plain (data);
CREATE INDEX ON public.plain (tags);
GRANT SELECT, INSERT, UPDATE ON public."Robert'); DROP TABLE students;--", public.plain
  TO sec_anon, sec_user;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO sec_anon, sec_user;
CREATE FUNCTION public.echo(t text) RETURNS text LANGUAGE sql STABLE AS $$ SELECT t $$;
GRANT EXECUTE ON FUNCTION public.echo(text) TO sec_anon, sec_user;

-- Two tenants; row level security on both tables of a relation.
CREATE TABLE public.project (id int PRIMARY KEY, tenant int NOT NULL, name text NOT NULL,
                             budget int);
CREATE TABLE public.task (id int PRIMARY KEY, project_id int NOT NULL REFERENCES public.project,
                          tenant int NOT NULL, title text NOT NULL);
CREATE INDEX ON public.task (project_id);
INSERT INTO public.project VALUES (1, 1, 'one', 100), (2, 2, 'two', 200);
INSERT INTO public.task VALUES (1, 1, 1, 'a'), (2, 1, 1, 'b'), (3, 2, 2, 'secret'),
                               (4, 1, 2, 'planted under tenant 1''s project');
ALTER TABLE public.project ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.task ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON public.project
  USING (tenant = nullif(current_setting('jwt.claims.tenant', true), '')::int);
CREATE POLICY own ON public.task
  USING (tenant = nullif(current_setting('jwt.claims.tenant', true), '')::int);
-- sec_user may read projects, but not their budget.
GRANT SELECT (id, tenant, name) ON public.project TO sec_user;
GRANT SELECT ON public.task TO sec_user;
"""


class GraphqlSecurity(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "0",
                "pg_gateway.anonymous_role": "'sec_anon'",
                "pg_gateway.authenticator_role": "'sec_auth'",
                "pg_gateway.jwt_secret": f"'{SECRET}'",
                "pg_gateway.max_query_depth": "8",
                "pg_gateway.max_aliases": "20",
                "pg_gateway.max_document_size": "20000"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def gql(self, query, variables=None, bearer=None):
        h = {"Content-Type": "application/json",
             "Accept": "application/graphql-response+json"}
        if bearer:
            h["Authorization"] = "Bearer " + bearer
        body = {"query": query}
        if variables is not None:
            body["variables"] = variables
        return self.cluster.request("POST", "/graphql", h, json.dumps(body))

    def tearDown(self):
        # Whatever a case did, the worker still answers and nothing was dropped.
        self.assertEqual(self.gql("{ __typename }").json(), {"data": {"__typename": "Query"}})
        self.assertEqual(self.cluster.sql("SELECT count(*) > 0 FROM public.plain"), "t")

    def test_hostile_table_and_column_names_are_quoted(self):
        r = self.gql("{ allRobertDropTableStudentsS { nodes { rowId naMe tenant } } }")
        self.assertEqual(r.json(), {"data": {"allRobertDropTableStudentsS": {"nodes": [
            {"rowId": 1, "naMe": "x'y", "tenant": 1}]}}})
        r = self.gql("mutation($n: String) { createRobertDropTableStudents(input: "
                     "{robertDropTableStudents: {naMe: $n, tenant: 3}}) "
                     "{ robertDropTableStudents { naMe } } }", {"n": EVIL})
        self.assertEqual(r.json()["data"]["createRobertDropTableStudents"],
                         {"robertDropTableStudents": {"naMe": EVIL}})

    def test_injection_attempts_in_every_argument_kind_are_values(self):
        cases = [
            # string argument of a function
            ('query($v: String) { echo(t: $v) }', {"v": EVIL}, ["echo"], EVIL),
            ('{ echo(t: "%s") }' % EVIL.replace("'", "\\u0027"), None, ["echo"], EVIL),
            # condition values of every type
            ('query($v: String) { allPlains(condition: {label: $v}) { totalCount } }',
             {"v": EVIL}, ["allPlains", "totalCount"], 0),
            ('query($v: JSON) { allPlains(condition: {data: $v}) { totalCount } }',
             {"v": {"k": EVIL}}, None, None),
            ('query($v: [String]) { allPlains(condition: {tags: $v}) { totalCount } }',
             {"v": [EVIL, "b\"c\\d"]}, None, None),
            # lookups by key, node ids and cursors carrying SQL
            ('query($v: Int!) { plainByRowId(rowId: $v) { label } }', {"v": 1},
             ["plainByRowId", "label"], "ok"),
            ('query($v: ID!) { node(id: $v) { id } }',
             {"v": base64.b64encode(json.dumps(["Plain", EVIL]).encode()).decode()},
             ["node"], None),
            ('query($v: Cursor) { allPlains(after: $v) { totalCount } }',
             {"v": base64.b64encode(json.dumps(["natural", EVIL]).encode()).decode()},
             None, None),
            # mutation inputs: text, JSON, arrays, intervals, timestamps, patches
            ('mutation($v: String, $j: JSON) { createPlain(input: {plain: {label: $v, data: $j, '
             'tags: [$v], span: {seconds: 1.5}, at: "2025-01-01T00:00:00Z"}}) { plain { label } } }',
             {"v": EVIL, "j": {"q": EVIL}}, ["createPlain", "plain", "label"], EVIL),
            ('mutation($v: String) { updatePlainByRowId(input: {rowId: 1, plainPatch: '
             '{tags: [$v]}}) { plain { tags } } }',
             {"v": EVIL}, ["updatePlainByRowId", "plain", "tags"], [EVIL]),
        ]
        for query, variables, path, expected in cases:
            with self.subTest(query=query[:60]):
                r = self.gql(query, variables)
                self.assertIn(r.status, (200, 400), r.body)
                doc = r.json()
                if path is not None:
                    value = doc["data"]
                    for p in path:
                        value = value[p]
                    self.assertEqual(value, expected, r.body)
                for e in doc.get("errors", []):
                    # Refusals say what was wrong with the value, never a SQL syntax error.
                    self.assertNotIn("syntax error", e["message"])

    def test_row_level_security_through_relations_and_connections(self):
        one = token(role="sec_user", tenant=1)
        r = self.gql("{ allProjects { nodes { name tasksByProjectId { nodes { title } } } } "
                     "allTasks { totalCount nodes { title projectByProjectId { name } } } }",
                     bearer=one)
        self.assertEqual(r.status, 200, r.body)
        data = r.json()["data"]
        self.assertEqual(data["allProjects"]["nodes"],
                         [{"name": "one", "tasksByProjectId": {"nodes": [{"title": "a"},
                                                                         {"title": "b"}]}}])
        # Tenant 2's task under tenant 1's project is not visible to tenant 1, and
        # tenant 2's project is null through the relation for no one here.
        self.assertEqual(data["allTasks"]["totalCount"], 2)
        self.assertNotIn("secret", r.body.decode())
        self.assertNotIn("planted", r.body.decode())
        two = token(role="sec_user", tenant=2)
        r = self.gql("{ allTasks { nodes { title projectByProjectId { name } } } }", bearer=two)
        nodes = r.json()["data"]["allTasks"]["nodes"]
        self.assertEqual(sorted(n["title"] for n in nodes),
                         ["planted under tenant 1's project", "secret"])
        # The relation to tenant 1's project is null for tenant 2, not an error.
        planted = [n for n in nodes if n["title"].startswith("planted")][0]
        self.assertIsNone(planted["projectByProjectId"])
        # Anonymous may not read tasks at all: not in its schema.
        r = self.gql("{ allTasks { totalCount } }")
        self.assertEqual(r.status, 400, r.body)
        self.assertTrue(r.json()["errors"][0]["message"].startswith(
            'Cannot query field "allTasks" on type "Query".'), r.body)

    def test_a_column_the_role_may_not_read_is_not_in_its_schema(self):
        one = token(role="sec_user", tenant=1)
        r = self.gql("{ allProjects { nodes { name budget } } }", bearer=one)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn('Cannot query field "budget" on type "Project".',
                      r.json()["errors"][0]["message"])
        self.assertNotIn("100", r.body.decode())

    def test_deep_wide_and_oversized_documents_are_refused(self):
        deep = "{ allTasks { nodes { projectByProjectId { tasksByProjectId { nodes { " \
               "projectByProjectId { tasksByProjectId { nodes { title } } } } } } } } }"
        r = self.gql(deep, bearer=token(role="sec_user", tenant=1))
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("pg_gateway.max_query_depth", r.json()["errors"][0]["message"])
        bomb = "{ " + " ".join("a%d: __typename" % i for i in range(21)) + " }"
        r = self.gql(bomb)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("pg_gateway.max_aliases", r.json()["errors"][0]["message"])
        big = "{ __typename " + "#" * 20001 + "\n}"
        r = self.gql(big)
        self.assertEqual(r.status, 400, r.body)
        self.assertIn("Document too large", r.json()["errors"][0]["message"])


if __name__ == "__main__":
    unittest.main()
