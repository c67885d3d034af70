// Third-party webhook signers for pg_gateway's webhook tests and benchmark:
// the headers come from the providers' own libraries, not from our code.
//
//   node sign.mjs < requests.json      -> JSON array of header objects
//   node sign.mjs --self-test          -> checks each library against its own verifier
//
// requests.json is one JSON array; each element is
//   {"scheme": "standard", "secret": "whsec_<base64>", "id": "msg_...",
//    "timestamp": <unix seconds>, "body": "<raw body>"}
//     -> {"webhook-id", "webhook-timestamp", "webhook-signature"} from
//        new Webhook(secret).sign(id, new Date(timestamp * 1000), body)
//        (npm standardwebhooks, the Standard Webhooks reference library);
//   {"scheme": "stripe", "secret": "whsec_...", "timestamp": <unix seconds>,
//    "body": "<raw body>"}
//     -> {"Stripe-Signature"} from Stripe.webhooks.generateTestHeaderString
//        (npm stripe; the header is t=<ts>,v1=<hex HMAC-SHA256>).
//
// Ed25519 (v1a) is not offered: standardwebhooks 1.3.0 (JavaScript) signs
// and verifies only the symmetric v1 scheme (its Webhook class has no
// asymmetric keys), so v1a test vectors are made in Python with
// `cryptography` instead.
import { Webhook } from "standardwebhooks";
import Stripe from "stripe";

export function signOne(req) {
  if (typeof req !== "object" || req === null) throw new Error("request must be an object");
  const { scheme, secret, id, timestamp, body } = req;
  if (typeof secret !== "string" || secret === "") throw new Error("secret: non-empty string");
  if (!Number.isInteger(timestamp) || timestamp <= 0) throw new Error("timestamp: unix seconds");
  if (typeof body !== "string") throw new Error("body: string");
  switch (scheme) {
    case "standard": {
      if (typeof id !== "string" || id === "") throw new Error("id: non-empty string");
      const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body);
      return {
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": signature,
      };
    }
    case "stripe":
      return {
        "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({
          payload: body,
          secret,
          timestamp,
        }),
      };
    default:
      throw new Error(`unknown scheme ${JSON.stringify(scheme)} (standard or stripe)`);
  }
}

function selfTest() {
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({ type: "invoice.paid", data: { amount: 1234, note: "Grüße" } });
  const failures = [];
  const expectThrow = (what, fn) => {
    try {
      fn();
      failures.push(`${what}: accepted`);
    } catch {
      /* refused, as it should be */
    }
  };

  // Standard Webhooks: the reference library's own verify() (it checks the
  // timestamp against the clock, hence `now`).
  const swSecret = "whsec_" + Buffer.from("pg_gateway self-test key 32 byte").toString("base64");
  const sw = signOne({ scheme: "standard", secret: swSecret, id: "msg_selftest1", timestamp: now, body });
  const wh = new Webhook(swSecret);
  try {
    const parsed = wh.verify(body, sw);
    if (parsed.data.amount !== 1234) failures.push("standard: verify returned the wrong payload");
  } catch (e) {
    failures.push(`standard: verify refused its own signature: ${e.message}`);
  }
  expectThrow("standard: tampered body", () => wh.verify(body.replace("1234", "1235"), sw));
  expectThrow("standard: other id", () => wh.verify(body, { ...sw, "webhook-id": "msg_other" }));
  expectThrow("standard: other key", () =>
    new Webhook("whsec_" + Buffer.from("another key").toString("base64")).verify(body, sw));

  // Stripe: constructEvent (receivedAt, in milliseconds, lets an old
  // timestamp verify too).
  const stSecret = "whsec_selftest_stripe_secret";
  for (const ts of [now, 1700000000]) {
    const h = signOne({ scheme: "stripe", secret: stSecret, timestamp: ts, body })["Stripe-Signature"];
    try {
      const ev = Stripe.webhooks.constructEvent(body, h, stSecret, 300, undefined, (ts + 10) * 1000);
      if (ev.type !== "invoice.paid") failures.push("stripe: constructEvent returned the wrong event");
    } catch (e) {
      failures.push(`stripe: constructEvent refused its own header (t=${ts}): ${e.message}`);
    }
    expectThrow(`stripe: tampered body (t=${ts})`, () =>
      Stripe.webhooks.constructEvent(body + " ", h, stSecret, 300, undefined, (ts + 10) * 1000));
    expectThrow(`stripe: outside tolerance (t=${ts})`, () =>
      Stripe.webhooks.constructEvent(body, h, stSecret, 300, undefined, (ts + 301) * 1000));
  }
  if (failures.length) {
    process.stderr.write(failures.join("\n") + "\n");
    process.exit(1);
  }
  process.stdout.write("self-test ok\n");
}

async function main() {
  if (process.argv[2] === "--self-test") return selfTest();
  let input = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) input += chunk;
  const requests = JSON.parse(input);
  if (!Array.isArray(requests)) throw new Error("stdin: a JSON array of requests");
  process.stdout.write(JSON.stringify(requests.map(signOne)) + "\n");
}

main().catch((e) => {
  process.stderr.write(`sign.mjs: ${e.message}\n`);
  process.exit(2);
});
