"""Audit trails through the real HTTP port and job workers (issue 12): a
GraphQL mutation and a SQL route called with a JWT write audit rows that
carry its subject, role, claims, request id, path and operation name; a
rolled-back mutation leaves none; a job's SQL task writes rows carrying its
job id; job worker 1 creates the audit log's partitions by itself; and
pg_dump / restore keeps the audited tables, their triggers and the log (with
its ids going on from where they were)."""

import base64
import hashlib
import hmac
import json
import os
import subprocess
import threading
import time

from harness import PG_BIN, ClusterTestCase, as_server_user

SECRET = "audit-integration-secret-of-more-than-32-bytes"


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(**claims):
    claims.setdefault("exp", int(time.time()) + 600)
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(SECRET.encode(), (head + "." + body).encode(), hashlib.sha256).digest()
    return head + "." + body + "." + b64(sig)


SETUP_SQL = r"""
CREATE ROLE app_authenticator NOINHERIT;
CREATE ROLE app_anon;
CREATE ROLE app_user;
CREATE ROLE web;
CREATE ROLE job_runner;
GRANT app_anon, app_user TO app_authenticator;
GRANT USAGE ON SCHEMA public TO app_anon, app_user, web, job_runner;

CREATE TABLE public.orders (
  id serial PRIMARY KEY,
  item text NOT NULL CHECK (item <> 'forbidden'),
  qty int NOT NULL,
  card_number text
);
GRANT SELECT, INSERT, UPDATE ON public.orders TO app_user, web, job_runner;
GRANT USAGE ON SEQUENCE public.orders_id_seq TO app_user, web, job_runner;
SELECT gateway.enable_audit('public.orders', '{card_number}');

CREATE FUNCTION public.add_order(r jsonb) RETURNS jsonb LANGUAGE sql AS $$
  INSERT INTO public.orders (item, qty, card_number)
  VALUES (r->'body'->>'item', (r->'body'->>'qty')::int, '4111')
  RETURNING to_jsonb(orders.*) - 'card_number' $$;
SELECT gateway.register_route('POST', '/orders', 'public.add_order(jsonb)', 'web');

CREATE FUNCTION public.restock(payload jsonb) RETURNS jsonb LANGUAGE sql AS $$
  UPDATE public.orders SET qty = qty + 10 WHERE id = (payload->>'id')::int
  RETURNING jsonb_build_object('qty', qty) $$;
SELECT gateway.register_task('restock', 'public.restock(jsonb)', 'job_runner');

-- Writers whose sessions chain the audit rows (a superuser's ALTER ROLE
-- sets the superuser-only setting for them).
CREATE ROLE chain_writer LOGIN;
ALTER ROLE chain_writer SET pg_gateway.audit_hash_chain = on;
CREATE TABLE public.ledger (id int PRIMARY KEY, amount int NOT NULL);
GRANT SELECT, INSERT, UPDATE ON public.ledger TO chain_writer;
SELECT gateway.enable_audit('public.ledger');
"""


