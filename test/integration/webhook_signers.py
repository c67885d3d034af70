"""Webhook signatures made by the providers' own libraries, for tests of
pg_gateway's inbound webhooks: test/webhook_signers/sign.mjs runs the
Standard Webhooks reference library (npm standardwebhooks) and Stripe's
test helper (npm stripe, Stripe.webhooks.generateTestHeaderString).

    from webhook_signers import sign
    headers = sign([{"scheme": "standard", "secret": "whsec_...", "id": "msg_1",
                     "timestamp": int(time.time()), "body": '{"a": 1}'},
                    {"scheme": "stripe", "secret": "whsec_...",
                     "timestamp": int(time.time()), "body": '{"a": 1}'}])
    # -> [{"webhook-id": ..., "webhook-timestamp": ..., "webhook-signature": "v1,..."},
    #     {"Stripe-Signature": "t=...,v1=..."}]

Sign many requests in one call: each call starts node once (~100 ms).
The first call runs `npm ci` in test/webhook_signers when its
node_modules is missing (as test_jobs.start_smtp_peer does).

Ed25519 (Standard Webhooks v1a) is not in the JavaScript reference library
(standardwebhooks 1.3.0 signs v1 only); ed25519_v1a() below signs with
Python's `cryptography` instead.
"""

import base64
import json
import os
import shutil
import subprocess
import threading

SIGNERS_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                           "webhook_signers"))
_install_lock = threading.Lock()


def _node():
    return os.environ.get("NODE") or shutil.which("node") or "node"


def ensure_installed():
    """npm ci in test/webhook_signers unless both libraries are there."""
    with _install_lock:
        modules = os.path.join(SIGNERS_DIR, "node_modules")
        if all(os.path.exists(os.path.join(modules, p, "package.json"))
               for p in ("standardwebhooks", "stripe")):
            return
        subprocess.run([shutil.which("npm") or "npm", "ci", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=SIGNERS_DIR, check=True, capture_output=True,
                       timeout=300)


def sign(requests):
    """requests: list of dicts (see the module doc); returns one header dict
    per request, in order. Raises RuntimeError with sign.mjs's message when
    a request is refused (unknown scheme, missing field)."""
    ensure_installed()
    r = subprocess.run([_node(), "sign.mjs"], cwd=SIGNERS_DIR, input=json.dumps(requests),
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0:
        raise RuntimeError(f"sign.mjs failed ({r.returncode}): {r.stderr.strip()}")
    out = json.loads(r.stdout)
    if len(out) != len(requests):
        raise RuntimeError(f"sign.mjs returned {len(out)} headers for {len(requests)} requests")
    return out


def self_test():
    """Runs sign.mjs --self-test (each library against its own verifier)."""
    ensure_installed()
    r = subprocess.run([_node(), "sign.mjs", "--self-test"], cwd=SIGNERS_DIR,
                       capture_output=True, text=True, timeout=60)
    if r.returncode != 0 or r.stdout.strip() != "self-test ok":
        raise RuntimeError(f"sign.mjs --self-test failed: {r.stdout}{r.stderr}")


def ed25519_v1a(private_key, msg_id, timestamp, body):
    """Standard Webhooks v1a with `cryptography` (the JS reference library
    has no Ed25519): private_key is a
    cryptography.hazmat.primitives.asymmetric.ed25519.Ed25519PrivateKey;
    returns (headers, "whpk_<base64 public key>")."""
    from cryptography.hazmat.primitives import serialization

    if isinstance(body, str):
        body = body.encode()
    content = f"{msg_id}.{timestamp}.".encode() + body
    sig = base64.b64encode(private_key.sign(content)).decode()
    raw = private_key.public_key().public_bytes(serialization.Encoding.Raw,
                                                serialization.PublicFormat.Raw)
    return ({"webhook-id": msg_id, "webhook-timestamp": str(timestamp),
             "webhook-signature": f"v1a,{sig}"},
            "whpk_" + base64.b64encode(raw).decode())
