"""HTTP caching of GraphQL (issue 13) on real clusters: Cache-Control from
@pgCacheControl smart tags and the request (authenticated or row-security
reads are private; mutations and errors are no-store), a strong ETag whose
If-None-Match answers 304 without running SQL (proved with the table locked
by another session), a new ETag after any write (GraphQL, a SQL session,
COPY, a job), and the shared response cache: hits for public responses
only, evicted by a commit to a table the response read, bounded by
max-age."""

import base64
import hashlib
import hmac
import json
import time
import unittest
import urllib.parse

from harness import BackgroundCall, ClusterTestCase, wait_until

SECRET = "graphql-cache-test-secret-of-more-than-32-bytes"

SETUP_SQL = r"""
CREATE ROLE app_authenticator NOINHERIT;
CREATE ROLE app_anon;
CREATE ROLE app_user;
GRANT app_anon, app_user TO app_authenticator;
GRANT USAGE ON SCHEMA public TO app_anon, app_user;
CREATE TABLE public.item (id serial PRIMARY KEY, name text NOT NULL, secret_note text);
INSERT INTO public.item (name, secret_note) VALUES ('first', 'n1'), ('second', 'n2');
GRANT SELECT, INSERT, UPDATE ON public.item TO app_anon, app_user;
GRANT USAGE ON SEQUENCE public.item_id_seq TO app_anon, app_user;
COMMENT ON TABLE public.item IS E'@pgCacheControl maxAge=60';
COMMENT ON COLUMN public.item.secret_note IS E'@pgCacheControl scope=PRIVATE';
CREATE FUNCTION public.item_shout(i public.item) RETURNS text LANGUAGE sql IMMUTABLE
  AS $$ SELECT upper(i.name) $$;
COMMENT ON FUNCTION public.item_shout(public.item) IS E'@pgCacheControl maxAge=10';
GRANT EXECUTE ON FUNCTION public.item_shout(public.item) TO app_anon, app_user;
CREATE TABLE public.untagged (id int PRIMARY KEY, v text);
INSERT INTO public.untagged VALUES (1, 'u');
GRANT SELECT ON public.untagged TO app_anon, app_user;
CREATE TABLE public.mine (id int PRIMARY KEY, owner text NOT NULL, v text);
INSERT INTO public.mine VALUES (1, 'alice', 'a'), (2, 'bob', 'b');
ALTER TABLE public.mine ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON public.mine FOR SELECT
  USING (owner = current_setting('jwt.claims.sub', true) OR owner = 'bob');
GRANT SELECT ON public.mine TO app_anon, app_user;
COMMENT ON TABLE public.mine IS E'@pgCacheControl maxAge=30';
CREATE FUNCTION public.rename_item(payload jsonb) RETURNS void LANGUAGE sql AS $$
  UPDATE public.item SET name = payload->>'name' WHERE id = 1 $$;
CREATE ROLE job_runner;
GRANT USAGE ON SCHEMA public TO job_runner;
GRANT SELECT, UPDATE ON public.item TO job_runner;
CREATE FUNCTION public.check_request() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('request.headers', true)::jsonb ? 'x-blocked' THEN
    RAISE EXCEPTION 'blocked by the pre-request check' USING ERRCODE = '42501';
  END IF;
END $$;
GRANT EXECUTE ON FUNCTION public.check_request() TO app_anon, app_user;
SELECT gateway.register_task('rename_item', 'public.rename_item(jsonb)', 'job_runner');
"""

LIST = "{ allItems(orderBy: PRIMARY_KEY_ASC) { nodes { rowId name } } }"


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload):
    signing_input = b64(json.dumps({"alg": "HS256", "typ": "JWT"})) + "." + b64(json.dumps(payload))
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


