#!/usr/bin/env node
// GraphQL-over-HTTP conformance audit of a running server, with the audits of
// npm graphql-http (serverAudits, the suite the GraphQL over HTTP spec's
// implementations list is built from). Issue 3, point 5: every MUST passes.
//
//   node audit.mjs http://127.0.0.1:8080/graphql [--timeout-ms 10000]
//
// stdout: one JSON object per audit, in graphql-http's order:
//   {"id":"4655","name":"MUST accept application/json ...","level":"MUST",
//    "ok":true}
//   {"id":"...","name":"...","level":"SHOULD","ok":false,"status":"warn",
//    "reason":"Response status code is not 400",
//    "response":{"status":200,"content_type":"...","body":"..."}}
// stderr: a one-line summary per level.
// Exit status: 0 if every MUST passed, 1 if any MUST failed, 2 on a usage error.
//
// Audits run one after the other (not all at once as graphql-http's
// auditServer does) so a server's per-connection limits cannot turn into
// failures, and each request has a timeout so a hung server fails the audit
// instead of hanging the run. An audit that throws something other than an
// assertion (connection refused, timeout) is a failure of that audit, at its
// own level, with the exception as the reason.
import { serverAudits } from "graphql-http";

function usage(message) {
  if (message) process.stderr.write(`audit.mjs: ${message}\n`);
  process.stderr.write("usage: node audit.mjs <graphql url> [--timeout-ms N]\n");
  process.exit(2);
}

function parseArgs(argv) {
  let url = null;
  let timeoutMs = 10000;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--timeout-ms") {
      timeoutMs = Number(argv[++i]);
      if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) usage("bad --timeout-ms");
    } else if (arg.startsWith("-")) {
      usage(`unknown option ${arg}`);
    } else if (url === null) {
      url = arg;
    } else {
      usage("more than one url");
    }
  }
  if (url === null) usage("missing url");
  try {
    new URL(url);
  } catch {
    usage(`not a URL: ${url}`);
  }
  return { url, timeoutMs };
}

// The requirement level is the first word of graphql-http's audit name
// ("MAY NOT allow ..." is a MAY).
function levelOf(name) {
  const word = name.split(" ", 1)[0];
  return ["MUST", "SHOULD", "MAY"].includes(word) ? word : "UNKNOWN";
}

// What the server answered, for the report of a failed audit. The body may
// already have been read by the assertion (graphql-http clones before reading
// when it needs the body again), so reading can fail: then it is left out.
async function describeResponse(res) {
  if (!res || typeof res.status !== "number") return undefined;
  const out = { status: res.status, content_type: res.headers.get("content-type") };
  try {
    const text = await res.text();
    out.body = text.length > 400 ? text.slice(0, 400) + "..." : text;
  } catch {
    // body already consumed
  }
  return out;
}

async function main() {
  const { url, timeoutMs } = parseArgs(process.argv.slice(2));
  const fetchFn = (input, init = {}) =>
    fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) });
  const audits = serverAudits({ url, fetchFn });

  const failed = { MUST: 0, SHOULD: 0, MAY: 0, UNKNOWN: 0 };
  const total = { MUST: 0, SHOULD: 0, MAY: 0, UNKNOWN: 0 };
  for (const audit of audits) {
    const level = levelOf(audit.name);
    total[level]++;
    let line;
    try {
      const result = await audit.fn();
      if (result.status === "ok") {
        line = { id: audit.id, name: audit.name, level, ok: true };
      } else {
        line = {
          id: audit.id,
          name: audit.name,
          level,
          ok: false,
          status: result.status,
          reason: result.reason,
          response: await describeResponse(result.response),
        };
      }
    } catch (err) {
      line = {
        id: audit.id,
        name: audit.name,
        level,
        ok: false,
        status: "fatal",
        reason: String(err && err.cause ? `${err} (${err.cause})` : err),
      };
    }
    if (!line.ok) failed[level]++;
    process.stdout.write(JSON.stringify(line) + "\n");
  }

  for (const level of ["MUST", "SHOULD", "MAY"]) {
    process.stderr.write(
      `${level}: ${total[level] - failed[level]}/${total[level]} passed\n`,
    );
  }
  process.exitCode = failed.MUST > 0 || failed.UNKNOWN > 0 ? 1 : 0;
}

await main();
