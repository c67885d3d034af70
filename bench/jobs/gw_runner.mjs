// Graphile Worker for bench/jobs/vs_graphile_worker.py: one runner with the
// given concurrency and two tasks, `noop` (does nothing) and `stamp`
// (records when it started, for the commit-to-start latency). Prints READY
// once the runner is up; stops on SIGTERM.
import { run } from "graphile-worker";

const [connectionString, concurrency] = process.argv.slice(2);
const runner = await run({
  connectionString,
  concurrency: Number(concurrency),
  noHandleSignals: true,
  pollInterval: 2000,
  taskList: {
    noop: async () => {},
    stamp: async (payload, helpers) => {
      await helpers.query("INSERT INTO bench_started (i, at) VALUES ($1, clock_timestamp())", [
        payload.i,
      ]);
    },
  },
});
process.stdout.write("READY\n");
process.on("SIGTERM", async () => {
  await runner.stop();
  process.exit(0);
});
await runner.promise;