class CacheTestCase(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "1",
                "pg_gateway.anonymous_role": "'app_anon'",
                "pg_gateway.authenticator_role": "'app_authenticator'",
                "pg_gateway.jwt_secret": "'" + SECRET + "'",
                "pg_gateway.trusted_documents": "'allow'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def get(self, query, headers=None, variables=None):
        qs = "query=" + urllib.parse.quote(query)
        if variables is not None:
            qs += "&variables=" + urllib.parse.quote(json.dumps(variables))
        return self.cluster.request("GET", "/graphql?" + qs, headers or {})

    def post(self, query, headers=None):
        h = {"Content-Type": "application/json"}
        h.update(headers or {})
        return self.cluster.request("POST", "/graphql", h, json.dumps({"query": query}))

    def stats(self):
        return json.loads(self.cluster.sql(
            "SELECT json_build_object('not_modified', sum(not_modified), 'hits', "
            "sum(response_cache_hits), 'misses', sum(response_cache_misses), 'evictions', "
            "sum(response_cache_evictions), 'stores', sum(response_cache_stores)) "
            "FROM gateway.graphql_worker_stats()"))

    def wait_stats(self, key, at_least):
        wait_until(lambda: (self.stats()[key] or 0) >= at_least, timeout=10,
                   what=f"{key} >= {at_least}")

    def vary(self, r):
        return {v.strip().lower() for v in (r.header("Vary") or "").split(",")}

    def fresh(self, query=LIST):
        """A 200 with an ETag."""
        r = self.get(query)
        self.assertEqual(r.status, 200, r.body)
        self.assertTrue(r.header("ETag"), r.headers)
        return r


class CacheHeaders(CacheTestCase):
    def test_tagged_table_is_public_with_etag_and_surrogate_key(self):
        r = self.get(LIST)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Cache-Control"), "public, max-age=60")
        etag = r.header("ETag")
        self.assertRegex(etag, r'^"[A-Za-z0-9_-]{24}"$')
        self.assertEqual(r.header("Surrogate-Key"), "public.item")
        self.assertTrue({"accept", "authorization"} <= self.vary(r), r.headers)

    def test_the_smallest_max_age_of_the_selected_fields_wins(self):
        r = self.get("{ allItems { nodes { name shout } } }")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Cache-Control"), "public, max-age=10")
        r = self.get("{ allItems { nodes { name } } }")
        self.assertEqual(r.header("Cache-Control"), "public, max-age=60")

    def test_a_private_column_makes_the_response_private(self):
        r = self.get("{ allItems { nodes { secretNote } } }")
        self.assertEqual(r.header("Cache-Control"), "private, max-age=60")

    def test_untagged_tables_are_not_cached_by_default(self):
        r = self.get("{ allUntaggeds { nodes { v } } }")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertIsNone(r.header("ETag"))

    def test_the_default_max_age_setting_applies_to_untagged_fields(self):
        self.cluster.set_config(cache_default_max_age="5")
        try:
            r = wait_until(lambda: (lambda x: x if x.header("Cache-Control") ==
                                    "public, max-age=5" else None)(
                self.get("{ allUntaggeds { nodes { v } } }")), timeout=10, what="default max-age")
            self.assertTrue(r.header("ETag"))
        finally:
            self.cluster.set_config(cache_default_max_age="0")

    def test_authenticated_requests_are_private(self):
        token = hs256({"role": "app_user", "sub": "alice", "exp": int(time.time()) + 600})
        r = self.get(LIST, {"Authorization": "Bearer " + token})
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Cache-Control"), "private, max-age=60")
        self.assertTrue(r.header("ETag"))
        self.assertIn("authorization", self.vary(r))
        anon = self.get(LIST)
        self.assertNotEqual(anon.header("ETag"), r.header("ETag"))

    def test_row_security_reads_are_private_even_anonymous(self):
        r = self.get("{ allMines { nodes { v } } }")
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.header("Cache-Control"), "private, max-age=30")

    def test_mutations_and_errors_are_no_store(self):
        m = self.post('mutation { createItem(input: {item: {name: "m"}}) { item { id } } }')
        self.assertEqual(m.status, 200, m.body)
        self.assertEqual(m.header("Cache-Control"), "no-store")
        bad = self.get("{ allItems { nodes { nope } } }")
        self.assertEqual(bad.status, 400, bad.body)
        self.assertEqual(bad.header("Cache-Control"), "no-store")
        self.assertIsNone(bad.header("ETag"))

    def test_mutations_over_get_stay_refused(self):
        r = self.get('mutation { createItem(input: {item: {name: "g"}}) { item { id } } }')
        self.assertEqual(r.status, 405, r.body)
        self.assertEqual(r.header("Allow"), "POST")

    def test_get_post_and_trusted_documents_share_the_policy(self):
        g = self.get(LIST)
        p = self.post(LIST)
        self.assertEqual(p.header("Cache-Control"), g.header("Cache-Control"))
        self.assertEqual(p.header("ETag"), g.header("ETag"))
        h = hashlib.sha256(LIST.encode()).hexdigest()
        self.cluster.sql("INSERT INTO gateway.trusted_documents (hash, document) VALUES "
                         f"('{h}', '{LIST}') ON CONFLICT DO NOTHING")
        d = self.cluster.request("GET", f"/graphql?documentId=sha256:{h}")
        self.assertEqual(d.status, 200, d.body)
        self.assertEqual(d.header("Cache-Control"), g.header("Cache-Control"))
        self.assertTrue(d.header("ETag"))
        self.assertEqual(d.json(), g.json())

    def test_extension_reports_the_policy_when_asked(self):
        self.assertNotIn("extensions", self.get(LIST).json())
        self.cluster.set_config(cache_control_extension="on")
        try:
            body = wait_until(lambda: (lambda j: j if "extensions" in j else None)(
                self.get("{ allItems { nodes { name shout } } }").json()), timeout=10,
                what="extensions.cacheControl")
            self.assertEqual(body["extensions"]["cacheControl"],
                             {"version": 1, "maxAge": 10, "scope": "PUBLIC"})
        finally:
            self.cluster.set_config(cache_control_extension="off")

    def test_a_malformed_tag_is_a_warning_not_a_failure(self):
        self.cluster.sql("COMMENT ON TABLE public.untagged IS E'@pgCacheControl maxAge=soon'")
        try:
            r = wait_until(lambda: (lambda x: x if x.status == 200 else None)(
                self.get("{ allUntaggeds { nodes { v } } }")), timeout=10, what="a response")
            self.assertEqual(r.header("Cache-Control"), "no-store")
            wait_until(lambda: "public.untagged" in self.cluster.log() and
                       "@pgCacheControl" in self.cluster.log(), timeout=10,
                       what="the schema-build warning")
        finally:
            self.cluster.sql("COMMENT ON TABLE public.untagged IS NULL")


