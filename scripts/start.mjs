#!/usr/bin/env node
/**
 * `npm start` = `node --max-old-space-size=192 scripts/start.mjs [-p PORT] [-H HOST]`: a small supervisor process
 * that runs the server processes (scripts/server.mjs: the lean door in front of Next, docs/decisions/0013-hot-path.md)
 * and replaces any that dies, in one-process mode too.
 *
 *   --max-old-space-size  passed on to every server process (V8 otherwise lets a busy server's heap grow towards GBs
 *                         before collecting; the app's live data is far smaller). `node --max-old-space-size=N
 *                         scripts/start.mjs` for another bound. The supervisor itself loads neither Next nor the app.
 *   WEB_CONCURRENCY [1]   server processes sharing the port (node:cluster). PostgreSQL server only: the embedded
 *                         database belongs to one process, so without DATABASE_URL there is exactly one, and its
 *                         replacement starts only after it has exited (never two holding the data directory).
 *                         Each process has its own pool (DATABASE_POOL_MAX), actor cache and realtime listener;
 *                         rate limits and jobs are shared through PostgreSQL.
 *
 * A process that dies (out of memory, an uncaught error, a kill) is replaced at once; one that keeps dying within
 * seconds of its start is replaced after a growing pause (1 s, 2 s … 30 s), so a broken deploy does not spin.
 * SIGTERM/SIGINT: passed to every server process, which drains and exits; the supervisor exits when they have.
 * Plain JavaScript: it runs where only the build and node_modules exist.
 */
import cluster from "node:cluster";
import { fileURLToPath } from "node:url";

let workers = Math.max(1, Math.floor(Number(process.env.WEB_CONCURRENCY || 1)) || 1);
if (workers > 1 && !process.env.DATABASE_URL) {
  console.warn("[fieldbeat] WEB_CONCURRENCY ignored: the embedded database (no DATABASE_URL) belongs to one process");
  workers = 1;
}

const QUICK_DEATH_MS = 10_000;
const MAX_PAUSE_MS = 30_000;
let stopping = false;
let quickDeaths = 0;
const startedAt = new Map();

// AsyncLocalStorage on V8's async context frame instead of promise hooks: Next's request scope and OpenTelemetry's
// context then cost nothing per promise (the hooks were 2.6–4 % of a traced health check's CPU samples, bench/profile.ts,
// stops 29 and 30).
// Node 24 does this by default; Node 22 (our floor, 22.12) has it behind this flag.
const major = Number(process.versions.node.split(".")[0]);
const contextFrame = (major === 22 || major === 23) && !process.execArgv.some((a) => a.includes("async-context-frame")) ? ["--experimental-async-context-frame"] : [];

cluster.setupPrimary({ exec: fileURLToPath(new URL("./server.mjs", import.meta.url)), args: process.argv.slice(2), execArgv: [...process.execArgv, ...contextFrame] });

function fork() {
  const worker = cluster.fork();
  startedAt.set(worker.id, Date.now());
}

cluster.on("exit", (worker, code, signal) => {
  const lived = Date.now() - (startedAt.get(worker.id) ?? 0);
  startedAt.delete(worker.id);
  if (stopping) {
    // The exited worker may still be listed until its IPC channel closes: count the others that are alive.
    if (!Object.values(cluster.workers ?? {}).some((w) => w && w !== worker && !w.isDead())) process.exit(0);
    return;
  }
  quickDeaths = lived < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
  const pause = quickDeaths > 1 ? Math.min(MAX_PAUSE_MS, 1000 * 2 ** (quickDeaths - 2)) : 0;
  console.error(`[fieldbeat] server process ${worker.process.pid} exited (${signal ?? code}); starting another${pause ? ` in ${pause / 1000} s` : ""}`);
  setTimeout(() => stopping || fork(), pause);
});

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    const live = Object.values(cluster.workers ?? {}).filter((w) => w && !w.isDead());
    if (live.length === 0) process.exit(0);
    for (const w of live) w?.process.kill(signal);
  });
}

for (let i = 0; i < workers; i++) fork();
console.log(`[fieldbeat] supervisor ${process.pid}: ${workers} server process${workers > 1 ? "es" : ""} (WEB_CONCURRENCY)`);
