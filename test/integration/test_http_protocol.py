"""The HTTP/1.1 rules of the foundation issue, proven against a real worker port.

Every test talks to the HTTP workers of a real cluster over real TCP sockets
(raw sockets where the exact bytes matter, curl where a real client should
be exercised). Two clusters:

  HttpProtocol  default settings (2 workers): framing, keep-alive,
                pipelining, bodies, Expect, HEAD/OPTIONS, error statuses,
                request ids.
  HttpLimits    pg_gateway.http_workers = 1, so every connection lands on
                the same worker: settings changed by reload (max_body_size,
                max_header_size, CORS, timeouts, max_connections) and the
                counters of gateway.http_worker_stats().

Run: cd test/integration && python3 -m unittest -v test_http_protocol
"""

import json
import re
import select
import socket
import subprocess
import threading
import time
import unittest

from harness import (ClusterTestCase, build_request, connect, read_response,
                     recv_until_closed)

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
ROLE = "gw_proto_api"

# Statuses whose responses carry no Content-Length (RFC 9110 8.6).
BODILESS = (204, 304)


def install_echo_routes(cluster):
    """app.echo(r jsonb) returns r, served as a non-superuser role.

    /echo answers GET, POST and PUT; /submit answers POST only."""
    cluster.sql(f"""
        CREATE ROLE {ROLE} NOLOGIN;
        CREATE SCHEMA app;
        CREATE FUNCTION app.echo(r jsonb) RETURNS jsonb LANGUAGE sql AS $$ SELECT r $$;
        REVOKE ALL ON FUNCTION app.echo(jsonb) FROM PUBLIC;
        GRANT USAGE ON SCHEMA app TO {ROLE};
        GRANT EXECUTE ON FUNCTION app.echo(jsonb) TO {ROLE};
        SELECT gateway.register_route('GET', '/echo', 'app.echo(jsonb)', '{ROLE}');
        SELECT gateway.register_route('POST', '/echo', 'app.echo(jsonb)', '{ROLE}');
        SELECT gateway.register_route('PUT', '/echo', 'app.echo(jsonb)', '{ROLE}');
        SELECT gateway.register_route('POST', '/submit', 'app.echo(jsonb)', '{ROLE}');
    """)


def exchange(port, data, count=1, timeout=10.0, head=False, until_closed=None,
             check_open=False):
    """Sends `data` in one sendall() on a fresh connection and reads `count`
    responses. Returns (responses, rest). With until_closed=N, rest is what
    arrived after them until the server closed (AssertionError if it did not
    close within N s). With check_open, rest is None when the server sent
    nothing more within 0.3 s and kept the connection open."""
    with connect(port, timeout) as s:
        s.sendall(data)
        responses = [read_response(s, head=head, timeout=timeout) for _ in range(count)]
        if until_closed is not None:
            try:
                return responses, recv_until_closed(s, timeout=until_closed)
            except (socket.timeout, TimeoutError):
                raise AssertionError(f"server kept the connection open for {until_closed} s")
        if not check_open:
            return responses, None
        try:
            rest = recv_until_closed(s, timeout=0.3)
        except (socket.timeout, TimeoutError):
            rest = None
        return responses, rest