class Revalidation(CacheTestCase):
    def test_if_none_match_answers_304_without_running_sql(self):
        etag = self.fresh().header("ETag")
        before = self.stats()["not_modified"] or 0
        # Another session holds the table: a request that ran its SQL would wait.
        holder = BackgroundCall(lambda: self.cluster.sql(
            "BEGIN; LOCK TABLE public.item IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(4); COMMIT;"))
        try:
            wait_until(lambda: self.cluster.sql(
                "SELECT count(*) FROM pg_locks WHERE relation = 'public.item'::regclass "
                "AND mode = 'AccessExclusiveLock' AND granted") == "1", timeout=10,
                what="the lock")
            started = time.time()
            r = self.get(LIST, {"If-None-Match": etag})
            elapsed = time.time() - started
            still_locked = self.cluster.sql(
                "SELECT count(*) FROM pg_locks WHERE relation = 'public.item'::regclass "
                "AND mode = 'AccessExclusiveLock' AND granted")
        finally:
            holder.join(30)
        self.assertEqual(r.status, 304, r.body)
        self.assertEqual(r.body, b"")
        self.assertEqual(r.header("ETag"), etag)
        self.assertEqual(r.header("Cache-Control"), "public, max-age=60")
        self.assertEqual(still_locked, "1", f"answered only after the lock ({elapsed:.1f} s)")
        self.wait_stats("not_modified", before + 1)

    def test_the_pre_request_function_runs_before_a_304(self):
        # With pg_gateway.pre_request set, revalidation happens in the
        # request's transaction, after the function: it can still refuse.
        self.cluster.set_config(pre_request="public.check_request")
        try:
            etag = wait_until(lambda: (lambda r: r.header("ETag") if r.status == 200 and b"blocked"
                                       in self.get(LIST, {"X-Blocked": "1"}).body else None)(
                self.get(LIST)), timeout=10, what="the pre-request function")
            self.assertEqual(self.get(LIST, {"If-None-Match": etag}).status, 304)
            refused = self.get(LIST, {"If-None-Match": etag, "X-Blocked": "1"})
            self.assertNotEqual(refused.status, 304)
            self.assertIn(b"blocked by the pre-request check", refused.body)
        finally:
            self.cluster.set_config(pre_request="")

    def test_weak_and_listed_tags_match_and_others_do_not(self):
        etag = self.fresh().header("ETag")
        self.assertEqual(self.get(LIST, {"If-None-Match": "W/" + etag}).status, 304)
        self.assertEqual(self.get(LIST, {"If-None-Match": '"x", ' + etag}).status, 304)
        self.assertEqual(self.get(LIST, {"If-None-Match": '"other"'}).status, 200)
        self.assertEqual(self.get(LIST, {"If-None-Match": "garbage"}).status, 200)

    def test_variables_are_part_of_the_tag(self):
        q = "query($n: Int) { allItems(first: $n) { nodes { name } } }"
        one = self.get(q, variables={"n": 1})
        two = self.get(q, variables={"n": 2})
        self.assertNotEqual(one.header("ETag"), two.header("ETag"))
        self.assertEqual(self.get(q, {"If-None-Match": one.header("ETag")},
                                  variables={"n": 2}).status, 200)

    def assert_write_changes_the_tag(self, write, expected_name):
        first = self.fresh()
        self.assertEqual(self.get(LIST, {"If-None-Match": first.header("ETag")}).status, 304)
        write()

        def changed():
            r = self.get(LIST, {"If-None-Match": first.header("ETag")})
            return r if r.status == 200 else None
        r = wait_until(changed, timeout=10, what="a new ETag after the write")
        self.assertNotEqual(r.header("ETag"), first.header("ETag"))
        names = [n["name"] for n in r.json()["data"]["allItems"]["nodes"]]
        self.assertIn(expected_name, names)

    def test_a_graphql_mutation_changes_the_tag(self):
        self.assert_write_changes_the_tag(
            lambda: self.assertEqual(self.post(
                'mutation { updateItemByRowId(input: {rowId: 1, itemPatch: {name: "via-graphql"}}) '
                '{ item { rowId } } }').status, 200), "via-graphql")

    def test_a_sql_session_write_changes_the_tag_at_once(self):
        # No wait: the version is bumped before the writer's COMMIT returns.
        first = self.fresh()
        self.cluster.sql("UPDATE public.item SET name = 'via-sql' WHERE id = 1")
        r = self.get(LIST, {"If-None-Match": first.header("ETag")})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("via-sql", r.body.decode())

    def test_copy_changes_the_tag(self):
        self.assert_write_changes_the_tag(
            lambda: self.cluster.psql(
                "COPY public.item (name) FROM PROGRAM 'echo via-copy'"), "via-copy")

    def test_a_job_changes_the_tag(self):
        self.assert_write_changes_the_tag(
            lambda: self.cluster.sql(
                "SELECT gateway.add_job('rename_item', '{\"name\": \"via-job\"}')"), "via-job")

    def test_an_unrelated_write_keeps_the_tag(self):
        etag = self.fresh().header("ETag")
        self.cluster.sql("UPDATE public.untagged SET v = v || '.'")
        self.assertEqual(self.get(LIST, {"If-None-Match": etag}).status, 304)

    def test_ddl_changes_every_tag(self):
        etag = self.fresh().header("ETag")
        self.cluster.sql("COMMENT ON TABLE public.untagged IS 'changed'")
        r = wait_until(lambda: (lambda x: x if x.status == 200 else None)(
            self.get(LIST, {"If-None-Match": etag})), timeout=10, what="a new tag after DDL")
        self.assertNotEqual(r.header("ETag"), etag)


