"""How often PostgreSQL plans the GraphQL compiler's statements, counted
by pg_stat_statements (track = all sees the HTTP worker's SPI statements,
track_planning counts each planning). A page of a list with a to-one
relation, a computed column and a totalCount, asked the same way many
times, must be planned a handful of times (the plan cache's five custom
plans, then its generic plan kept), not once per request: with the page
size as a parameter the custom plan ("limit 10") always looked cheaper
than the generic one ("limit $1", costed as a tenth of the rows), so
every request was planned again (issue 16)."""

import json
import unittest

from harness import ClusterTestCase

SETUP_SQL = r"""
CREATE EXTENSION pg_stat_statements;
CREATE ROLE app_anon;
GRANT USAGE ON SCHEMA public TO app_anon;
CREATE TABLE public.author (id int PRIMARY KEY, first_name text NOT NULL, last_name text NOT NULL);
CREATE TABLE public.book (id int PRIMARY KEY, title text NOT NULL,
                          author_id int NOT NULL REFERENCES public.author);
CREATE INDEX ON public.book (author_id);
CREATE FUNCTION public.author_full_name(a public.author) RETURNS text LANGUAGE sql STABLE
  AS $$ SELECT a.first_name || ' ' || a.last_name $$;
INSERT INTO public.author SELECT i, 'first' || i, 'last' || i FROM generate_series(1, 500) i;
INSERT INTO public.book SELECT i, 'book ' || i, 1 + i % 500 FROM generate_series(1, 20000) i;
ANALYZE public.author, public.book;
GRANT SELECT ON public.author, public.book TO app_anon;
GRANT EXECUTE ON FUNCTION public.author_full_name(public.author) TO app_anon;
"""

LIST = ("query($n: Int) { allBooks(first: $n) { totalCount nodes { title "
        "authorByAuthorId { fullName } } } }")
LOOKUP = "query($id: Int!) { bookByRowId(rowId: $id) { title authorByAuthorId { fullName } } }"


class CompilerStatementPlans(ClusterTestCase):
    settings = {"shared_preload_libraries": "'pg_gateway,pg_stat_statements'",
                "pg_stat_statements.track": "all",
                "pg_stat_statements.track_planning": "on",
                "pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "1",
                "pg_gateway.anonymous_role": "'app_anon'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def post(self, query, variables):
        r = self.cluster.request("POST", "/graphql", {"Content-Type": "application/json"},
                                 json.dumps({"query": query, "variables": variables}))
        self.assertEqual(r.status, 200, r.body)
        body = r.json()
        self.assertNotIn("errors", body, body)
        return body["data"]

    def plans_and_calls(self, fragment):
        row = self.cluster.sql(
            "SELECT coalesce(sum(plans), 0) || ' ' || coalesce(sum(calls), 0) "
            "FROM pg_stat_statements WHERE query LIKE '%' || $q$" + fragment + "$q$ || '%' "
            "AND query NOT LIKE '%pg_stat_statements%'")
        plans, calls = (int(x) for x in row.split())
        return plans, calls

    def test_a_page_is_planned_a_few_times_not_per_request(self):
        self.cluster.sql("SELECT pg_stat_statements_reset()")
        for _ in range(40):
            data = self.post(LIST, {"n": 10})
        self.assertEqual(data["allBooks"]["totalCount"], 20000)
        self.assertEqual(len(data["allBooks"]["nodes"]), 10)
        self.assertEqual(data["allBooks"]["nodes"][0]["authorByAuthorId"]["fullName"],
                         "first2 last2")
        plans, calls = self.plans_and_calls('from "public"."book"')
        self.assertEqual(calls, 40)
        self.assertLessEqual(plans, 8, f"{plans} plans for {calls} runs of the same page")

    def test_another_page_size_is_its_own_statement_and_right(self):
        for n in (3, 7):
            data = self.post(LIST, {"n": n})
            self.assertEqual(len(data["allBooks"]["nodes"]), n)
            self.assertEqual([b["title"] for b in data["allBooks"]["nodes"]],
                             [f"book {i}" for i in range(1, n + 1)])

    def test_a_primary_key_lookup_is_planned_a_few_times(self):
        self.cluster.sql("SELECT pg_stat_statements_reset()")
        for i in range(1, 41):
            data = self.post(LOOKUP, {"id": i})
            self.assertEqual(data["bookByRowId"]["title"], f"book {i}")
        plans, calls = self.plans_and_calls('from "public"."book"')
        self.assertEqual(calls, 40)
        self.assertLessEqual(plans, 8, f"{plans} plans for {calls} lookups")


if __name__ == "__main__":
    unittest.main()
