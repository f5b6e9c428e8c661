#!/usr/bin/env node
/**
 * `npm start` = `node --max-old-space-size=192 scripts/start.mjs`: `next start` (port: PORT or -p, default 3000) with
 * a bounded V8 heap, and optionally one server process per core (docs/decisions/0013-hot-path.md).
 *
 *   --max-old-space-size  V8 otherwise lets the heap of a busy server grow towards GBs before collecting; the app's
 *                         live data is far smaller. For another bound run `node --max-old-space-size=N scripts/start.mjs`.
 *   WEB_CONCURRENCY [1]   server processes sharing the port (node:cluster), each with the same V8 flags. PostgreSQL
 *                         server only: the embedded database belongs to one process. Each process has its own pool
 *                         (DATABASE_POOL_MAX), actor cache and realtime listener; rate limits and jobs are shared
 *                         through PostgreSQL.
 *
 * One process runs Next in this process (no wrapper). Plain JavaScript: it runs where only the build and node_modules are.
 */
import cluster from "node:cluster";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const nextBin = require.resolve("next/dist/bin/next");
const args = ["start", ...process.argv.slice(2)];
let workers = Math.max(1, Math.floor(Number(process.env.WEB_CONCURRENCY || 1)) || 1);
if (workers > 1 && !process.env.DATABASE_URL) {
  console.warn("[fieldbeat] WEB_CONCURRENCY ignored: the embedded database (no DATABASE_URL) belongs to one process");
  workers = 1;
}

let stopping = false;
const stopOn = (signal, stop) =>
  process.on(signal, () => {
    stopping = true;
    stop(signal);
  });

if (workers === 1) {
  process.argv = [process.argv[0], nextBin, ...args];
  await import(nextBin);
} else {
  cluster.setupPrimary({ exec: nextBin, args, execArgv: process.execArgv });
  for (let i = 0; i < workers; i++) cluster.fork();
  console.log(`[fieldbeat] ${workers} server processes (WEB_CONCURRENCY)`);
  cluster.on("exit", (worker, code, signal) => {
    if (stopping) {
      if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
      return;
    }
    console.error(`[fieldbeat] server process ${worker.process.pid} exited (${signal ?? code}); starting another`);
    cluster.fork();
  });
  for (const signal of ["SIGINT", "SIGTERM"]) stopOn(signal, (s) => Object.values(cluster.workers ?? {}).forEach((w) => w?.process.kill(s)));
}