def run_curl(*args, timeout=30):
    """curl with -v; returns (returncode, stdout bytes, stderr text)."""
    r = subprocess.run(["curl", "-sS", "-v", "--max-time", "20", *args], capture_output=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr.decode("utf-8", "replace")


def curl_statuses(stderr):
    """The status codes of the responses curl received, from -v output."""
    return [int(m) for m in re.findall(r"^< HTTP/1\.[01] (\d{3})", stderr, re.M)]


def worker_stats(cluster):
    """Counters of gateway.http_worker_stats() summed over the workers."""
    cols = ["requests", "responses_2xx", "responses_4xx", "responses_5xx",
            "connections_accepted", "connections_rejected", "open_connections",
            "parse_errors", "timeouts"]
    out = cluster.sql("SELECT " + ", ".join(f"sum({c})::bigint" for c in cols)
                      + " FROM gateway.http_worker_stats()")
    return dict(zip(cols, (int(x) for x in out.split("|"))))


class ProtocolAssertions:
    """Assertions shared by both test classes."""

    @property
    def port(self):
        return self.cluster.http_port

    def assert_framed(self, r, request_id=None, head=False):
        """Every response: X-Request-Id, and Content-Length unless 204/304."""
        self.assertIsNotNone(r, "no response")
        rid = r.header("x-request-id")
        self.assertTrue(rid, f"{r.status} response without X-Request-Id: {r.headers}")
        if request_id is not None:
            self.assertEqual(rid, request_id)
        if r.status in BODILESS or r.status < 200:
            self.assertIsNone(r.header("content-length"),
                              f"{r.status} must not carry Content-Length")
        else:
            self.assertIsNotNone(r.header("content-length"),
                                 f"{r.status} response without Content-Length: {r.headers}")
            if not head:
                self.assertEqual(int(r.header("content-length")), len(r.body))

    def assert_json_error(self, r, status, code=None):
        self.assertEqual(r.status, status, r)
        self.assert_framed(r)
        self.assertTrue(r.header("content-type").startswith("application/json"), r.headers)
        body = r.json()
        self.assertEqual(body["code"], code or f"PGGW{status}", body)
        self.assertTrue(body["message"])
        return body

    def assert_rejected_and_closed(self, data, status, code=None):
        """Sends a bad request followed by a valid pipelined GET /live: only
        the error comes back, with Connection: close, then EOF."""
        follow_up = build_request("GET", "/live", {"X-Request-Id": "after-error"})
        responses, rest = exchange(self.cluster.http_port, data + follow_up, until_closed=5)
        r = responses[0]
        self.assert_json_error(r, status, code)
        self.assertEqual((r.header("connection") or "").lower(), "close", r.headers)
        self.assertEqual(rest, b"", "server answered a request after a framing error")
        return r


class HttpProtocol(ClusterTestCase, ProtocolAssertions):
    """Framing and semantics with the default settings (two workers)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        install_echo_routes(cls.cluster)

    # -- keep-alive ------------------------------------------------------------
    def test_keep_alive_serves_several_requests_on_one_connection(self):
        with connect(self.port) as s:
            pids = set()
            for i in range(5):
                s.sendall(build_request("GET", f"/live?i={i}", {"X-Request-Id": f"ka{i}"}))
                r = read_response(s)
                self.assertEqual(r.status, 200)
                self.assert_framed(r, f"ka{i}")
                self.assertIsNone(r.header("connection"), "HTTP/1.1 keeps alive by default")
                pids.add(r.json()["pid"])
            s.sendall(build_request("POST", "/echo", {"Content-Type": "application/json"},
                                    b'{"same": "connection"}'))
            r = read_response(s)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.json()["body"], {"same": "connection"})
            s.sendall(build_request("GET", "/live"))
            pids.add(read_response(s).json()["pid"])
            self.assertEqual(len(pids), 1, "one connection is served by one worker")

    def test_connection_close_and_http10(self):
        # Connection: close is honoured: answer, then close.
        responses, rest = exchange(self.port, build_request("GET", "/live",
                                                            {"Connection": "close"}),
                                   until_closed=5)
        self.assertEqual(responses[0].status, 200)
        self.assertEqual(responses[0].header("connection"), "close")
        self.assertEqual(rest, b"")
        # A request pipelined behind Connection: close is not answered.
        responses, rest = exchange(self.port, build_request("GET", "/live", {"Connection": "close"})
                                   + build_request("GET", "/live"), until_closed=5)
        self.assertEqual(responses[0].header("connection"), "close")
        self.assertEqual(rest, b"")
        # HTTP/1.0 closes unless it asks for keep-alive.
        responses, rest = exchange(self.port, b"GET /live HTTP/1.0\r\n\r\n", until_closed=5)
        self.assertEqual(responses[0].status, 200)
        self.assertEqual(responses[0].header("connection"), "close")
        self.assertEqual(rest, b"")
        with connect(self.port) as s:
            for _ in range(2):
                s.sendall(b"GET /live HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
                r = read_response(s)
                self.assertEqual(r.status, 200)
                self.assertEqual(r.header("connection"), "keep-alive")

    def test_curl_reuses_the_connection(self):
        rc, out, err = run_curl(self.cluster.url("/live"), self.cluster.url("/live?again=1"))
        self.assertEqual(rc, 0, err)
        self.assertEqual(curl_statuses(err), [200, 200], err)
        self.assertIn("Re-using existing connection", err)
        self.assertEqual(err.count("Connected to"), 1, err)
        # Both bodies came from the same worker process.
        bodies = [json.loads(x) for x in out.decode().replace("}{", "}\n{").splitlines()]
        self.assertEqual(bodies[0]["pid"], bodies[1]["pid"])

    def test_curl_basic_requests(self):
        status, head, body = self.cluster.curl(self.cluster.url("/live"))
        self.assertEqual(status, 200, head)
        self.assertEqual(json.loads(body)["status"], "live")
        self.assertRegex(head, r"(?im)^content-length: \d+\r?$")
        self.assertRegex(head, r"(?im)^x-request-id: \S+\r?$")
        status, head, body = self.cluster.curl("-H", "X-Request-Id: curl-req-1",
                                               self.cluster.url("/nowhere"))
        self.assertEqual(status, 404, head)
        self.assertEqual(json.loads(body)["code"], "PGGW404")
        self.assertRegex(head, r"(?im)^x-request-id: curl-req-1\r?$")
        status, head, _ = self.cluster.curl("-X", "DELETE", self.cluster.url("/live"))
        self.assertEqual(status, 405, head)
        self.assertRegex(head, r"(?im)^allow: GET, HEAD, OPTIONS\r?$")

    # -- pipelining ------------------------------------------------------------
    def test_pipelining_ten_requests_in_one_send(self):
        paths = ["/live?n=1", "/ready", "/live?n=3", "/nowhere", "/live?n=5", "/ready/write",
                 "/live?n=7", "/echo?n=8", "/live?n=9", "/live?n=10"]
        data = b"".join(build_request("GET", p, {"X-Request-Id": f"p{i}"})
                        for i, p in enumerate(paths, 1))
        responses, rest = exchange(self.port, data, count=10, check_open=True)
        self.assertEqual([r.header("x-request-id") for r in responses],
                         [f"p{i}" for i in range(1, 11)])
        self.assertEqual([r.status for r in responses],
                         [200, 200, 200, 404, 200, 200, 200, 200, 200, 200])
        self.assertEqual(responses[7].json()["query"], {"n": "8"})
        self.assertEqual(responses[7].json()["path"], "/echo")
        self.assertIsNone(rest, "connection must stay open after pipelined requests")
        for r in responses:
            self.assert_framed(r)

    def test_pipelining_tolerates_empty_lines_and_absolute_form(self):
        data = (b"\r\n" + build_request("GET", "/live", {"X-Request-Id": "e1"})
                + b"\r\n\r\n" + build_request("GET", "http://127.0.0.1/echo?abs=1",
                                                {"X-Request-Id": "e2"}))
        responses, _ = exchange(self.port, data, count=2)
        self.assertEqual([r.header("x-request-id") for r in responses], ["e1", "e2"])
        self.assertEqual([r.status for r in responses], [200, 200])
        self.assertEqual(responses[1].json()["path"], "/echo")
        self.assertEqual(responses[1].json()["query"], {"abs": "1"})

    def test_pipelining_more_requests_than_one_turn(self):
        # The worker serves 16 pipelined requests per turn; the rest must
        # still come back, in order.
        data = b"".join(build_request("GET", f"/live?n={i}", {"X-Request-Id": f"q{i}"})
                        for i in range(40))
        responses, _ = exchange(self.port, data, count=40)
        self.assertEqual([r.header("x-request-id") for r in responses],
                         [f"q{i}" for i in range(40)])

    def test_pipelining_across_sql_route_and_live(self):
        parts = []
        for i in range(1, 9):
            if i % 2:
                parts.append(build_request("POST", "/echo",
                                           {"X-Request-Id": f"s{i}",
                                            "Content-Type": "application/json"},
                                           json.dumps({"n": i}).encode()))
            else:
                parts.append(build_request("GET", "/live", {"X-Request-Id": f"s{i}"}))
        # HEAD in the middle must not desynchronise the stream.
        parts.insert(4, build_request("HEAD", "/live", {"X-Request-Id": "head"}))
        with connect(self.port) as s:
            s.sendall(b"".join(parts))
            got = []
            for i in range(9):
                r = read_response(s, head=(i == 4))
                got.append(r)
        self.assertEqual([r.header("x-request-id") for r in got],
                         ["s1", "s2", "s3", "s4", "head", "s5", "s6", "s7", "s8"])
        for r in got:
            self.assertEqual(r.status, 200, r)
        for r in (got[0], got[2], got[5], got[7]):
            body = r.json()
            self.assertEqual(body["method"], "POST")
            self.assertEqual(body["body"]["n"], int(r.header("x-request-id")[1:]))
        for r in (got[1], got[3], got[6], got[8]):
            self.assertEqual(r.json()["status"], "live")

    # -- request bodies ----------------------------------------------------------
    def test_content_length_body_reaches_sql_route(self):
        payload = {"name": "ä widget", "tags": ["a", "b"], "n": 3}
        status, head, body = self.cluster.curl(
            "-X", "POST", "-H", "Content-Type: application/json",
            "--data-binary", json.dumps(payload), self.cluster.url("/echo?x=1"))
        self.assertEqual(status, 200, head + body)
        doc = json.loads(body)
        self.assertEqual(doc["method"], "POST")
        self.assertEqual(doc["path"], "/echo")
        self.assertEqual(doc["query"], {"x": "1"})
        self.assertEqual(doc["body"], payload)
        # The same over a raw socket, body in a separate send.
        with connect(self.port) as s:
            data = json.dumps(payload).encode()
            s.sendall(build_request("PUT", "/echo", {"Content-Type": "application/json",
                                                     "Content-Length": str(len(data))}))
            time.sleep(0.05)
            s.sendall(data)
            r = read_response(s)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["method"], "PUT")
        self.assertEqual(r.json()["body"], payload)
        # A non-JSON body arrives as a string.
        r = self.cluster.request("POST", "/echo", {"Content-Type": "text/plain"}, b"plain text")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body"], "plain text")

    def test_chunked_body_reaches_sql_route(self):
        payload = json.dumps({"chunked": True, "pad": "x" * 300}).encode()
        pieces = [payload[:7], payload[7:200], payload[200:]]
        with connect(self.port) as s:
            s.sendall(build_request("POST", "/echo", {"Content-Type": "application/json",
                                                      "Transfer-Encoding": "chunked"}))
            for p in pieces:  # each chunk in its own send, split mid-line too
                chunk = b"%x\r\n" % len(p) + p + b"\r\n"
                s.sendall(chunk[:3])
                time.sleep(0.02)
                s.sendall(chunk[3:])
            s.sendall(b"0\r\n\r\n")
            r = read_response(s)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body"], json.loads(payload))
        self.assertEqual(r.json()["headers"]["transfer-encoding"], "chunked")

    def test_chunked_body_with_extensions_and_trailers(self):
        first, second = b'{"a": ', b"[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}"
        body = (b"%x;name=value\r\n" % len(first) + first + b"\r\n"
                + b"%X ; quoted=\"x y\"; flag\r\n" % len(second) + second + b"\r\n"
                + b"0;last=1\r\n"
                + b"X-Checksum: abc123\r\n"
                + b"X-Other: 1\r\n"
                + b"\r\n")
        data = build_request("POST", "/echo", {"Content-Type": "application/json",
                                               "Transfer-Encoding": "chunked",
                                               "X-Request-Id": "chunk-ext"}, body)
        # A second request right behind it proves the trailers were consumed.
        data += build_request("GET", "/live", {"X-Request-Id": "after-trailers"})
        responses, _ = exchange(self.port, data, count=2)
        self.assertEqual(responses[0].status, 200, responses[0])
        self.assertEqual(responses[0].json()["body"], {"a": list(range(1, 11))})
        self.assertNotIn("x-checksum", responses[0].json()["headers"])
        self.assertEqual(responses[1].status, 200)
        self.assertEqual(responses[1].header("x-request-id"), "after-trailers")

    def test_chunked_body_with_curl(self):
        payload = {"via": "curl", "pad": "y" * 3000}
        status, head, body = self.cluster.curl(
            "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/json",
            "--data-binary", json.dumps(payload), self.cluster.url("/echo"))
        self.assertEqual(status, 200, head + body)
        self.assertEqual(json.loads(body)["body"], payload)

    def test_expect_100_continue_raw_socket(self):
        data = json.dumps({"expect": "continue"}).encode()
        with connect(self.port) as s:
            s.sendall(build_request("POST", "/echo", {"Content-Type": "application/json",
                                                      "Content-Length": str(len(data)),
                                                      "Expect": "100-continue",
                                                      "X-Request-Id": "exp1"}))
            interim = read_response(s, timeout=5)
            self.assertEqual(interim.status, 100)
            self.assertEqual(interim.reason, "Continue")
            self.assertIsNone(interim.header("content-length"))
            s.sendall(data)
            r = read_response(s)
            self.assertEqual(r.status, 200, r)
            self.assert_framed(r, "exp1")
            self.assertEqual(r.json()["body"], {"expect": "continue"})
            # The connection goes on; a second Expect gets its own 100.
            s.sendall(build_request("POST", "/echo", {"Content-Type": "application/json",
                                                      "Content-Length": "2",
                                                      "Expect": "100-continue"}))
            self.assertEqual(read_response(s, timeout=5).status, 100)
            s.sendall(b"{}")
            self.assertEqual(read_response(s).status, 200)
        # A client that sends the body right away (without waiting) may or
        # may not get a 100, but any 100 comes before the final response and
        # the stream stays in sync.
        data = (build_request("POST", "/echo", {"Content-Type": "application/json",
                                                "Expect": "100-continue",
                                                "X-Request-Id": "exp-eager"}, b'{"e": 1}')
                + build_request("GET", "/live", {"X-Request-Id": "exp-next"}))
        with connect(self.port) as s:
            s.sendall(data)
            r = read_response(s)
            while r.status == 100:
                r = read_response(s)
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.header("x-request-id"), "exp-eager")
            self.assertEqual(r.json()["body"], {"e": 1})
            r = read_response(s)
            self.assertEqual((r.status, r.header("x-request-id")), (200, "exp-next"))

    def test_expect_100_continue_with_curl(self):
        payload = {"big": "z" * 2000}
        started = time.monotonic()
        rc, out, err = run_curl("--expect100-timeout", "10", "-H", "Expect: 100-continue", "-H",
                                "Content-Type: application/json", "--data-binary",
                                json.dumps(payload), self.cluster.url("/echo"))
        elapsed = time.monotonic() - started
        self.assertEqual(rc, 0, err)
        self.assertEqual(curl_statuses(err), [100, 200], err)
        self.assertIn("> Expect: 100-continue", err)
        self.assertEqual(json.loads(out)["body"], payload)
        # Without a 100, curl would wait 10 s before sending the body.
        self.assertLess(elapsed, 5, "the body waited for curl's Expect timeout, not a 100")

    # -- HEAD and OPTIONS -----------------------------------------------------
    def test_head_live_has_content_length_and_no_body(self):
        data = (build_request("GET", "/live", {"X-Request-Id": "g1"})
                + build_request("HEAD", "/live", {"X-Request-Id": "h1"})
                + build_request("GET", "/live", {"X-Request-Id": "g2"}))
        with connect(self.port) as s:
            s.sendall(data)
            get1 = read_response(s)
            head = read_response(s, head=True)
            get2 = read_response(s)
        self.assertEqual(head.status, 200)
        self.assertEqual(head.body, b"")
        self.assertEqual(int(head.header("content-length")), len(get1.body))
        self.assertEqual(head.header("content-type"), get1.header("content-type"))
        self.assertEqual(head.header("x-request-id"), "h1")
        # Had HEAD carried body bytes, this would not parse as g2's response.
        self.assertEqual(get2.status, 200)
        self.assertEqual(get2.header("x-request-id"), "g2")
        self.assertEqual(get2.json()["status"], "live")
        # curl -I agrees.
        rc, out, err = run_curl("-I", self.cluster.url("/live"))
        self.assertEqual(rc, 0, err)
        self.assertRegex(out.decode(), r"(?im)^content-length: [1-9]\d*\r?$")

    def test_head_on_sql_get_route(self):
        with connect(self.port) as s:
            s.sendall(build_request("HEAD", "/echo") + build_request("GET", "/live"))
            r = read_response(s, head=True)
            self.assertEqual(r.status, 200, r)
            self.assertGreater(int(r.header("content-length")), 0)
            self.assertEqual(read_response(s).json()["status"], "live")

    def test_options_answers_204_with_allow(self):
        r = self.cluster.request("OPTIONS", "/live")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("allow"), "GET, HEAD, OPTIONS")
        self.assert_framed(r)
        self.assertEqual(r.body, b"")
        r = self.cluster.request("OPTIONS", "/echo")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST, PUT, OPTIONS")
        r = self.cluster.request("OPTIONS", "/submit")
        self.assertEqual(r.header("allow"), "POST, OPTIONS")
        r = self.cluster.request("OPTIONS", "*")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS")
        # A 204 carries no body: a pipelined request right behind it parses.
        responses, _ = exchange(self.port, build_request("OPTIONS", "/live")
                                + build_request("GET", "/live", {"X-Request-Id": "after-204"}),
                                count=2)
        self.assertEqual([r.status for r in responses], [204, 200])
        self.assertEqual(responses[1].header("x-request-id"), "after-204")

    def test_preflight_without_cors_configured_is_403(self):
        r = self.cluster.request("OPTIONS", "/live", {"Origin": "https://app.example",
                                                      "Access-Control-Request-Method": "GET"})
        self.assert_json_error(r, 403)
        self.assertIsNone(r.header("access-control-allow-origin"))
        r = self.cluster.get("/live", headers={"Origin": "https://app.example"})
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("access-control-allow-origin"))

    # -- errors ---------------------------------------------------------------
    def test_malformed_requests_are_400_and_close(self):
        cases = {
            "bare LF": b"GET /live HTTP/1.1\nHost: x\n\n",
            "bare LF after headers": b"GET /live HTTP/1.1\r\nHost: x\r\n\n",
            "bare CR": b"GET /live HTTP/1.1\r\nHost: x\rX: y\r\n\r\n",
            "two spaces in request line": b"GET  /live HTTP/1.1\r\nHost: x\r\n\r\n",
            "request line without version": b"GET /live\r\nHost: x\r\n\r\n",
            "request line with extra word": b"GET /live HTTP/1.1 extra\r\nHost: x\r\n\r\n",
            "garbage version": b"GET /live HTTQ/1.1\r\nHost: x\r\n\r\n",
            "control char in target": b"GET /li\x01ve HTTP/1.1\r\nHost: x\r\n\r\n",
            "obs-fold": b"GET /live HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n  continued\r\n\r\n",
            "tab obs-fold": b"GET /live HTTP/1.1\r\nHost: x\r\nX-Long: a\r\n\tcontinued\r\n\r\n",
            "space before colon": b"GET /live HTTP/1.1\r\nHost : x\r\n\r\n",
            "header without colon": b"GET /live HTTP/1.1\r\nHost: x\r\nNoColon\r\n\r\n",
            "missing Host": b"GET /live HTTP/1.1\r\nAccept: */*\r\n\r\n",
            "two Host headers": b"GET /live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "Content-Length and Transfer-Encoding":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            "Transfer-Encoding and Content-Length":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                b"Content-Length: 5\r\n\r\n0\r\n\r\n",
            "conflicting Content-Length":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                b"Content-Length: 3\r\n\r\n{}",
            "negative Content-Length":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
            "bad chunk size":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"zz\r\n{}\r\n0\r\n\r\n",
            "chunk data longer than its size":
                b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"2\r\n{}}\r\n0\r\n\r\n",
        }
        for name, data in cases.items():
            with self.subTest(name):
                self.assert_rejected_and_closed(data, 400)

    def test_header_section_over_default_limit_is_431(self):
        big = "v" * 6000
        data = build_request("GET", "/live", {"X-A": big, "X-B": big, "X-C": big})
        self.assert_rejected_and_closed(data, 431)
        many = {f"X-H{i}": "1" for i in range(120)}
        self.assert_rejected_and_closed(build_request("GET", "/live", many), 431)
        # Just under the default 16 kB passes.
        r = self.cluster.get("/live", headers={"X-A": "v" * 15000})
        self.assertEqual(r.status, 200)

    def test_body_over_default_limit_is_413(self):
        # Default pg_gateway.max_body_size is 1 MB; the 413 comes from the
        # headers alone, before any body byte is sent.
        with connect(self.port) as s:
            s.sendall(build_request("POST", "/echo", {"Content-Length": str(1024 * 1024 + 1)}))
            self.assert_json_error(read_response(s, timeout=5), 413)
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
        self.assert_rejected_and_closed(
            build_request("POST", "/echo", {"Content-Length": "99999999999999999999999"}), 413)

    def test_request_line_too_long_is_414(self):
        # Over the 8 kB request-line limit but under the 16 kB header limit.
        self.assert_rejected_and_closed(build_request("GET", "/" + "a" * 9000), 414)
        # The same line sent in small pieces.
        with connect(self.port) as s:
            line = b"GET /" + b"b" * 9000
            for i in range(0, len(line), 1000):
                s.sendall(line[i:i + 1000])
            r = read_response(s)
            self.assert_json_error(r, 414)
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
        # A huge request line in one send is 414 as well, not 431.
        self.assert_rejected_and_closed(build_request("GET", "/" + "c" * 100000), 414)

    def test_unknown_path_is_404_json(self):
        r = self.cluster.get("/no/such/route?x=1", headers={"X-Request-Id": "nf-1"})
        body = self.assert_json_error(r, 404, "PGGW404")
        self.assertIn("/no/such/route", body["message"])
        self.assertEqual(r.header("x-request-id"), "nf-1")
        # Not a framing error: the connection stays usable.
        responses, rest = exchange(self.port, build_request("GET", "/nope")
                                   + build_request("GET", "/live"), count=2, check_open=True)
        self.assertEqual([r.status for r in responses], [404, 200])
        self.assertIsNone(rest)

    def test_wrong_method_is_405_with_allow(self):
        for method in ("POST", "PUT", "DELETE", "PATCH"):
            with self.subTest(path="/live", method=method):
                r = self.cluster.request(method, "/live", body=b"" if method != "DELETE" else None)
                self.assert_json_error(r, 405)
                self.assertEqual(r.header("allow"), "GET, HEAD, OPTIONS")
        r = self.cluster.request("DELETE", "/echo")
        self.assert_json_error(r, 405)
        self.assertEqual(r.header("allow"), "GET, HEAD, POST, PUT, OPTIONS")
        for method in ("GET", "HEAD"):
            with self.subTest(path="/submit", method=method):
                r = self.cluster.request(method, "/submit")
                self.assertEqual(r.status, 405)
                self.assertEqual(r.header("allow"), "POST, OPTIONS")
                self.assert_framed(r, head=(method == "HEAD"))
        # The connection stays usable after a 405.
        responses, rest = exchange(self.port, build_request("DELETE", "/echo")
                                   + build_request("GET", "/live"), count=2, check_open=True)
        self.assertEqual([r.status for r in responses], [405, 200])
        self.assertIsNone(rest)

    def test_unknown_method_is_501(self):
        for method in ("BREW", "PROPFIND", "get"):  # methods are case-sensitive
            with self.subTest(method=method):
                r = self.cluster.request(method, "/live", headers={"X-Request-Id": "m-" + method})
                body = self.assert_json_error(r, 501)
                self.assertIn(method, body["message"])
                self.assertEqual(r.header("x-request-id"), "m-" + method)
        status, head, _ = self.cluster.curl("-X", "BREW", self.cluster.url("/live"))
        self.assertEqual(status, 501, head)

    def test_http2_request_line_is_505(self):
        for version in ("HTTP/2.0", "HTTP/1.2", "HTTP/3.0"):
            with self.subTest(version=version):
                data = f"GET /live {version}\r\nHost: x\r\n\r\n".encode()
                self.assert_rejected_and_closed(data, 505)

    def test_unsupported_transfer_coding_is_501(self):
        data = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
                b"0\r\n\r\n")
        self.assert_rejected_and_closed(data, 501)

    # -- request ids and framing of every response -------------------------------
    def test_every_response_has_content_length_and_request_id(self):
        requests = [
            build_request("GET", "/live"),                      # 200
            build_request("GET", "/ready"),                     # 200 (database)
            build_request("POST", "/echo", {"Content-Type": "application/json"}, b"{}"),
            build_request("HEAD", "/live"),                     # 200, no body
            build_request("OPTIONS", "/live"),                  # 204
            build_request("GET", "/missing"),                   # 404
            build_request("PUT", "/live", body=b"x"),           # 405
            build_request("BREW", "/live"),                     # 501
            b"GET /live HTTP/1.1\r\n\r\n",                      # 400, closes
        ]
        with connect(self.port) as s:
            s.sendall(b"".join(requests))
            got = [read_response(s, head=(i == 3)) for i in range(len(requests))]
        self.assertEqual([r.status for r in got], [200, 200, 200, 200, 204, 404, 405, 501, 400])
        ids = [r.header("x-request-id") for r in got]
        for i, r in enumerate(got):
            self.assert_framed(r, head=(i == 3))
            self.assertRegex(r.header("x-request-id"), UUID_RE)
        self.assertEqual(len(set(ids)), len(ids), "request ids must be unique")
        self.assertIsNotNone(got[3].header("content-length"))  # HEAD keeps it

    def test_client_request_id_is_echoed(self):
        for rid in ("abc-123", "A-Z_a-z.0-9:x", "123e4567-e89b-12d3-a456-426614174000",
                    "r" * 128):
            with self.subTest(rid=rid[:20]):
                r = self.cluster.get("/live", headers={"X-Request-Id": rid})
                self.assertEqual(r.header("x-request-id"), rid)
                r = self.cluster.request("POST", "/echo", {"X-Request-Id": rid,
                                                           "Content-Type": "application/json"},
                                         b"{}")
                self.assertEqual(r.header("x-request-id"), rid)
                self.assertEqual(r.json()["headers"]["x-request-id"], rid)

    def test_malformed_request_id_is_replaced_by_uuid(self):
        for rid in ("has spaces in it", '"quoted"', "semi;colon", "r" * 129, "a" * 200,
                    "Root=1-abc", "caf\u00e9"):
            with self.subTest(rid=rid[:20]):
                data = build_request("GET", "/live", {"X-Request-Id": "PLACEHOLDER"})
                data = data.replace(b"PLACEHOLDER", rid.encode("utf-8"))
                responses, _ = exchange(self.port, data)
                r = responses[0]
                self.assertEqual(r.status, 200)
                self.assertNotEqual(r.header("x-request-id"), rid)
                self.assertRegex(r.header("x-request-id"), UUID_RE)


class HttpLimits(ClusterTestCase, ProtocolAssertions):
    """Reloadable limits, CORS, timeouts, connection cap and counters, with
    one worker so that every connection lands on it."""

    settings = {"pg_gateway.http_workers": "1"}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        install_echo_routes(cls.cluster)

    def configure(self, probe=None, what="the new settings", **gucs):
        """ALTER SYSTEM + reload; RESET + reload when the test ends. `probe`
        is a predicate that holds once the worker runs with the settings."""
        self.addCleanup(self.reset_config, *gucs)
        self.cluster.set_config(**gucs)
        if probe:
            self.cluster.wait_for(probe, timeout=20, what=what)

    def reset_config(self, *names):
        for name in names:
            self.cluster.sql(f"ALTER SYSTEM RESET pg_gateway.{name}")
        self.cluster.reload()

    def status_of(self, data, timeout=3.0):
        """Status of the first response to `data` on a fresh connection, or
        None when nothing came back within `timeout`."""
        try:
            with connect(self.port, timeout) as s:
                s.sendall(data)
                r = read_response(s, timeout=timeout)
                return r.status if r else None
        except OSError:
            return None

    def partial_request_gets_408(self, within=2.0):
        return self.status_of(b"GET /li", timeout=within) == 408

    def wait_until_no_connections(self):
        self.cluster.wait_for(lambda: worker_stats(self.cluster)["open_connections"] == 0,
                              timeout=20, what="no open HTTP connections")

    # -- body and header limits -----------------------------------------------
    def test_body_over_max_body_size_is_413(self):
        over = build_request("POST", "/echo", {"Content-Type": "text/plain"}, b"x" * 1025)
        self.configure(max_body_size="1kB", probe=lambda: self.status_of(over) == 413,
                       what="max_body_size = 1kB")
        # Exactly at the limit is accepted.
        at_limit = json.dumps({"p": "x" * (1024 - 9)}).encode()
        self.assertEqual(len(at_limit), 1024)
        r = self.cluster.request("POST", "/echo", {"Content-Type": "application/json"}, at_limit)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json()["body"], json.loads(at_limit))
        # Content-Length one byte over.
        body = self.assert_rejected_and_closed(over, 413)
        self.assertIn("1024", body.json()["message"])
        # Chunked: no single chunk is over, their sum is.
        chunked = (b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   + (b"258\r\n" + b"y" * 600 + b"\r\n") * 2 + b"0\r\n\r\n")
        self.assert_rejected_and_closed(chunked, 413)
        # One chunk over, announced before its data arrives.
        with connect(self.port) as s:
            s.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      b"800\r\n")
            r = read_response(s, timeout=5)
            self.assert_json_error(r, 413)
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
        # Expect: 100-continue with a body over the limit: 413 instead of 100.
        with connect(self.port) as s:
            s.sendall(build_request("POST", "/echo", {"Content-Length": "5000",
                                                      "Expect": "100-continue"}))
            r = read_response(s, timeout=5)
            self.assert_json_error(r, 413)
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
        # curl sees the 413 too.
        status, head, _ = self.cluster.curl("--data-binary", "z" * 3000,
                                            self.cluster.url("/echo"))
        self.assertEqual(status, 413, head)

    def test_header_section_over_max_header_size_is_431(self):
        over = build_request("GET", "/live", {"X-Pad": "h" * 3000})
        self.configure(max_header_size="2kB", probe=lambda: self.status_of(over) == 431,
                       what="max_header_size = 2kB")
        self.assert_rejected_and_closed(over, 431)
        # Many small headers, over the limit together.
        many = build_request("GET", "/live", {f"X-H{i}": "v" * 40 for i in range(60)})
        r = self.assert_rejected_and_closed(many, 431)
        self.assertIn("2048", r.json()["message"])
        # Under the limit is served.
        r = self.cluster.get("/live", headers={"X-Pad": "h" * 1500})
        self.assertEqual(r.status, 200)

    # -- CORS -------------------------------------------------------------------
    def preflight(self, origin, method="GET", path="/live", extra=None):
        headers = {"Origin": origin, "Access-Control-Request-Method": method}
        headers.update(extra or {})
        return self.cluster.request("OPTIONS", path, headers)

    def test_cors_preflight_and_reload(self):
        live_pid = self.cluster.get("/live").json()["pid"]
        postmaster = self.cluster.postmaster_pid()
        allowed, other, evil = "https://app.example", "https://other.example", "https://evil.example"
        self.configure(cors_allowed_origins=allowed,
                       probe=lambda: self.preflight(allowed).status == 204,
                       what="CORS for https://app.example")

        r = self.preflight(allowed, extra={"Access-Control-Request-Headers": "content-type"})
        self.assertEqual(r.status, 204)
        self.assert_framed(r)
        self.assertEqual(r.header("access-control-allow-origin"), allowed)
        self.assertEqual(r.header("access-control-allow-methods"), "GET, HEAD, OPTIONS")
        self.assertEqual(r.header("access-control-allow-headers"), "content-type")
        self.assertEqual(r.header("access-control-max-age"), "600")
        self.assertIn("Origin", r.header("vary"))
        # Preflight for a SQL route lists its methods.
        r = self.preflight(allowed, method="POST", path="/echo")
        self.assertEqual(r.status, 204)
        self.assertEqual(r.header("access-control-allow-methods"), "GET, HEAD, POST, PUT, OPTIONS")
        # Disallowed origin.
        r = self.preflight(evil)
        self.assert_json_error(r, 403)
        self.assertIsNone(r.header("access-control-allow-origin"))
        self.assertIn("Origin", r.header("vary"))
        # Simple requests.
        r = self.cluster.get("/live", headers={"Origin": allowed})
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("access-control-allow-origin"), allowed)
        self.assertIn("Origin", r.header("vary"))
        r = self.cluster.request("POST", "/echo", {"Origin": allowed,
                                                   "Content-Type": "application/json"}, b"{}")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("access-control-allow-origin"), allowed)
        r = self.cluster.get("/live", headers={"Origin": evil})
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("access-control-allow-origin"))
        # Through curl as well.
        status, head, _ = self.cluster.curl("-X", "OPTIONS", "-H", f"Origin: {allowed}", "-H",
                                            "Access-Control-Request-Method: GET",
                                            self.cluster.url("/live"))
        self.assertEqual(status, 204, head)
        self.assertRegex(head, rf"(?im)^access-control-allow-origin: {re.escape(allowed)}\r?$")

        # A changed list takes effect on reload, without a restart.
        self.cluster.set_config(cors_allowed_origins=other)
        self.cluster.wait_for(lambda: self.preflight(other).status == 204, timeout=20,
                              what="CORS for https://other.example after reload")
        self.assertEqual(self.preflight(allowed).status, 403)
        self.assertEqual(self.cluster.get("/live", headers={"Origin": other})
                         .header("access-control-allow-origin"), other)
        # Reset: CORS is off again.
        self.reset_config("cors_allowed_origins")
        self.cluster.wait_for(lambda: self.preflight(other).status == 403, timeout=20,
                              what="CORS off after RESET")
        r = self.cluster.get("/live", headers={"Origin": other})
        self.assertIsNone(r.header("access-control-allow-origin"))
        self.assertIsNone(r.header("vary"))
        self.assertEqual(self.cluster.get("/live").json()["pid"], live_pid, "worker restarted")
        self.assertEqual(self.cluster.postmaster_pid(), postmaster)

    # -- timeouts -----------------------------------------------------------------
    def configure_short_timeouts(self):
        self.configure(header_timeout="500ms", keepalive_timeout="1000ms",
                       probe=self.partial_request_gets_408,
                       what="header_timeout = 500ms")

    def test_half_request_line_gets_408_and_close(self):
        self.configure_short_timeouts()
        with connect(self.port) as s:
            started = time.monotonic()
            s.sendall(b"GET /live HT")
            r = read_response(s, timeout=5)
            got_408 = time.monotonic() - started
            rest = recv_until_closed(s, timeout=5)
            closed = time.monotonic() - started
        self.assert_json_error(r, 408)
        self.assertEqual(r.header("connection"), "close")
        self.assertEqual(rest, b"")
        self.assertGreater(got_408, 0.3, "408 before header_timeout")
        self.assertLess(closed, 2.0, f"closed after {closed:.2f} s")
        # Headers trickling in without the final CRLF time out too.
        with connect(self.port) as s:
            started = time.monotonic()
            s.sendall(b"GET /live HTTP/1.1\r\nHost: x\r\n")
            r = read_response(s, timeout=5)
            self.assert_json_error(r, 408)
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
            self.assertLess(time.monotonic() - started, 2.0)

    def test_idle_keep_alive_connection_is_closed(self):
        self.configure_short_timeouts()
        with connect(self.port) as s:
            s.sendall(build_request("GET", "/live"))
            self.assertEqual(read_response(s).status, 200)
            started = time.monotonic()
            rest = recv_until_closed(s, timeout=5)
            idle = time.monotonic() - started
        self.assertEqual(rest, b"", "an idle connection is closed without a response")
        self.assertGreater(idle, 0.5, f"closed after {idle:.2f} s, before keepalive_timeout")
        self.assertLess(idle, 2.5, f"closed after {idle:.2f} s")
        # A connection that never sends anything is closed the same way.
        with connect(self.port) as s:
            started = time.monotonic()
            self.assertEqual(recv_until_closed(s, timeout=5), b"")
            self.assertLess(time.monotonic() - started, 2.5)

    def test_slowloris_does_not_starve_other_clients(self):
        self.configure_short_timeouts()
        request = b"GET /live HTTP/1.1\r\nHost: slow\r\nX-Slow: " + b"s" * 100
        slow = [connect(self.port) for _ in range(30)]
        received = [b""] * len(slow)
        latencies = []
        stop = threading.Event()
        errors = []

        def normal_client():
            try:
                while not stop.is_set():
                    started = time.monotonic()
                    r = self.cluster.get("/live", timeout=10)
                    latencies.append(time.monotonic() - started)
                    if r.status != 200:
                        errors.append(r)
                    time.sleep(0.1)
            except Exception as e:  # reported by the main thread
                errors.append(e)

        client = threading.Thread(target=normal_client)
        try:
            client.start()
            deadline = time.monotonic() + 2.0
            i = 0
            while time.monotonic() < deadline:
                for n, s in enumerate(slow):
                    if received[n]:
                        continue  # answered; a real attacker would reconnect
                    try:
                        s.send(request[i:i + 1])
                    except OSError:
                        received[n] = b"<send failed>"
                i += 1
                ready, _, _ = select.select(slow, [], [], 0.2)
                for s in ready:
                    n = slow.index(s)
                    try:
                        received[n] += s.recv(65536) or b"<eof>"
                    except OSError as e:
                        received[n] += f"<{e}>".encode()
        finally:
            stop.set()
            client.join(timeout=15)
            for s in slow:
                s.close()
        self.assertEqual(errors, [])
        self.assertGreaterEqual(len(latencies), 5, latencies)
        self.assertLess(max(latencies), 3.0, f"normal client latencies: {latencies}")
        answered_408 = sum(1 for d in received if d.startswith(b"HTTP/1.1 408 "))
        self.assertEqual(answered_408, len(slow), [d[:40] for d in received])

    # -- connection limit ---------------------------------------------------------
    def test_max_connections_answers_503(self):
        self.wait_until_no_connections()
        before = worker_stats(self.cluster)

        def cap_active():
            held = []
            try:
                for _ in range(3):
                    s = connect(self.port, 3)
                    held.append(s)
                    s.sendall(build_request("GET", "/live"))
                    if read_response(s, timeout=3).status != 200:
                        return False
                extra = connect(self.port, 2)
                held.append(extra)
                r = read_response(extra, timeout=1.0)
                return r is not None and r.status == 503
            except OSError:
                return False
            finally:
                for s in held:
                    s.close()

        self.configure(max_connections="3", keepalive_timeout="60s", probe=cap_active,
                       what="max_connections = 3")
        self.wait_until_no_connections()
        held = []
        try:
            for i in range(3):
                s = connect(self.port)
                held.append(s)
                s.sendall(build_request("GET", "/live"))
                self.assertEqual(read_response(s).status, 200)
            # The 4th connection, idle: 503, then closed.
            with connect(self.port) as s:
                r = read_response(s, timeout=5)
                body = self.assert_json_error(r, 503)
                self.assertEqual(r.header("retry-after"), "1")
                self.assertEqual(r.header("connection"), "close")
                self.assertIn("max_connections", body["detail"] or body["message"])
                self.assertEqual(recv_until_closed(s, timeout=5), b"")
            # A client that sends its request at once (what real clients do)
            # must get the 503 too, not a connection reset.
            with connect(self.port) as s:
                s.sendall(build_request("GET", "/live", {"X-Request-Id": "over-cap"}))
                time.sleep(0.2)
                r = read_response(s, timeout=5)
                self.assert_json_error(r, 503)
            status, head, _ = self.cluster.curl(self.cluster.url("/live"))
            self.assertEqual(status, 503, head)
            self.assertRegex(head, r"(?im)^retry-after: 1\r?$")
            # The held connections are still served.
            for s in held:
                s.sendall(build_request("GET", "/live"))
                self.assertEqual(read_response(s).status, 200)
        finally:
            for s in held:
                s.close()
        # Once they are closed, new connections are served again.
        self.cluster.wait_for(lambda: self.status_of(build_request("GET", "/live")) == 200,
                              timeout=20, what="a new connection served after closing")
        for _ in range(3):
            self.assertEqual(self.cluster.get("/live").status, 200)
        after = worker_stats(self.cluster)
        self.assertGreaterEqual(after["connections_rejected"] - before["connections_rejected"], 3)

    # -- counters ---------------------------------------------------------------
    def test_worker_stats_count_requests_errors_and_timeouts(self):
        self.configure(header_timeout="500ms", probe=self.partial_request_gets_408,
                       what="header_timeout = 500ms")
        self.wait_until_no_connections()
        before = worker_stats(self.cluster)

        self.assertEqual(self.cluster.get("/live").status, 200)              # request, 2xx
        self.assertEqual(self.cluster.get("/nope").status, 404)              # request, 4xx
        self.assertEqual(self.status_of(b"GET /live HTTP/1.1\n\n"), 400)     # parse error, 4xx
        self.assertEqual(self.status_of(b"GET /li", timeout=5), 408)         # timeout, 4xx
        expected = {"requests": 2, "responses_2xx": 1, "responses_4xx": 3, "responses_5xx": 0,
                    "parse_errors": 1, "timeouts": 1, "connections_accepted": 4}

        deltas = {}

        def counted():
            after = worker_stats(self.cluster)
            deltas.update({k: after[k] - before[k] for k in expected})
            return deltas == expected

        deadline = time.monotonic() + 10
        while not counted() and time.monotonic() < deadline:
            time.sleep(0.1)
        self.assertEqual(deltas, expected)


if __name__ == "__main__":
    unittest.main()
