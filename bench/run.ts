/**
 * npm run bench — check-in and nearby-search benchmarks against `next start` on the real PostgreSQL,
 * each beside pgbench running the same SQL in the same run. Prints a table (and the ratios).
 *
 * Environment (defaults in brackets):
 *   BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench]  created, migrated and seeded if needed
 *   BENCH_URL          [http://127.0.0.1:3300]  a running server on that database; if none answers, one is started
 *   BENCH_SERVER_DIR   [/tmp/fb-bench]          built checkout to start it from (`node_modules/.bin/next start -p 3300`)
 *   BENCH_SECONDS [15] · BENCH_CONNECTIONS [32] · BENCH_LOCATIONS [1000000] · BENCH_REPS [20000] · BENCH_ONLY [checkin,nearby] (or prepare, or dashboard: bench/dashboard.ts)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { httpLoad, pgbench, table, type Measure } from "./lib";
import { prepareDatabase, resetOpenVisits } from "./prepare";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const BASE = process.env.BENCH_URL ?? "http://127.0.0.1:3300";
const SERVER_DIR = process.env.BENCH_SERVER_DIR ?? "/tmp/fb-bench";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 20_000);
const ONLY = (process.env.BENCH_ONLY ?? "checkin,nearby").split(",");
const AUTH_SECRET = process.env.AUTH_SECRET ?? "fieldbeat-bench-secret-not-for-production-0123456789";
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const log = (s: string) => console.log(`[bench] ${s}`);

async function serverUp(): Promise<boolean> {
  try {
    return (await fetch(`${BASE}/api/health`)).ok;
  } catch {
    return false;
  }
}

async function startServer(): Promise<ChildProcess | null> {
  if (await serverUp()) {
    log(`using the server already running at ${BASE} (it must use ${DB_URL} and AUTH_SECRET as set here)`);
    return null;
  }
  const port = new URL(BASE).port || "3300";
  log(`starting next start -p ${port} in ${SERVER_DIR}`);
  const child = spawn(path.join(SERVER_DIR, "node_modules/.bin/next"), ["start", "-p", port], {
    cwd: SERVER_DIR,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: DB_URL, AUTH_SECRET, RATE_LIMIT_PER_MINUTE: "100000", LOG_LEVEL: "warn" },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; i < 100; i++) {
    if (await serverUp()) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill();
  throw new Error("the bench server did not come up");
}

async function main() {
  if (ONLY.includes("dashboard")) {
    // BENCH_ONLY=dashboard: the dashboard's own benchmarks (bench/dashboard.ts), on their own database.
    const { runDashboardBench } = await import("./dashboard");
    await runDashboardBench();
    if (ONLY.length === 1) return;
  }
  // The app's modules read the environment when imported: set it first.
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.DATABASE_URL = DB_URL;
  const { issueAccessToken } = await import("../src/server/auth/tokens");

  const data = await prepareDatabase(DB_URL, { locations: LOCATIONS, reps: REPS, fixturesDir: FIXTURES, log });
  log(`database: ${data.locations} locations, reps ${data.reps.first}…${data.reps.last}`);
  if (ONLY.includes("prepare")) return; // BENCH_ONLY=prepare: seed the database and stop
  const loadBefore = os.loadavg()[0]!.toFixed(2);
  const server = await startServer();
  const rows: Measure[] = [];
  const ratios: string[] = [];
  try {
    const now = new Date();
    const reps = Array.from({ length: data.reps.last - data.reps.first + 1 }, (_, i) => data.reps.first + i);
    log(`signing ${reps.length} access tokens`);
    const tokens = await Promise.all(reps.map((id) => issueAccessToken(id, now)));
    // Warm up (route compilation is done at build; this fills connection pools and caches).
    await fetch(`${BASE}/api/v1/locations/nearby?lat=12.97&lon=77.59`, { headers: { authorization: `Bearer ${tokens[0]}` } });

    if (ONLY.includes("checkin")) {
      const db = await pgbench({
        name: "check-in (read location + insert visit + insert validation)",
        url: DB_URL,
        script: path.join(import.meta.dirname, "sql/checkin.sql"),
        clients: CONNS,
        seconds: SECONDS,
        vars: { nloc: data.locations, minrep: data.reps.first, maxrep: data.reps.last },
      });
      await resetOpenVisits(DB_URL);
      let i = 0;
      const checkInRequest = () => {
        const k = i++ % tokens.length; // a distinct rep per request: one open visit per rep
        const loc = data.sample[k % data.sample.length]!;
        const body = { client_id: randomUUID(), location_id: loc.id, lat: loc.lat + 0.0001, lon: loc.lon, accuracy_m: 8, captured_at: new Date().toISOString() };
        return { path: "/api/v1/visits/check-in", headers: { authorization: `Bearer ${tokens[k]}`, "content-type": "application/json" }, body: JSON.stringify(body) };
      };
      // One connection first: the per-request cost without queueing.
      const apiOne = await httpLoad({ name: "POST /api/v1/visits/check-in, one connection", url: BASE, connections: 1, seconds: Math.ceil(SECONDS / 3), method: "POST", next: checkInRequest });
      const api = await httpLoad({ name: "POST /api/v1/visits/check-in", url: BASE, connections: CONNS, seconds: SECONDS, method: "POST", next: checkInRequest });
      if (i > tokens.length) log(`warning: ${i} check-ins for ${tokens.length} reps: later ones met open visits (409)`);
      log(`check-in API status codes: ${JSON.stringify(api.statusCodes)}`);
      await resetOpenVisits(DB_URL);
      rows.push(db, apiOne, api);
      ratios.push(`check-in: API ${api.rate.toFixed(0)}/s = ${((100 * api.rate) / db.rate).toFixed(0)} % of pgbench ${db.rate.toFixed(0)} tx/s (target ≥ 60 %); API p99 ${api.p99_ms.toFixed(1)} ms (target < 100 ms)`);
    }

    if (ONLY.includes("nearby")) {
      const script = path.join(import.meta.dirname, "sql/nearby.sql");
      const single = await pgbench({ name: "nearby 5 km top 20, one client", url: DB_URL, script, clients: 1, seconds: SECONDS });
      const db = await pgbench({ name: "nearby 5 km top 20", url: DB_URL, script, clients: CONNS, seconds: SECONDS });
      let i = 0;
      const nearbyRequest = () => {
        const lat = (12.85 + Math.floor(Math.random() * 25001) * 0.00001).toFixed(5);
        const lon = (77.48 + Math.floor(Math.random() * 27001) * 0.00001).toFixed(5);
        return { path: `/api/v1/locations/nearby?lat=${lat}&lon=${lon}&radius=5000&limit=20`, headers: { authorization: `Bearer ${tokens[i++ % 1000]}` } };
      };
      const apiOne = await httpLoad({ name: "GET /api/v1/locations/nearby, one connection", url: BASE, connections: 1, seconds: Math.ceil(SECONDS / 3), method: "GET", next: nearbyRequest });
      const api = await httpLoad({ name: "GET /api/v1/locations/nearby (5 km, 20)", url: BASE, connections: CONNS, seconds: SECONDS, method: "GET", next: nearbyRequest });
      log(`nearby API status codes: ${JSON.stringify(api.statusCodes)}`);
      rows.push(single, db, apiOne, api);
      ratios.push(`nearby: API ${api.rate.toFixed(0)}/s = ${((100 * api.rate) / db.rate).toFixed(0)} % of pgbench ${db.rate.toFixed(0)} q/s (target ≥ 50 %); API p99 ${api.p99_ms.toFixed(1)} ms (target < 50 ms); one client at the database p99 ${single.p99_ms.toFixed(2)} ms (target < 5 ms)`);
    }
  } finally {
    if (server) server.kill("SIGTERM");
  }
  const cpus = os.cpus();
  console.log(`\nMachine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; ${SECONDS} s per run, ${CONNS} connections; load generator, server and PostgreSQL on the same machine; 1-min load average ${loadBefore} before, ${os.loadavg()[0]!.toFixed(2)} after.\n`);
  console.log(table(rows));
  console.log("\n" + ratios.map((r) => `- ${r}`).join("\n"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