class AuditThroughTheWorkers(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "1",
                "pg_gateway.job_poll_interval": "200",
                "pg_gateway.anonymous_role": "'app_anon'",
                "pg_gateway.authenticator_role": "'app_authenticator'",
                "pg_gateway.audit_claims": "'email, tenant'",
                "pg_gateway.jwt_secret": "'" + SECRET + "'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Job worker 1 creates the partitions without anyone enabling an
        # audit: the default one, this month and the next two.
        cls.cluster.wait_for(lambda: cls.cluster.sql(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'gateway.audit_log'::regclass") == "4",
            timeout=60, what="job worker 1 to create the audit log partitions")
        cls.cluster.sql(SETUP_SQL)

    def audit_rows(self, where):
        out = self.cluster.sql(
            "SELECT coalesce(json_agg(to_jsonb(l) - 'at' - 'clock_at' - 'txid' ORDER BY id), '[]') "
            "FROM gateway.audit_log l WHERE " + where)
        return json.loads(out)

    def gql(self, query, bearer=None, request_id=None):
        h = {"Content-Type": "application/json"}
        if bearer:
            h["Authorization"] = "Bearer " + bearer
        if request_id:
            h["X-Request-Id"] = request_id
        return self.cluster.request("POST", "/graphql", h, json.dumps({"query": query}))

    def test_graphql_mutation_rows_carry_the_token_and_the_request(self):
        t = token(sub="alice", role="app_user", email="alice@example.com", tenant=7, other="x")
        r = self.gql('mutation AddPen { createOrder(input: {order: {item: "pen", qty: 2, '
                     'cardNumber: "5500"}}) { order { rowId } } }', t, "it-audit-1")
        self.assertEqual(r.status, 200, r.body)
        self.assertNotIn("errors", r.json(), r.body)
        self.assertEqual(r.header("X-Request-Id"), "it-audit-1")
        order_id = r.json()["data"]["createOrder"]["order"]["rowId"]
        rows = self.audit_rows("request_id = 'it-audit-1'")
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual(row["operation"], "INSERT")
        self.assertEqual(row["record_id"], {"id": order_id})
        self.assertEqual(row["new_record"], {"id": order_id, "item": "pen", "qty": 2})
        self.assertNotIn("card_number", row["new_record"])  # excluded
        self.assertEqual(row["jwt_sub"], "alice")
        self.assertEqual(row["jwt_role"], "app_user")
        self.assertEqual(row["acting_role"], "app_user")
        self.assertEqual(row["jwt_claims"], {"email": "alice@example.com", "tenant": 7})
        self.assertEqual(row["request_method"], "POST")
        self.assertEqual(row["request_path"], "/graphql")
        self.assertEqual(row["graphql_operation"], "AddPen")
        self.assertEqual(row["client_addr"], "127.0.0.1")
        self.assertIsNone(row["job_id"])

    def test_a_failed_mutation_leaves_no_audit_row(self):
        t = token(sub="mallory", role="app_user")
        r = self.gql('mutation Bad { createOrder(input: {order: {item: "forbidden", qty: 1}}) '
                     '{ order { id } } }', t, "it-audit-failed")
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("errors", r.json())
        self.assertEqual(self.audit_rows("request_id = 'it-audit-failed'"), [])
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM public.orders WHERE item = 'forbidden'"), "0")

    def test_sql_route_rows_carry_the_token(self):
        t = token(sub="bob", role="app_user", email="bob@example.com")
        r = self.cluster.request("POST", "/orders", {"Content-Type": "application/json",
                                                      "Authorization": "Bearer " + t,
                                                      "X-Request-Id": "it-audit-route"},
                                 json.dumps({"item": "ink", "qty": 5}))
        self.assertEqual(r.status, 200, r.body)
        rows = self.audit_rows("request_id = 'it-audit-route'")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["jwt_sub"], "bob")
        self.assertEqual(rows[0]["jwt_claims"], {"email": "bob@example.com"})
        self.assertEqual(rows[0]["acting_role"], "web")  # routes run as their registered role
        self.assertEqual(rows[0]["request_path"], "/orders")
        self.assertIsNone(rows[0]["graphql_operation"])

    def test_sql_route_refuses_a_bad_token_and_writes_nothing(self):
        bad = token(sub="eve", role="app_user")[:-4] + "AAAA"
        r = self.cluster.request("POST", "/orders", {"Content-Type": "application/json",
                                                      "Authorization": "Bearer " + bad,
                                                      "X-Request-Id": "it-audit-bad-token"},
                                 json.dumps({"item": "ink", "qty": 1}))
        self.assertEqual(r.status, 401, r.body)
        self.assertIn("invalid_token", r.header("WWW-Authenticate") or "")
        self.assertEqual(self.audit_rows("request_id = 'it-audit-bad-token'"), [])

    def test_job_task_rows_carry_the_job(self):
        order_id = self.cluster.sql("INSERT INTO public.orders (item, qty) VALUES ('cup', 1) RETURNING id")
        job_id = self.cluster.sql(f"SELECT id FROM gateway.add_job('restock', '{{\"id\": {order_id}}}')")
        self.cluster.wait_for(lambda: self.cluster.sql(
            f"SELECT status FROM gateway.jobs WHERE id = {job_id}") == "succeeded",
            what="the restock job")
        rows = self.audit_rows(f"table_name = 'orders' AND operation = 'UPDATE' AND record_id = '{{\"id\": {order_id}}}'")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["job_id"], int(job_id))
        self.assertEqual(rows[0]["job_task"], "restock")
        self.assertEqual(rows[0]["acting_role"], "job_runner")
        self.assertEqual(rows[0]["changed"], {"qty": 11})
        self.assertIsNone(rows[0]["request_id"])

    def test_concurrent_writers_extend_one_intact_chain(self):
        def writer(n):
            self.cluster.psql(
                "DO $$ BEGIN FOR i IN 1..50 LOOP "
                f"INSERT INTO public.ledger VALUES ({n} * 1000 + i, i); "
                f"UPDATE public.ledger SET amount = amount + 1 WHERE id = {n} * 1000 + i; "
                "COMMIT; END LOOP; END $$", user="chain_writer")
        threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(self.cluster.sql(
            "SELECT count(*) || ' ' || count(DISTINCT hash) FROM gateway.audit_log "
            "WHERE table_name = 'ledger' AND hash IS NOT NULL"), "400 400")
        self.assertEqual(self.cluster.sql("SELECT count(*) FROM gateway.verify_audit_chain('public.ledger')"), "0")
        # A removed row in the middle breaks the link after it.
        self.cluster.sql("DELETE FROM gateway.audit_log WHERE id = (SELECT min(id) + 100 FROM gateway.audit_log "
                         "WHERE table_name = 'ledger')")
        self.assertRegex(self.cluster.sql("SELECT problem FROM gateway.verify_audit_chain('public.ledger')"),
                         r"^the link does not follow row \d+")

    def test_dump_and_restore_keeps_the_audit(self):
        self.cluster.sql("INSERT INTO public.orders (item, qty) VALUES ('before dump', 1)")
        before = int(self.cluster.sql("SELECT count(*) FROM gateway.audit_log"))
        last_id = int(self.cluster.sql("SELECT max(id) FROM gateway.audit_log"))
        dump = os.path.join(self.cluster.dir, "audit.dump.sql")
        with open(dump, "w"):
            pass
        subprocess.run(["chown", "postgres", dump], check=False)
        subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_dump"), "-h", self.cluster.socket_dir,
                                       "-p", str(self.cluster.port), "-U", "postgres", "-f", dump,
                                       "postgres"]), check=True, capture_output=True)
        self.cluster.sql("CREATE DATABASE restored")
        subprocess.run(as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
                                       "-h", self.cluster.socket_dir, "-p", str(self.cluster.port),
                                       "-U", "postgres", "-d", "restored", "-f", dump]),
                       check=True, capture_output=True)
        q = lambda sql: self.cluster.sql(sql, db="restored")  # noqa: E731
        self.assertEqual(q("SELECT string_agg(relation::text || ' ' || columns_excluded::text, ', ' "
                           "ORDER BY relation::text) FROM gateway.audited_tables"),
                         "ledger {}, orders {card_number}")
        self.assertEqual(int(q("SELECT count(*) FROM gateway.audit_log")), before)
        q("INSERT INTO public.orders (item, qty, card_number) VALUES ('after restore', 3, '1234')")
        row = json.loads(q("SELECT to_jsonb(l) FROM gateway.audit_log l ORDER BY id DESC LIMIT 1"))
        self.assertGreater(row["id"], last_id)  # the identity went on
        self.assertEqual(row["new_record"]["item"], "after restore")
        self.assertNotIn("card_number", row["new_record"])
        self.assertEqual(q("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'public.orders'::regclass "
                           "AND tgname LIKE 'pg_gateway_audit%'"), "2")
