"""JWT authentication of GraphQL requests against a real cluster (issue 5,
points 2, 3 and 4): tokens issued by a pg_gateway.jwt_type function, the
cookie they set and clear, CSRF checks on cookie-authenticated mutations, tokens from the Authorization header or a cookie, signed
by Python (hmac, and the cryptography package for ES256: an implementation
independent of pg_gateway's), the role switch with its refusals (401 with
WWW-Authenticate for bad tokens, 403 for roles a token may not use), the
claims as PostgREST's request.jwt.claims and PostGraphile's jwt.claims.*,
row level security written in both styles, and a pre-request function."""

import base64
import hashlib
import hmac
import json
import time
import unittest

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from harness import ClusterTestCase, log_size, log_since, wait_until

SECRET = "integration-test-secret-of-more-than-32-bytes"
EC_KEY = ec.generate_private_key(ec.SECP256R1())


def b64(data):
    if isinstance(data, str):
        data = data.encode()
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwks():
    nums = EC_KEY.public_key().public_numbers()
    return json.dumps({"keys": [
        {"kty": "oct", "kid": "hs", "k": b64(SECRET)},
        {"kty": "EC", "kid": "es", "crv": "P-256", "x": b64(nums.x.to_bytes(32, "big")),
         "y": b64(nums.y.to_bytes(32, "big"))}]})


def claims(**extra):
    c = {"aud": "api", "exp": int(time.time()) + 600}
    c.update(extra)
    return c


def hs256(payload, header=None, key=SECRET):
    h = {"alg": "HS256", "typ": "JWT", "kid": "hs"} if header is None else header
    signing_input = b64(json.dumps(h)) + "." + b64(json.dumps(payload))
    sig = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return signing_input + "." + b64(sig)