class SharedCache(CacheTestCase):
    settings = dict(CacheTestCase.settings, **{"pg_gateway.response_cache_size": "8",
                                               "pg_gateway.http_workers": "2"})

    def hit(self, query=LIST, headers=None):
        r = self.get(query, headers)
        self.assertEqual(r.status, 200, r.body)
        return r

    def test_public_responses_are_served_from_shared_memory(self):
        self.hit()
        before = self.stats()
        r = wait_until(lambda: (lambda x: x if x.header("X-Cache") == "HIT" else None)(
            self.hit()), timeout=10, what="a shared cache hit")
        self.assertEqual(r.header("Cache-Control"), "public, max-age=60")
        self.assertTrue(r.header("ETag"))
        self.assertIsNotNone(r.header("Age"))
        self.assertEqual(r.json()["data"]["allItems"]["nodes"][0]["rowId"], 1)
        self.wait_stats("hits", (before["hits"] or 0) + 1)
        self.assertEqual(self.get(LIST, {"If-None-Match": r.header("ETag")}).status, 304)

    def test_a_no_cache_request_goes_to_the_database(self):
        self.hit()
        wait_until(lambda: self.hit().header("X-Cache") == "HIT", timeout=10, what="a hit")
        for directive in ({"Cache-Control": "no-cache"}, {"Cache-Control": "max-age=0, no-store"},
                          {"Pragma": "no-cache"}):
            r = self.hit(LIST, directive)
            self.assertIsNone(r.header("X-Cache"), directive)
            self.assertEqual(r.header("Cache-Control"), "public, max-age=60")

    def test_a_commit_evicts_what_read_the_table(self):
        self.hit()
        wait_until(lambda: self.hit().header("X-Cache") == "HIT", timeout=10, what="a hit")
        self.cluster.sql("UPDATE public.item SET name = 'evicted' WHERE id = 2")
        r = self.hit()
        self.assertIsNone(r.header("X-Cache"))
        self.assertIn("evicted", r.body.decode())
        self.wait_stats("evictions", 1)

    def test_never_shared_across_users(self):
        token = hs256({"role": "app_user", "sub": "alice", "exp": int(time.time()) + 600})
        auth = {"Authorization": "Bearer " + token}
        self.hit()
        wait_until(lambda: self.hit().header("X-Cache") == "HIT", timeout=10, what="a hit")
        for _ in range(3):
            r = self.hit(LIST, auth)
            self.assertIsNone(r.header("X-Cache"))
            self.assertEqual(r.header("Cache-Control"), "private, max-age=60")
        for _ in range(3):
            r = self.hit("{ allMines { nodes { v } } }")
            self.assertIsNone(r.header("X-Cache"))
            self.assertEqual(r.header("Cache-Control"), "private, max-age=30")
        alice = self.hit("{ allMines { nodes { v } } }", auth)
        self.assertEqual(sorted(n["v"] for n in alice.json()["data"]["allMines"]["nodes"]),
                         ["a", "b"])

    def test_max_age_bounds_an_entry(self):
        self.cluster.sql("COMMENT ON TABLE public.untagged IS E'@pgCacheControl maxAge=1'")
        try:
            q = "{ allUntaggeds { nodes { v } } }"
            wait_until(lambda: self.hit(q).header("Cache-Control") == "public, max-age=1",
                       timeout=10, what="the new tag")
            wait_until(lambda: self.hit(q).header("X-Cache") == "HIT", timeout=10, what="a hit")
            time.sleep(1.5)
            self.assertIsNone(self.hit(q).header("X-Cache"))
        finally:
            self.cluster.sql("COMMENT ON TABLE public.untagged IS NULL")


if __name__ == "__main__":
    unittest.main()
