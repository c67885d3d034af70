"""Normalization and comparison of GraphQL responses for the compatibility suite.

expected/<name>.json holds normalize(PostGraphile's response). A server under
test passes a case when normalize(its response) == the stored file:

    from compare import normalize, load_cases
    for case in load_cases():
        status, body = post(url, case.request)
        assert normalize(body) == case.expected, case.name

normalize() keeps:
  * `data` exactly as returned (key order included, though == ignores it);
  * `errors` as a list of {message, locations} objects: only their presence,
    messages and locations count. Masked errors ("An error occurred (logged
    with hash: '...', id: '...')", whose hash and id vary per run) become
    MASKED_ERROR. `path` and `extensions` are dropped.
Every other top-level key (`extensions`) is dropped.

Command line: python3 compare.py EXPECTED.json ACTUAL.json  (ACTUAL may be a raw
response); exits 1 and prints both normalized documents when they differ.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import sys
from collections import namedtuple

HERE = os.path.dirname(os.path.abspath(__file__))

MASKED_ERROR = "An error occurred (logged with hash: <hash>, id: <id>)"
_MASKED_RE = re.compile(r"^An error occurred \(logged with hash: '[^']*', id: '[^']*'\)$")


def normalize_error(error):
    message = error.get("message")
    if isinstance(message, str) and _MASKED_RE.match(message):
        message = MASKED_ERROR
    out = {"message": message}
    if "locations" in error:
        out["locations"] = error["locations"]
    return out


def normalize(response):
    """The comparable part of a GraphQL response (a parsed JSON object)."""
    out = {}
    for key, value in response.items():
        if key == "data":
            out["data"] = value
        elif key == "errors":
            out["errors"] = [normalize_error(e) for e in value] if isinstance(value, list) else value
    return out


def same(actual, expected):
    """True when the two responses are equal after normalization."""
    return normalize(actual) == normalize(expected)


Case = namedtuple("Case", "name request expected http_status headers reset")

# The HS256 secret both servers verify tokens with (graphile.config.mjs gets
# it as COMPAT_JWT_SECRET; pg_gateway as pg_gateway.jwt_secret).
JWT_SECRET = "compat-suite-hs256-secret-0123456789abcdef"
JWT_AUDIENCE = "postgraphile"  # PgLazyJWTPreset's default audience


def bearer_token(claims):
    """An HS256 JWT (no expiry: the golden files must not depend on the clock)."""
    def b64(data):
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
    header = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    payload = b64(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signature = hmac.new(JWT_SECRET.encode(), f"{header}.{payload}".encode(),
                         hashlib.sha256).digest()
    return f"{header}.{payload}.{b64(signature)}"


def parse_request(query, variables=None):
    """(request body, extra HTTP headers, reset) for one case's query text.

    Leading comment lines configure the case:
      # operationName: X        sets operationName
      # role: app_user          sends a Bearer token with that role claim
      # claims: {"user_id": 3}  more claims for that token (JSON)
      # reset                   the database is put back to the seed first
    """
    request = {"query": query}
    headers = {}
    reset = False
    claims = {}
    for line in query.split("\n"):
        if not line.startswith("#"):
            break
        key, _, value = line[1:].strip().partition(":")
        key, value = key.strip(), value.strip()
        if key == "operationName":
            request["operationName"] = value
        elif key == "role":
            claims["role"] = value
        elif key == "claims":
            claims.update(json.loads(value))
        elif key == "reset":
            reset = True
    if claims:
        claims["aud"] = JWT_AUDIENCE
        headers["Authorization"] = "Bearer " + bearer_token(claims)
    if variables is not None:
        request["variables"] = variables
    return request, headers, reset


def load_cases(root=HERE):
    """Every query of queries/ with its request body, expected normalized
    response and PostGraphile's HTTP status (Accept: application/graphql-response+json)."""
    qdir = os.path.join(root, "queries")
    edir = os.path.join(root, "expected")
    with open(os.path.join(edir, "http_status.json")) as f:
        statuses = json.load(f)
    cases = []
    for fname in sorted(os.listdir(qdir)):
        if not fname.endswith(".graphql"):
            continue
        name = fname[:-len(".graphql")]
        with open(os.path.join(qdir, fname)) as f:
            query = f.read()
        variables = None
        vfile = os.path.join(qdir, name + ".variables.json")
        if os.path.exists(vfile):
            with open(vfile) as f:
                variables = json.load(f)
        request, headers, reset = parse_request(query, variables)
        with open(os.path.join(edir, name + ".json")) as f:
            expected = json.load(f)
        cases.append(Case(name, request, expected, statuses.get(name), headers, reset))
    return cases


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        expected = normalize(json.load(f))
    with open(argv[2]) as f:
        actual = normalize(json.load(f))
    if actual == expected:
        print("same")
        return 0
    print("--- expected\n" + json.dumps(expected, indent=2, ensure_ascii=False))
    print("--- actual\n" + json.dumps(actual, indent=2, ensure_ascii=False))
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
