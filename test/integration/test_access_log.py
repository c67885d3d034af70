"""The JSON access log (issue 15, "Logs") on real clusters:
pg_gateway.access_log = json writes one LOG line per request an HTTP
worker finishes whose message is a JSON object (time, request id, method,
path without the query string, status, role, JWT sub, GraphQL operation,
duration, bytes, client address), for GraphQL requests with and without a
token, refused and malformed requests, a deferred webhook response when it
resumes, and hostile paths; never a token, cookie, header, body or query
string; nothing while it is off. Read back from the server log both with
log_destination = stderr (the message after "LOG:  ") and with jsonlog
(PostgreSQL's own JSON object per line, the access line in "message")."""

import base64
import datetime
import glob
import hashlib
import hmac
import json
import os
import time
import unittest
import uuid

from harness import ClusterTestCase, build_request, connect, read_response, wait_until

SECRET = "access-log-test-secret-of-more-than-32-bytes"
WEBHOOK_KEY = b"0123456789abcdef0123456789abcdef"
WEBHOOK_SECRET = "whsec_" + base64.b64encode(WEBHOOK_KEY).decode()

SETUP_SQL = r"""
CREATE ROLE app_authenticator NOINHERIT;
CREATE ROLE app_anon;
CREATE ROLE app_user;
CREATE ROLE hook_runner;
GRANT app_anon, app_user TO app_authenticator;
GRANT USAGE ON SCHEMA public TO app_anon, app_user;
CREATE TABLE public.item (id serial PRIMARY KEY, name text NOT NULL);
INSERT INTO public.item (name) VALUES ('first'), ('second');
GRANT SELECT ON public.item TO app_anon, app_user;
CREATE FUNCTION public.echo_event(payload jsonb) RETURNS jsonb LANGUAGE sql
  AS $$ SELECT jsonb_build_object('got', payload->'n') $$;
SELECT gateway.register_task('echo_event', 'public.echo_event(jsonb)', 'hook_runner');
"""

FIELDS = {"time", "request_id", "method", "path", "path_truncated", "status", "role", "sub",
          "operation", "rows", "duration_ms", "bytes", "client"}


