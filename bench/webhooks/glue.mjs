// The anchor of bench/webhooks_vs_fastify.sh: the glue service that
// pg_gateway's inbound webhooks replace, as one would write it with the
// usual Node stack, in ONE Node process:
//
//   Fastify    POST /webhooks/:name, raw body kept as a string;
//   standardwebhooks   Webhook(secret).verify(rawBody, headers) (401 if it
//              does not verify, 404 for an unknown source, 400 if the body is
//              not JSON);
//   Graphile Worker 0.18   runner.addJob('bench_event', payload) in the same
//              process; its task runs the same one INSERT as pg_gateway's
//              SQL task, then pg_notify('webhook_done', {job, result});
//   pg LISTEN  one pg.Client LISTENs on webhook_done and resolves the
//              request waiting for that job id: 200 with the result JSON,
//              or 202 {"job": id} after 10 s.
//
//   node glue.mjs <connection string> <http port> <whsec_ secret> <concurrency>
//
// Prints "READY <port>" once Fastify listens, the runner is up and the
// LISTEN is active; stops cleanly on SIGTERM.
import Fastify from "fastify";
import pg from "pg";
import { Logger, run } from "graphile-worker";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

const [connectionString, port, secret, concurrency] = process.argv.slice(2);
const WAIT_MS = 10_000;
const sources = new Map([["bench", new Webhook(secret)]]);

// job id (string) -> resolve(result) of the request waiting for it. A
// notification can arrive before addJob's promise has resolved (the job is
// committed, a worker picks it up at once); such results wait in `early`
// until the request registers.
const pending = new Map();
const early = new Map();

function settle(jobId, result) {
  const resolve = pending.get(jobId);
  if (resolve) {
    pending.delete(jobId);
    resolve(result);
  } else {
    early.set(jobId, result);
    setTimeout(() => early.delete(jobId), WAIT_MS).unref();
  }
}

function waitFor(jobId) {
  if (early.has(jobId)) {
    const result = early.get(jobId);
    early.delete(jobId);
    return Promise.resolve(result);
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      pending.delete(jobId);
      resolve(undefined);
    }, WAIT_MS);
    pending.set(jobId, (result) => {
      clearTimeout(timer);
      resolve(result);
    });
  });
}

const listener = new pg.Client({ connectionString });
await listener.connect();
listener.on("notification", (msg) => {
  const { job, result } = JSON.parse(msg.payload);
  settle(String(job), result);
});
await listener.query("LISTEN webhook_done");

const runner = await run({
  connectionString,
  concurrency: Number(concurrency),
  noHandleSignals: true,
  pollInterval: 2000,
  // Warnings and errors only: its default logs a line per job, which would
  // cost the anchor a write per request that pg_gateway does not pay.
  logger: new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") process.stderr.write(`${level}: ${message}\n`);
  }),
  taskList: {
    bench_event: async (payload, helpers) => {
      const { rows } = await helpers.query(
        "INSERT INTO bench_events (event_id, payload) VALUES ($1::jsonb->>'id', $1::jsonb) " +
          "RETURNING jsonb_build_object('id', id) AS result",
        [JSON.stringify(payload)],
      );
      await helpers.query(
        "SELECT pg_notify('webhook_done', json_build_object('job', $1::bigint, 'result', $2::jsonb)::text)",
        [helpers.job.id, JSON.stringify(rows[0].result)],
      );
    },
  },
});

const app = Fastify({ logger: false });
app.removeAllContentTypeParsers();
app.addContentTypeParser("*", { parseAs: "string" }, (req, body, done) => done(null, body));

app.post("/webhooks/:name", async (req, reply) => {
  const wh = sources.get(req.params.name);
  if (!wh) return reply.code(404).send({ error: "unknown webhook source" });
  let payload;
  try {
    payload = wh.verify(req.body ?? "", req.headers);
  } catch (e) {
    if (e instanceof WebhookVerificationError) {
      return reply.code(401).send({ error: e.message });
    }
    return reply.code(400).send({ error: "body is not JSON" });
  }
  const job = await runner.addJob("bench_event", payload);
  const result = await waitFor(String(job.id));
  if (result === undefined) return reply.code(202).send({ job: String(job.id), status: "queued" });
  return reply.code(200).send(result);
});

await app.listen({ host: "127.0.0.1", port: Number(port) });
process.stdout.write(`READY ${port}\n`);

process.on("SIGTERM", async () => {
  await app.close();
  await runner.stop();
  await listener.end();
  process.exit(0);
});