def es256(payload):
    signing_input = b64(json.dumps({"alg": "ES256", "kid": "es"})) + "." + b64(json.dumps(payload))
    r, s = decode_dss_signature(EC_KEY.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
    return signing_input + "." + b64(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


SETUP_SQL = r"""
CREATE ROLE app_authenticator NOINHERIT;
CREATE ROLE app_anon;
CREATE ROLE app_user;
CREATE ROLE app_bypass BYPASSRLS;
CREATE ROLE app_boss SUPERUSER;
CREATE ROLE app_outsider;
GRANT app_anon, app_user, app_bypass, app_boss TO app_authenticator;
GRANT USAGE ON SCHEMA public TO app_anon, app_user;

-- PostgREST-style policy: the subject from request.jwt.claims.
CREATE TABLE public.note (id serial PRIMARY KEY, owner text NOT NULL, body text NOT NULL);
INSERT INTO public.note (owner, body) VALUES ('alice', 'alice 1'), ('alice', 'alice 2'),
                                            ('bob', 'bob 1');
ALTER TABLE public.note ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_notes ON public.note
  USING (owner = current_setting('request.jwt.claims', true)::json->>'sub');
GRANT SELECT ON public.note TO app_anon, app_user;

-- PostGraphile-style policy: jwt.claims.user_id.
CREATE TABLE public.diary (id serial PRIMARY KEY, user_id int NOT NULL, entry text NOT NULL);
INSERT INTO public.diary (user_id, entry) VALUES (1, 'one'), (2, 'two');
ALTER TABLE public.diary ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_diary ON public.diary
  USING (user_id = nullif(current_setting('jwt.claims.user_id', true), '')::int);
GRANT SELECT ON public.diary TO app_user;

CREATE FUNCTION public.whoami() RETURNS text LANGUAGE sql STABLE AS $$
  SELECT json_build_object(
    'user', current_user,
    'claims', current_setting('request.jwt.claims', true),
    'sub', current_setting('jwt.claims.sub', true),
    'method', current_setting('request.method', true),
    'path', current_setting('request.path', true),
    'x_test', current_setting('request.headers', true)::json->>'x-test',
    'cookie', current_setting('request.cookies', true)::json->>'flavour')::text $$;
GRANT EXECUTE ON FUNCTION public.whoami() TO app_anon, app_user;

-- pg_gateway.pre_request: refuses requests that carry X-Blocked.
CREATE FUNCTION public.check_request() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('request.headers', true)::jsonb ? 'x-blocked' THEN
    RAISE EXCEPTION 'blocked by the pre-request check' USING ERRCODE = '42501';
  END IF;
END $$;
GRANT EXECUTE ON FUNCTION public.check_request() TO app_anon, app_user;

-- pg_gateway.jwt_type: login() issues tokens (alice's with an exp, bob's without).
CREATE TYPE public.jwt_token AS (role text, sub text, user_id bigint, exp bigint);
CREATE FUNCTION public.login(name text) RETURNS public.jwt_token
  LANGUAGE sql VOLATILE SECURITY DEFINER AS $$
    SELECT ROW('app_user', name, CASE name WHEN 'alice' THEN 1 ELSE 2 END,
               CASE name WHEN 'alice' THEN extract(epoch FROM now())::bigint + 3600 END
              )::public.jwt_token
     WHERE name IN ('alice', 'bob') $$;
GRANT EXECUTE ON FUNCTION public.login(text) TO app_anon;
GRANT INSERT ON public.note TO app_user;

-- Column privileges: app_user may read a profile's name, not its salary.
CREATE TABLE public.profile (id int PRIMARY KEY, name text, salary int);
INSERT INTO public.profile VALUES (1, 'ann', 100);
GRANT SELECT (id, name) ON public.profile TO app_user;
GRANT USAGE ON SEQUENCE public.note_id_seq TO app_user;
"""


class JwtAuth(ClusterTestCase):
    settings = {"pg_gateway.http_workers": "1",
                "pg_gateway.job_workers": "0",
                "pg_gateway.anonymous_role": "'app_anon'",
                "pg_gateway.authenticator_role": "'app_authenticator'",
                "pg_gateway.jwt_audience": "'api'",
                "pg_gateway.jwt_cookie": "'session'",
                "pg_gateway.jwt_type": "'public.jwt_token'",
                "pg_gateway.jwt_secret": "'" + jwks().replace("'", "''") + "'"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cluster.sql(SETUP_SQL)

    def gql(self, query, token=None, headers=None):
        h = {"Content-Type": "application/json"}
        if token is not None:
            h["Authorization"] = "Bearer " + token
        h.update(headers or {})
        return self.cluster.request("POST", "/graphql", h, json.dumps({"query": query}))

    def whoami(self, token=None, headers=None):
        r = self.gql("{ whoami }", token, headers)
        self.assertEqual(r.status, 200, r.body)
        return json.loads(r.json()["data"]["whoami"])

    def notes(self, token=None, headers=None):
        r = self.gql("{ allNotes(orderBy: PRIMARY_KEY_ASC) { nodes { body } } }", token, headers)
        self.assertEqual(r.status, 200, r.body)
        return [n["body"] for n in r.json()["data"]["allNotes"]["nodes"]]

    def assert_refused(self, r, status, fragment):
        self.assertEqual(r.status, status, r.body)
        doc = r.json()
        self.assertNotIn("data", doc)
        self.assertIn(fragment, doc["errors"][0]["message"])
        if status == 401:
            self.assertIn('error="invalid_token"', r.header("WWW-Authenticate"))

    def test_anonymous_requests_run_as_the_anonymous_role(self):
        me = self.whoami()
        self.assertEqual(me["user"], "app_anon")
        self.assertEqual(json.loads(me["claims"]), {"role": "app_anon"})
        self.assertEqual(self.notes(), [])  # no subject: the policy shows nothing
        r = self.gql("{ whoami }")
        # Tokens are accepted, so a cache must key on them; an untagged
        # field has maxAge 0 (docs/user-guide/caching.md): no-store.
        self.assertEqual(r.header("Vary"), "Accept, Authorization, Cookie")
        self.assertEqual(r.header("Cache-Control"), "no-store")

    def test_token_role_and_claims_reach_sql(self):
        token = hs256(claims(role="app_user", sub="alice", user_id=1))
        me = self.whoami(token, {"X-Test": "yes", "Cookie": "flavour=vanilla"})
        self.assertEqual(me["user"], "app_user")
        self.assertEqual(json.loads(me["claims"])["sub"], "alice")
        self.assertEqual(me["sub"], "alice")
        self.assertEqual((me["method"], me["path"]), ("POST", "/graphql"))
        self.assertEqual(me["x_test"], "yes")
        self.assertEqual(me["cookie"], "vanilla")
        r = self.gql("{ whoami }", token)
        self.assertEqual(r.header("Cache-Control"), "private, no-store")
        self.assertEqual(r.header("Vary"), "Accept, Authorization, Cookie")

    def test_row_level_security_in_both_styles(self):
        alice = hs256(claims(role="app_user", sub="alice", user_id=1))
        bob = es256(claims(role="app_user", sub="bob", user_id=2))
        self.assertEqual(self.notes(alice), ["alice 1", "alice 2"])
        self.assertEqual(self.notes(bob), ["bob 1"])
        r = self.gql("{ allDiaries { nodes { entry } } }", bob)
        self.assertEqual(r.json()["data"]["allDiaries"]["nodes"], [{"entry": "two"}], r.body)

    def test_bad_tokens_are_401_and_nothing_runs(self):
        good = claims(role="app_user", sub="alice")
        cases = {
            "alg none": b64(json.dumps({"alg": "none"})) + "." + b64(json.dumps(good)) + ".",
            "wrong key": hs256(good, key="another-secret-that-is-long-enough-too"),
            "expired": hs256(claims(role="app_user", exp=int(time.time()) - 3600)),
            "not yet valid": hs256(claims(role="app_user", nbf=int(time.time()) + 3600)),
            "wrong audience": hs256(claims(role="app_user", aud="other")),
            "no audience": hs256({"role": "app_user", "exp": int(time.time()) + 600}),
            "tampered": (lambda t: t.split(".")[0] + "." +
                         b64(json.dumps(claims(role="app_boss"))) + "." + t.split(".")[2])(
                             hs256(good)),
            # HS256 "signed" with the EC public key document as the secret.
            "key confusion": hs256(good, {"alg": "HS256", "kid": "es"}, key=jwks()),
            "garbage": "not.a.token",
        }
        for name, token in cases.items():
            with self.subTest(name):
                self.assert_refused(self.gql("{ whoami }", token), 401, "token")

    def test_roles_a_token_may_not_use_are_403_and_logged(self):
        offset = log_size(self.cluster)
        for role, why in (("app_boss", "superuser"), ("app_bypass", "row level security"),
                          ("app_outsider", "not a member"), ("no_such_role", "no such role")):
            with self.subTest(role):
                r = self.gql("{ whoami }", hs256(claims(role=role)))
                self.assert_refused(r, 403, why)
        self.assertIn('refused a token for role "app_boss"', log_since(self.cluster, offset))

    def test_cookie_token_and_bearer_precedence(self):
        token = hs256(claims(role="app_user", sub="bob"))
        me = self.whoami(headers={"Cookie": "other=1; session=" + token})
        self.assertEqual(me["user"], "app_user")
        # An explicit (bad) Bearer token is not overridden by a good cookie.
        r = self.gql("{ whoami }", "bad", {"Cookie": "session=" + token})
        self.assert_refused(r, 401, "token")

    def test_pre_request_function(self):
        self.cluster.set_config(pre_request="public.check_request")
        try:
            self.cluster.wait_for(
                lambda: b"blocked" in self.gql("{ whoami }", headers={"X-Blocked": "1"}).body,
                what="the pre-request function to refuse")
            self.assertEqual(self.whoami()["user"], "app_anon")  # others still pass
        finally:
            self.cluster.set_config(pre_request="")


    # --- issuing tokens, the cookie, CSRF -------------------------------------

    def login(self, name, headers=None):
        return self.gql('mutation { login(input: {name: "%s"}) { result } }' % name,
                        headers=headers)

    def decode(self, token):
        header, payload, signature = token.split(".")
        expected = hmac.new(SECRET.encode(), (header + "." + payload).encode(),
                            hashlib.sha256).digest()
        self.assertEqual(b64(expected), signature)  # signed with the HMAC key of the JWKS
        pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
        self.assertEqual(json.loads(base64.urlsafe_b64decode(pad(header))),
                         {"alg": "HS256", "typ": "JWT"})
        return json.loads(base64.urlsafe_b64decode(pad(payload)))

    def test_tokens_without_iat_when_jwt_issue_iat_is_off(self):
        # PostGraphile's pgJwtSignOptions.noTimestamp.
        self.cluster.sql("ALTER SYSTEM SET pg_gateway.jwt_issue_iat = off")
        self.cluster.reload()
        try:
            def claims():
                r = self.login("alice")
                self.assertEqual(r.status, 200, r.body)
                return self.decode(r.json()["data"]["login"]["result"])
            wait_until(lambda: "iat" not in claims(), timeout=10, what="a token without iat")
            c = claims()
            self.assertEqual(list(c), ["role", "sub", "user_id", "exp", "aud", "iss"])
            self.assertEqual(self.whoami(self.login("alice").json()["data"]["login"]["result"])
                             ["sub"], "alice")  # still accepted
        finally:
            self.cluster.sql("ALTER SYSTEM RESET pg_gateway.jwt_issue_iat")
            self.cluster.reload()
        wait_until(lambda: "iat" in self.decode(
            self.login("alice").json()["data"]["login"]["result"]), timeout=10, what="iat back")

    def test_a_jwt_type_function_issues_a_signed_token_and_sets_the_cookie(self):
        before = int(time.time())
        r = self.login("alice")
        self.assertEqual(r.status, 200, r.body)
        token = r.json()["data"]["login"]["result"]
        c = self.decode(token)
        # PostGraphile's claims: the attributes (a bigint as a string, exp as
        # a number), then iat, aud and iss (aud is the configured audience).
        self.assertEqual(list(c), ["role", "sub", "user_id", "exp", "iat", "aud", "iss"])
        self.assertEqual((c["role"], c["sub"], c["user_id"]), ("app_user", "alice", "1"))
        self.assertTrue(before + 3590 <= c["exp"] <= int(time.time()) + 3601, c)  # ::bigint rounds
        self.assertEqual((c["aud"], c["iss"]), ("api", "postgraphile"))
        cookie = r.header("Set-Cookie")
        self.assertTrue(cookie.startswith("session=" + token + "; Max-Age="), cookie)
        max_age = int(cookie.split("Max-Age=")[1].split(";")[0])
        self.assertTrue(3500 <= max_age <= 3601, cookie)
        self.assertTrue(cookie.endswith("; Path=/; HttpOnly; Secure; SameSite=Lax"), cookie)
        self.assertEqual(r.header("Cache-Control"), "private, no-store")
        # The worker accepts what it issued, as a header and as the cookie.
        self.assertEqual(self.whoami(token)["sub"], "alice")
        self.assertEqual(self.whoami(headers={"Cookie": "session=" + token})["sub"], "alice")
        # Without an exp the token lives a day, as PostGraphile's do.
        bob = self.decode(self.login("bob").json()["data"]["login"]["result"])
        self.assertEqual(bob["exp"] - bob["iat"], 86400)
        # No row: null, and no cookie.
        r = self.login("mallory")
        self.assertEqual(r.json(), {"data": {"login": {"result": None}}})
        self.assertIsNone(r.header("Set-Cookie"))

    def note_count(self):
        return int(self.cluster.sql("SELECT count(*) FROM public.note"))

    def create_note(self, headers, token=None):
        return self.gql('mutation { createNote(input: {note: {owner: "alice", body: "new"}}) '
                        '{ note { body } } }', token, headers)

    def test_cookie_mutations_need_same_origin_evidence(self):
        token = hs256(claims(role="app_user", sub="alice"))
        cookie = {"Cookie": "session=" + token}
        host = "127.0.0.1:%d" % self.cluster.http_port
        before = self.note_count()
        self.addCleanup(self.cluster.sql, "DELETE FROM public.note WHERE body = 'new'")
        for name, extra in (("no origin", {}), ("foreign origin", {"Origin": "https://evil.test"}),
                            ("other port", {"Origin": "http://127.0.0.1:1", "Host": host}),
                            ("null origin", {"Origin": "null"}),
                            ("cross-site fetch", {"Sec-Fetch-Site": "cross-site"}),
                            ("same-site fetch", {"Sec-Fetch-Site": "same-site",
                                                 "Origin": "https://sub.evil.test"})):
            with self.subTest(name):
                r = self.create_note({**cookie, **extra})
                self.assert_refused(r, 403, "cross-site request refused")
        self.assertEqual(self.note_count(), before)  # nothing ran
        for name, extra in (("own origin", {"Origin": "http://" + host, "Host": host}),
                            ("fetch metadata", {"Sec-Fetch-Site": "same-origin"})):
            with self.subTest(name):
                r = self.create_note({**cookie, **extra})
                self.assertEqual(r.json(), {"data": {"createNote": {"note": {"body": "new"}}}})
        # Bearer requests and cookie reads are not affected.
        r = self.create_note({"Origin": "https://evil.test"}, token)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(self.notes(headers={**cookie, "Origin": "https://evil.test"})[:2],
                         ["alice 1", "alice 2"])
        # An allowed origin, and the custom header, once configured.
        self.cluster.set_config(cors_allowed_origins="https://app.test", csrf_header="X-CSRF")
        try:
            self.cluster.wait_for(
                lambda: self.create_note({**cookie, "Origin": "https://app.test"}).status == 200,
                what="the allowed origin to be accepted")
            r = self.create_note({**cookie, "X-CSRF": "1"})
            self.assertEqual(r.status, 200, r.body)
        finally:
            self.cluster.set_config(cors_allowed_origins="", csrf_header="")
        self.assertEqual(self.note_count(), before + 5)

    def test_logout_clears_the_cookie(self):
        r = self.cluster.request("POST", "/logout", {}, "")
        self.assertEqual(r.status, 204, r.body)
        self.assertEqual(r.header("Set-Cookie"),
                         "session=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax")
        self.assertEqual(self.cluster.request("GET", "/logout", {}, "").status, 405)


    # --- a schema per role ------------------------------------------------------

    def test_each_role_sees_the_schema_of_its_own_privileges(self):
        accept = {"Accept": "application/graphql-response+json"}
        user = hs256(claims(role="app_user", sub="alice"))
        # The anonymous role may not insert notes nor read diaries or profiles:
        # those fields are validation errors for it, not permission errors.
        r = self.gql('mutation { createNote(input: {note: {owner: "a", body: "b"}}) '
                     '{ clientMutationId } }', headers=accept)
        self.assert_refused(r, 400, 'Cannot query field "createNote" on type "Mutation".')
        r = self.gql("{ allDiaries { totalCount } }", headers=accept)
        self.assert_refused(r, 400, 'Cannot query field "allDiaries" on type "Query".')
        r = self.gql('{ __type(name: "Mutation") { fields { name } } }', headers=accept)
        self.assertEqual(r.json()["data"]["__type"]["fields"],
                         [{"name": "checkRequest"}, {"name": "login"}])
        # app_user sees them, but not the column it may not read.
        r = self.gql("{ allDiaries { totalCount } allProfiles { nodes { name } } }", user, accept)
        self.assertEqual(r.status, 200, r.body)
        self.assertEqual(r.json()["data"]["allProfiles"], {"nodes": [{"name": "ann"}]})
        r = self.gql("{ allProfiles { nodes { salary } } }", user, accept)
        self.assert_refused(r, 400, 'Cannot query field "salary" on type "Profile".')
        # A GRANT reaches the schema at the next request.
        self.cluster.sql("GRANT SELECT (salary) ON public.profile TO app_user")
        try:
            self.cluster.wait_for(
                lambda: self.gql("{ allProfiles { nodes { salary } } }", user, accept).status == 200,
                what="the granted column in app_user's schema")
        finally:
            self.cluster.sql("REVOKE SELECT (salary) ON public.profile FROM app_user")

    # --- rate limiting ----------------------------------------------------------

    def test_rate_limit_per_client_address_and_per_subject(self):
        self.cluster.set_config(rate_limit="3")  # a bucket of 3, refilled at 3 a minute
        try:
            self.cluster.wait_for(lambda: self.gql("{ __typename }").status == 429,
                                  what="the rate limit")
            r = self.gql("{ __typename }")
            self.assert_refused(r, 429, "pg_gateway.rate_limit")
            self.assertTrue(1 <= int(r.header("Retry-After")) <= 20, r.header("Retry-After"))
            self.assertEqual(r.header("RateLimit-Policy"), '"pg_gateway";q=3;w=60')
            self.assertTrue(r.header("RateLimit").startswith('"pg_gateway";r=0;t='))
            # An authenticated client is its subject, with a bucket of its own.
            alice = hs256(claims(role="app_user", sub="alice-rate"))
            for remaining in (2, 1, 0):
                r = self.gql("{ __typename }", alice)
                self.assertEqual(r.status, 200, r.body)
                self.assertTrue(r.header("RateLimit").startswith(
                    '"pg_gateway";r=%d;' % remaining), r.header("RateLimit"))
            self.assertEqual(self.gql("{ __typename }", alice).status, 429)
            bob = hs256(claims(role="app_user", sub="bob-rate"))
            self.assertEqual(self.gql("{ __typename }", bob).status, 200)
            # Behind a proxy: the address it appended to X-Forwarded-For.
            self.cluster.set_config(rate_limit_client_header="X-Forwarded-For")
            proxied = {"X-Forwarded-For": "203.0.113.9, 198.51.100.7"}
            self.cluster.wait_for(lambda: self.gql("{ __typename }", headers=proxied).status == 200,
                                  what="the client header")
        finally:
            self.cluster.set_config(rate_limit="0", rate_limit_client_header="")

    # --- trusted documents ------------------------------------------------------

    def post_body(self, body, headers=None):
        h = {"Content-Type": "application/json",
             "Accept": "application/graphql-response+json"}
        h.update(headers or {})
        return self.cluster.request("POST", "/graphql", h, json.dumps(body))

    def test_trusted_documents_by_id_and_only_mode(self):
        doc_id = self.cluster.sql("SELECT gateway.trust_document('{ whoami }', 'whoami')")
        self.assertEqual(doc_id, "sha256:" + hashlib.sha256(b"{ whoami }").hexdigest())
        r = self.post_body({"documentId": doc_id})
        self.assert_refused(r, 400, "needs pg_gateway.trusted_documents")
        self.cluster.set_config(trusted_documents="allow")
        try:
            self.cluster.wait_for(lambda: self.post_body({"documentId": doc_id}).status == 200,
                                  what="documentId accepted")
            me = json.loads(self.post_body({"documentId": doc_id}).json()["data"]["whoami"])
            self.assertEqual(me["user"], "app_anon")
            # Apollo's persisted query form, and GET with the id.
            apq = {"extensions": {"persistedQuery": {"version": 1,
                                                     "sha256Hash": doc_id[7:].upper()}}}
            self.assertEqual(self.post_body(apq).status, 200)
            r = self.cluster.request("GET", "/graphql?documentId=" + doc_id,
                                     {"Accept": "application/graphql-response+json"})
            self.assertEqual(r.status, 200, r.body)
            self.assert_refused(self.post_body({"documentId": "sha256:" + "0" * 64}), 400,
                                "PersistedQueryNotFound")
            self.assert_refused(self.post_body({"documentId": "sha256:xyz"}), 400,
                                "documentId must be")
            # 'allow' still runs other documents; 'only' runs the table's alone.
            self.assertEqual(self.post_body({"query": "{ __typename }"}).status, 200)
            self.cluster.set_config(trusted_documents="only")
            self.cluster.wait_for(
                lambda: self.post_body({"query": "{ __typename }"}).status == 400,
                what="only trusted documents")
            self.assert_refused(self.post_body({"query": "{ __typename }"}), 400,
                                "not a trusted document")
            self.assertEqual(self.post_body({"query": "{ whoami }"}).status, 200)
            self.assertEqual(self.post_body({"documentId": doc_id}).status, 200)
        finally:
            self.cluster.set_config(trusted_documents="off")

    # --- operation limits -------------------------------------------------------

    def test_operation_limits_refuse_before_anything_runs(self):
        accept = {"Accept": "application/graphql-response+json"}
        self.cluster.set_config(max_query_depth="2", max_aliases="2", max_page_size="1")
        try:
            self.cluster.wait_for(
                lambda: self.gql("{ allNotes { nodes { body } } }", headers=accept).status == 400,
                what="the depth limit")
            r = self.gql("{ allNotes { nodes { body } } }", headers=accept)
            self.assert_refused(r, 400, "Operation depth 3 exceeds the limit of 2 "
                                        "(pg_gateway.max_query_depth)")
            r = self.gql("{ a: __typename b: __typename c: __typename }", headers=accept)
            self.assert_refused(r, 400, "pg_gateway.max_aliases")
            # Introspection is not counted.
            r = self.gql("{ __schema { queryType { fields { type { ofType { name } } } } } }",
                         headers=accept)
            self.assertEqual(r.status, 200, r.body)
            # A page larger than max_page_size is an error of that field only.
            r = self.gql("{ allNotes(first: 2) { totalCount } whoami }",
                         hs256(claims(role="app_user", sub="alice")), accept)
            doc = r.json()
            self.assertIsNone(doc["data"]["allNotes"])
            self.assertIn("pg_gateway.max_page_size", doc["errors"][0]["message"])
            self.assertIn("alice", doc["data"]["whoami"])
        finally:
            self.cluster.set_config(max_query_depth="16", max_aliases="256", max_page_size="0")

    def test_introspection_for_authenticated_requests_only(self):
        accept = {"Accept": "application/graphql-response+json"}
        query = "{ __schema { queryType { name } } }"
        self.cluster.set_config(introspection="authenticated")
        try:
            self.cluster.wait_for(lambda: self.gql(query, headers=accept).status == 400,
                                  what="introspection to be refused")
            self.assert_refused(self.gql(query, headers=accept), 400, "introspection is not allowed")
            r = self.gql(query, hs256(claims(role="app_user", sub="alice")), accept)
            self.assertEqual(r.json(), {"data": {"__schema": {"queryType": {"name": "Query"}}}})
            self.assertEqual(self.gql("{ __typename }", headers=accept).status, 200)
        finally:
            self.cluster.set_config(introspection="on")


if __name__ == "__main__":
    unittest.main()
