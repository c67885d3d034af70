"""The third-party webhook signers (test/webhook_signers, npm standardwebhooks
and stripe) produce exactly what the documented schemes say, checked
against Python's own hmac:

  Standard Webhooks v1: "v1," + base64(HMAC-SHA256(base64decode(secret
      without "whsec_"), f"{id}.{ts}.{body}"));
  Stripe: "t=<ts>,v1=" + hex(HMAC-SHA256(secret, f"{ts}.{body}")) (the whole
      "whsec_..." string is the key).

Also runs each library's signature against its own verifier (sign.mjs
--self-test: standardwebhooks' verify, stripe's constructEvent). No cluster."""

import base64
import hashlib
import hmac
import os
import time
import unittest

import webhook_signers


def standard_v1(secret, msg_id, ts, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    mac = hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def stripe_v1(secret, ts, body):
    mac = hmac.new(secret.encode(), f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={ts},v1={mac}"


BODIES = [
    '{"test": 2432232314}',
    '{"type":"invoice.paid","data":{"amount":1234,"note":"Gr\u00fc\u00dfe \u2713"}}',
    "not json at all\r\nsecond line",
    "x" * 70000,
    "",
]


class WebhookSigners(unittest.TestCase):

    def test_standard_webhooks_spec_vector(self):
        # The example of the Standard Webhooks specification.
        [h] = webhook_signers.sign([{
            "scheme": "standard", "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "id": "msg_p5jXN8AQM9LWM0D4loKWxJek", "timestamp": 1614265330,
            "body": '{"test": 2432232314}'}])
        self.assertEqual(h, {"webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
                             "webhook-timestamp": "1614265330",
                             "webhook-signature":
                                 "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="})

    def test_both_schemes_match_python_hmac(self):
        now = int(time.time())
        requests, expected = [], []
        for i, body in enumerate(BODIES):
            for ts in (now, 1614265330 + i):
                secret = "whsec_" + base64.b64encode(os.urandom(24 + i)).decode()
                msg_id = f"msg_{i}_{ts}"
                requests.append({"scheme": "standard", "secret": secret, "id": msg_id,
                                 "timestamp": ts, "body": body})
                expected.append({"webhook-id": msg_id, "webhook-timestamp": str(ts),
                                 "webhook-signature": standard_v1(secret, msg_id, ts, body)})
                stripe_secret = f"whsec_{os.urandom(16).hex()}"
                requests.append({"scheme": "stripe", "secret": stripe_secret, "timestamp": ts,
                                 "body": body})
                expected.append({"Stripe-Signature": stripe_v1(stripe_secret, ts, body)})
        self.assertEqual(webhook_signers.sign(requests), expected)

    def test_secret_without_prefix_is_the_same_key(self):
        key = base64.b64encode(b"k" * 32).decode()
        common = {"scheme": "standard", "id": "msg_x", "timestamp": 1700000000, "body": "{}"}
        a, b = webhook_signers.sign([dict(common, secret="whsec_" + key),
                                     dict(common, secret=key)])
        self.assertEqual(a, b)
        self.assertEqual(a["webhook-signature"],
                         standard_v1(key, "msg_x", 1700000000, "{}"))

    def test_libraries_accept_their_own_signatures(self):
        webhook_signers.self_test()

    def test_bad_request_is_an_error(self):
        with self.assertRaisesRegex(RuntimeError, "unknown scheme"):
            webhook_signers.sign([{"scheme": "github", "secret": "s", "timestamp": 1,
                                   "body": ""}])
        with self.assertRaisesRegex(RuntimeError, "id"):
            webhook_signers.sign([{"scheme": "standard", "secret": "whsec_AAAA",
                                   "timestamp": 1, "body": ""}])

    def test_ed25519_v1a_verifies(self):
        try:
            from cryptography.hazmat.primitives.asymmetric import ed25519
        except ImportError:
            self.skipTest("python3-cryptography is not installed")
        priv = ed25519.Ed25519PrivateKey.generate()
        headers, public = webhook_signers.ed25519_v1a(priv, "msg_a", 1700000000, '{"a":1}')
        self.assertTrue(public.startswith("whpk_"))
        self.assertTrue(headers["webhook-signature"].startswith("v1a,"))
        pub = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(public[5:]))
        pub.verify(base64.b64decode(headers["webhook-signature"][4:]),
                   b'msg_a.1700000000.{"a":1}')  # raises if it does not verify


if __name__ == "__main__":
    unittest.main()
