"""Real PostgreSQL clusters with pg_gateway preloaded, for integration tests.

Each test class gets its own cluster under PG_GATEWAY_TEST_ROOT (a folder
the postgres OS user owns: initdb and postgres refuse to run as root, so
when the tests run as root, every server command goes through runuser).
Clusters listen on a Unix socket only; the HTTP port is a free TCP port on
127.0.0.1. Nothing here is mocked: clients speak HTTP over real sockets.
"""

import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
import unittest
import urllib.parse

PG_BIN = os.environ.get("PG_BIN") or subprocess.run(
    ["pg_config", "--bindir"], capture_output=True, text=True, check=True).stdout.strip()
TEST_ROOT = os.environ.get("PG_GATEWAY_TEST_ROOT", "/tmp/pg_gateway-test")
IS_ROOT = os.geteuid() == 0
_CONTROL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pg_gateway.control")
with open(_CONTROL) as _f:
    # The version CREATE EXTENSION installs, for tests that check /ready.
    EXTENSION_VERSION = re.search(r"default_version\s*=\s*'([^']+)'", _f.read()).group(1)
SERVER_USER = "postgres" if IS_ROOT else pwd.getpwuid(os.geteuid()).pw_name


def as_server_user(cmd):
    return (["runuser", "-u", SERVER_USER, "--"] + cmd) if IS_ROOT else cmd


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class HttpResponse:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.headers = headers  # list of (lower-case name, value)
        self.body = body

    def header(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k == name:
                return v
        return None

    def json(self):
        return json.loads(self.body)

    def __repr__(self):
        return f"<HttpResponse {self.status} {self.body[:200]!r}>"


def read_response(sock, head=False, timeout=10.0):
    """Reads one HTTP/1.1 response (Content-Length framed) from a socket.
    Returns None if the peer closed before any byte."""
    sock.settimeout(timeout)
    buf = getattr(sock, "_pending", b"") or b""
    while b"\r\n\r\n" not in buf:
        chunk = sock.recv(65536)
        if not chunk:
            if not buf:
                return None
            raise ConnectionError(f"connection closed mid-response: {buf!r}")
        buf += chunk
    head_bytes, rest = buf.split(b"\r\n\r\n", 1)
    lines = head_bytes.decode("latin-1").split("\r\n")
    _, status, reason = (lines[0].split(" ", 2) + [""])[:3]
    headers = []
    for line in lines[1:]:
        k, v = line.split(":", 1)
        headers.append((k.strip().lower(), v.strip()))
    status = int(status)
    length = 0
    for k, v in headers:
        if k == "content-length":
            length = int(v)
    if head or status in (204, 304) or status < 200:
        length = 0
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed mid-body")
        rest += chunk
    body = rest[:length]
    sock._pending = rest[length:]  # pipelined responses already received
    return HttpResponse(status, reason, headers, body)


class PendingSocket(socket.socket):
    """A socket that remembers bytes read past the current response."""
    _pending = b""


def connect(port, timeout=10.0):
    s = PendingSocket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect(("127.0.0.1", port))
    except OSError:
        s.close()
        raise
    return s


def recv_until_closed(sock, timeout=10.0):
    """Reads until EOF; returns the bytes (raises on timeout)."""
    sock.settimeout(timeout)
    data = getattr(sock, "_pending", b"") or b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk


class Cluster:
    """One PostgreSQL 15 cluster with pg_gateway in shared_preload_libraries."""

    def __init__(self, name, settings=None, database="postgres"):
        self.name = name
        self.dir = os.path.join(TEST_ROOT, name)
        self.data = os.path.join(self.dir, "data")
        self.logfile = os.path.join(self.dir, "server.log")
        self.socket_dir = self.dir
        self.port = free_port()  # only names the Unix socket
        self.http_port = free_port()
        self.settings = {
            "shared_preload_libraries": "'pg_gateway'",
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.socket_dir}'",
            "port": str(self.port),
            "pg_gateway.port": str(self.http_port),
            "pg_gateway.database": f"'{database}'",
            "fsync": "off",
            "max_worker_processes": "16",
        }
        self.settings.update(settings or {})

    # -- lifecycle -----------------------------------------------------
    def init(self):
        if os.path.exists(self.dir):
            self.stop(mode="immediate", check=False)
            shutil.rmtree(self.dir)
        os.makedirs(self.dir)
        if IS_ROOT:
            shutil.chown(self.dir, SERVER_USER, SERVER_USER)
        subprocess.run(as_server_user([os.path.join(PG_BIN, "initdb"), "-D", self.data, "-A",
                                       "trust", "-U", "postgres", "--no-sync"]),
                       check=True, capture_output=True)
        self.write_settings()
        return self

    def write_settings(self):
        conf = os.path.join(self.data, "postgresql.auto.conf")
        lines = [f"{k} = {v}\n" for k, v in self.settings.items()]
        subprocess.run(as_server_user(["sh", "-c", f"cat > '{conf}'"]), input="".join(lines),
                       text=True, check=True)

    def pg_ctl(self, *args, check=True, timeout=120):
        return subprocess.run(as_server_user([os.path.join(PG_BIN, "pg_ctl"), "-D", self.data,
                                              *args]),
                              capture_output=True, text=True, check=check, timeout=timeout)

    def start(self, wait_http=True):
        self.pg_ctl("-l", self.logfile, "-w", "-t", "60", "start")
        if wait_http:
            self.wait_for(lambda: self.try_get("/live") is not None, what="HTTP /live")
        return self

    def stop(self, mode="fast", check=True):
        if not os.path.exists(os.path.join(self.data, "postmaster.pid")):
            return None
        return self.pg_ctl("-m", mode, "-w", "-t", "120", "stop", check=check)

    def restart(self):
        self.stop()
        return self.start()

    def reload(self):
        self.sql("SELECT pg_reload_conf()")
        time.sleep(0.3)

    def postmaster_pid(self):
        with open(os.path.join(self.data, "postmaster.pid")) as f:
            return int(f.readline())

    # -- SQL -------------------------------------------------------------
    def psql(self, sql, db="postgres", check=True, user="postgres"):
        r = subprocess.run(as_server_user([os.path.join(PG_BIN, "psql"), "-X", "-q", "-A", "-t",
                                           "-v", "ON_ERROR_STOP=1", "-h", self.socket_dir, "-p",
                                           str(self.port), "-U", user, "-d", db, "-c", sql]),
                           capture_output=True, text=True, timeout=120)
        if check and r.returncode != 0:
            raise RuntimeError(f"psql failed: {r.stderr}")
        return r

    def sql(self, sql, db="postgres"):
        return self.psql(sql, db=db).stdout.strip()

    def set_config(self, **settings):
        """ALTER SYSTEM for each pg_gateway.<name>=value, then reload."""
        for k, v in settings.items():
            self.sql(f"ALTER SYSTEM SET pg_gateway.{k} = '{v}'")
        self.reload()

    def worker_pids(self):
        out = self.sql("SELECT pid FROM pg_stat_activity WHERE backend_type = 'pg_gateway http' "
                       "ORDER BY pid")
        return [int(x) for x in out.split()] if out else []

    def log(self):
        with open(self.logfile, errors="replace") as f:
            return f.read()

    # -- HTTP ------------------------------------------------------------
    def request(self, method, path, headers=None, body=None, timeout=10.0):
        """One request on a fresh connection; returns HttpResponse."""
        with connect(self.http_port, timeout) as s:
            s.sendall(build_request(method, path, headers, body))
            return read_response(s, head=(method == "HEAD"), timeout=timeout)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def try_get(self, path):
        try:
            return self.get(path, timeout=2)
        except OSError:
            return None

    def curl(self, *args):
        """Runs curl against the HTTP port; returns (status, headers_text, body)."""
        r = subprocess.run(["curl", "-sS", "--max-time", "20", "-D", "-", "-o", "-", *args],
                           capture_output=True, timeout=30)
        text = r.stdout.decode("utf-8", "replace")
        head, _, body = text.partition("\r\n\r\n")
        while head.startswith("HTTP/1.1 100"):
            head, _, body = body.partition("\r\n\r\n")
        status = int(head.split(" ")[1]) if head.startswith("HTTP/") else 0
        return status, head, body

    def url(self, path):
        return f"http://127.0.0.1:{self.http_port}{path}"

    def wait_for(self, predicate, timeout=30.0, what="condition"):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate():
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out after {timeout}s waiting for {what}\n--- log ---\n"
                             + self.log()[-4000:])