def b64url(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hs256(payload):
    signing_input = b64url(json.dumps({"alg": "HS256", "typ": "JWT"})) + "." + \
        b64url(json.dumps(payload))
    sig = hmac.new(SECRET.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64url(sig)


def new_id():
    return "al-" + uuid.uuid4().hex


def webhook_headers(body, msg_id):
    ts = int(time.time())
    sig = base64.b64encode(hmac.new(WEBHOOK_KEY, f"{msg_id}.{ts}.".encode() + body,
                                    hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": str(ts),
            "webhook-signature": f"v1,{sig}", "Content-Type": "application/json"}


class AccessLogCases:
    """The checks, shared by the stderr and the jsonlog class; each class
    says how its log is read (log_text, access_lines)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)
        cls.cluster.sql(f"SELECT gateway.add_webhook_source('sw', 'standard_webhooks', "
                        f"'echo_event', ARRAY['{WEBHOOK_SECRET}'])")

    def setUp(self):
        self.cluster.set_config(access_log="json")

    # -- reading the log -----------------------------------------------------
    def lines_for(self, request_id):
        return [o for o in self.access_lines() if o.get("request_id") == request_id]

    def wait_line(self, request_id, timeout=10):
        """The one access line of that request (exactly one, after a grace
        period for a second one to show up)."""
        lines = wait_until(lambda: self.lines_for(request_id), timeout=timeout,
                           what=f"access line for {request_id}")
        self.assertEqual(len(lines), 1, lines)
        return lines[0]

    def gql(self, query, token=None, operation=None, request_id=None, extra_headers=None):
        h = {"Content-Type": "application/json", "X-Request-Id": request_id or new_id()}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(extra_headers or {})
        doc = {"query": query}
        if operation:
            doc["operationName"] = operation
        return self.cluster.request("POST", "/graphql", h, json.dumps(doc))

    def check_common(self, line, resp, method, path):
        self.assertLessEqual(set(line), FIELDS, line)
        self.assertEqual(line["request_id"], resp.header("X-Request-Id"))
        self.assertEqual((line["method"], line["path"], line["status"]),
                         (method, path, resp.status))
        self.assertEqual(line["bytes"], len(resp.body))
        self.assertEqual(line["client"], "127.0.0.1")
        self.assertIsInstance(line["duration_ms"], (int, float))
        self.assertGreaterEqual(line["duration_ms"], 0)
        self.assertLess(line["duration_ms"], 30000)
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        at = datetime.datetime.strptime(line["time"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(
            tzinfo=datetime.timezone.utc)
        age = (datetime.datetime.now(datetime.timezone.utc) - at).total_seconds()
        self.assertTrue(-2 < age < 60, (line["time"], age))

    # -- the tests -------------------------------------------------------------
    def test_graphql_requests_with_and_without_a_token(self):
        token = hs256({"role": "app_user", "sub": "alice", "exp": int(time.time()) + 600})
        query = "query Items { allItems { nodes { name } } }"
        ok = self.gql(query, token, "Items")
        self.assertEqual(ok.status, 200, ok.body)
        line = self.wait_line(ok.header("X-Request-Id"))
        self.check_common(line, ok, "POST", "/graphql")
        self.assertEqual((line["role"], line["sub"], line["operation"]),
                         ("app_user", "alice", "Items"))

        # No operationName sent: the document's operation is named.
        anon = self.gql("query Named { allItems { totalCount } }")
        self.assertEqual(anon.status, 200, anon.body)
        line = self.wait_line(anon.header("X-Request-Id"))
        self.check_common(line, anon, "POST", "/graphql")
        self.assertEqual((line["role"], line["operation"]), ("app_anon", "Named"))
        self.assertNotIn("sub", line)

        # An anonymous query without a name has no operation field.
        plain = self.gql("{ allItems { totalCount } }")
        line = self.wait_line(plain.header("X-Request-Id"))
        self.assertNotIn("operation", line)

    def test_refused_and_malformed_requests(self):
        bad_token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.not-a-signature-at-all"
        refused = self.gql("query Items { allItems { totalCount } }", bad_token, "Items")
        self.assertEqual(refused.status, 401, refused.body)
        line = self.wait_line(refused.header("X-Request-Id"))
        self.check_common(line, refused, "POST", "/graphql")
        self.assertNotIn("sub", line)
        self.assertNotIn("role", line)

        rid = new_id()
        bad_json = self.cluster.request("POST", "/graphql", {
            "Content-Type": "application/json", "X-Request-Id": rid}, "{not json")
        self.assertEqual(bad_json.status, 400, bad_json.body)
        self.check_common(self.wait_line(rid), bad_json, "POST", "/graphql")

        missing = self.cluster.request("GET", "/no/such/route", {"X-Request-Id": new_id()})
        self.assertEqual(missing.status, 404)
        self.check_common(self.wait_line(missing.header("X-Request-Id")), missing, "GET",
                          "/no/such/route")

        # A request the server cannot parse: answered (and logged) by the
        # server itself, with the client's request id but no method or path.
        rid = new_id()
        with connect(self.cluster.http_port) as s:
            s.sendall(f"GET /x HTTP/1.1\r\nHost: h\r\nX-Request-Id: {rid}\r\nBad header\r\n\r\n"
                      .encode())
            resp = read_response(s)
        self.assertEqual(resp.status, 400)
        line = self.wait_line(rid)
        self.assertEqual((line["status"], line["bytes"]), (400, len(resp.body)))
        self.assertNotIn("method", line)
        self.assertNotIn("path", line)

        self.assertNotIn("not-a-signature-at-all", self.log_text())

    def test_no_secret_reaches_the_log(self):
        token = hs256({"role": "app_user", "sub": "carol", "exp": int(time.time()) + 600,
                       "secret_claim": "CLAIMSECRET"})
        query = "query Q { allItems { totalCount } }"
        target = ("/graphql?query=" + query.replace(" ", "%20") +
                  "&access_token=QUERYSECRET&api_key=QUERYSECRET2")
        rid = new_id()
        r = self.cluster.request("GET", target, {
            "Authorization": "Bearer " + token, "X-Request-Id": rid,
            "Cookie": "session=COOKIESECRET", "X-Api-Key": "HEADERSECRET"})
        self.assertEqual(r.status, 200, r.body)
        line = self.wait_line(rid)
        self.check_common(line, r, "GET", "/graphql")
        self.assertEqual((line["sub"], line["operation"]), ("carol", "Q"))

        rid2 = new_id()
        body_doc = {"query": "query P($p: String) { allItems { totalCount } }",
                    "variables": {"p": "BODYSECRET"}}
        r2 = self.cluster.request("POST", "/graphql", {
            "Content-Type": "application/json", "X-Request-Id": rid2,
            "Authorization": "Bearer " + token}, json.dumps(body_doc))
        self.wait_line(rid2)

        text = self.log_text()
        for secret in (token, token.split(".")[1], token.split(".")[2], "CLAIMSECRET",
                       "QUERYSECRET", "COOKIESECRET", "HEADERSECRET", "BODYSECRET",
                       "access_token", "Bearer"):
            self.assertNotIn(secret, text, secret)

    def test_hostile_path_stays_one_valid_line(self):
        rid = new_id()
        path = '/x"y\\z}{"status":999,"a":"' + "b" * 600
        r = self.cluster.request("GET", path, {"X-Request-Id": rid})
        self.assertEqual(r.status, 404)
        line = self.wait_line(rid)
        self.assertEqual(line["status"], 404)
        self.assertEqual(line["path"], path[:512])
        self.assertIs(line["path_truncated"], True)

        # An operation name with a newline and invalid UTF-8 escaped in JSON.
        rid = new_id()
        hostile = 'Op\n{"status":1}\u0000\udc00'
        body = json.dumps({"query": "{ allItems { totalCount } }", "operationName": hostile})
        r = self.cluster.request("POST", "/graphql", {
            "Content-Type": "application/json", "X-Request-Id": rid}, body)
        line = self.wait_line(rid)
        self.assertEqual(line["status"], r.status)
        if "operation" in line:  # the transport may refuse a lone surrogate outright
            self.assertTrue(line["operation"].startswith('Op\n{"status":1}'), line)

    def test_deferred_webhook_response_is_logged_when_it_resumes(self):
        body = b'{"n": 7}'
        rid = new_id()
        headers = webhook_headers(body, "msg_" + uuid.uuid4().hex)
        headers["X-Request-Id"] = rid
        r = self.cluster.request("POST", "/webhooks/sw", headers, body, timeout=30)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json(), {"got": 7})
        line = self.wait_line(rid)
        self.check_common(line, r, "POST", "/webhooks/sw")

    def test_off_logs_nothing(self):
        self.cluster.set_config(access_log="off")
        rid = new_id()
        self.assertEqual(self.cluster.request("GET", "/live", {"X-Request-Id": rid}).status, 200)
        r = self.gql("query Items { allItems { totalCount } }", None, "Items")
        self.assertEqual(r.status, 200)
        time.sleep(1.0)
        self.assertEqual(self.lines_for(rid), [])
        self.assertEqual(self.lines_for(r.header("X-Request-Id")), [])
        self.assertNotIn(rid, self.log_text())
        # And on again after a reload, without a restart.
        self.cluster.set_config(access_log="json")
        rid = new_id()
        self.cluster.request("GET", "/live", {"X-Request-Id": rid})
        self.assertEqual(self.wait_line(rid)["path"], "/live")


COMMON = {"pg_gateway.http_workers": "1",
          "pg_gateway.job_workers": "1",
          "pg_gateway.anonymous_role": "'app_anon'",
          "pg_gateway.authenticator_role": "'app_authenticator'",
          "pg_gateway.jwt_secret": "'" + SECRET + "'",
          "pg_gateway.access_log": "'json'"}


class AccessLogStderr(AccessLogCases, ClusterTestCase):
    """log_destination = stderr: "<prefix> LOG:  {...}", nothing after it."""

    settings = dict(COMMON, log_destination="'stderr'")
    MARK = "LOG:  {"

    def log_text(self):
        return self.cluster.log()

    def access_lines(self):
        out = []
        lines = self.log_text().split("\n")
        for i, text in enumerate(lines):
            at = text.find(self.MARK)
            if at < 0 or '"request_id"' not in text:
                continue
            out.append(json.loads(text[at + len("LOG:  "):]))
            # No STATEMENT/CONTEXT/DETAIL continuation line after it.
            if i + 1 < len(lines):
                self.assertFalse(lines[i + 1].startswith(("\t", " ")), lines[i + 1])
        return out


class AccessLogJsonlog(AccessLogCases, ClusterTestCase):
    """log_destination = jsonlog: each line is PostgreSQL's JSON object,
    the access line its "message" (itself JSON)."""

    settings = dict(COMMON, log_destination="'jsonlog'", logging_collector="on",
                    log_directory="'log'", log_filename="'server.log'")

    def log_files(self):
        return sorted(glob.glob(os.path.join(self.cluster.data, "log", "*.json")))

    def log_text(self):
        text = ""
        for name in self.log_files():
            with open(name, errors="replace") as f:
                text += f.read()
        return text

    def access_lines(self):
        out = []
        for text in self.log_text().split("\n"):
            if not text.strip():
                continue
            outer = json.loads(text)  # every line of a jsonlog file is one object
            message = outer.get("message", "")
            if outer.get("backend_type") != "pg_gateway http" or not message.startswith("{"):
                continue
            self.assertEqual(outer["error_severity"], "LOG")
            self.assertNotIn("statement", outer)
            self.assertNotIn("context", outer)
            out.append(json.loads(message))
        return out

    def test_the_log_is_jsonlog(self):
        self.assertTrue(self.log_files())
        self.assertEqual(self.cluster.sql("SHOW log_destination"), "jsonlog")



if __name__ == "__main__":
    unittest.main()