def build_request(method, path, headers=None, body=None, version="HTTP/1.1"):
    h = {"Host": "127.0.0.1"}
    h.update(headers or {})
    if isinstance(body, str):
        body = body.encode()
    if body is not None and "Content-Length" not in h and "Transfer-Encoding" not in h:
        h["Content-Length"] = str(len(body))
    lines = [f"{method} {path} {version}"] + [f"{k}: {v}" for k, v in h.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


class ClusterTestCase(unittest.TestCase):
    """Starts one cluster per test class. Subclasses set `settings`."""

    settings = {}
    database = "postgres"
    create_extension = True

    @classmethod
    def setUpClass(cls):
        name = cls.__module__.rsplit(".", 1)[-1] + "-" + cls.__name__
        cls.cluster = Cluster(name, cls.settings, cls.database).init().start()
        if cls.create_extension:
            cls.cluster.sql("CREATE EXTENSION pg_gateway")

    @classmethod
    def tearDownClass(cls):
        cls.cluster.stop(mode="immediate", check=False)


# -- generic helpers for lifecycle tests (appended) ---------------------------

def log_size(cluster):
    """Current length of the server log, to read what is logged after it."""
    try:
        return os.path.getsize(cluster.logfile)
    except FileNotFoundError:
        return 0


def log_since(cluster, offset):
    with open(cluster.logfile, "rb") as f:
        f.seek(offset)
        return f.read().decode("utf-8", "replace")


def try_sql(cluster, sql, db="postgres"):
    """Like Cluster.sql, but None instead of an exception (server restarting)."""
    try:
        r = cluster.psql(sql, db=db, check=False)
    except subprocess.TimeoutExpired:
        return None
    return r.stdout.strip() if r.returncode == 0 else None


def wait_until(predicate, timeout=30.0, what="condition", interval=0.1):
    """Polls predicate (exceptions count as False) until it returns a true value."""
    deadline = time.time() + timeout
    last_error = None
    while time.time() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as e:  # noqa: BLE001 - polling through restarts
            last_error = e
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}"
                         + (f" (last error: {last_error!r})" if last_error else ""))


class BackgroundCall:
    """Runs fn() in a thread; join() returns its result or raises its exception,
    and elapsed tells how long it took."""

    def __init__(self, fn):
        import threading
        self._result = None
        self._error = None
        self.elapsed = None
        self._started = time.time()

        def run():
            try:
                self._result = fn()
            except BaseException as e:  # noqa: BLE001 - re-raised in join()
                self._error = e
            finally:
                self.elapsed = time.time() - self._started

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def join(self, timeout=None):
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise AssertionError(f"background call still running after {timeout}s")
        if self._error:
            raise self._error
        return self._result
