/**
 * Server CPU per request — a measure that holds up on a busy machine, where throughput does not: the CPU time
 * (user + system, from /proc/<pid>/stat) the `next-server` process spends per check-in, nearby search and health
 * check, for one or more built checkouts, in alternating rounds.
 *
 *   BENCH_SERVERS="before=/tmp/fb-old,after=." npx tsx --conditions=react-server bench/cpu-cost.ts
 *   BENCH_SERVERS="off=/tmp/fb-bench,traced=/tmp/fb-bench@0.1" …   (a server's OpenTelemetry sampling ratio after `@`;
 *                                                                   without one, BENCH_OTEL as in bench/server.ts)
 *
 * BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench] is prepared as `npm run bench` does (reps,
 * 1,000,000 locations), and every bench rep gets an open day (as after "Start day"). BENCH_REQUESTS [3000] per work
 * and round, BENCH_CONNECTIONS [16] concurrent requests, BENCH_ROUNDS [3], BENCH_WORKS [check-in,nearby,health],
 * BENCH_WARMUP_REQUESTS [200] per work after each start (JIT, pools, caches). Each server runs alone on port 3910; which
 * server starts a round alternates, so neither always meets the machine first.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { cpuMs } from "./lib";
import { prepareDatabase, resetOpenVisits } from "./prepare";
import { openDays } from "./pings";
import { range } from "./tokens";
import { AUTH_SECRET, closeOtelSink, listeningPids, processGroup, startServer } from "./server";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const SERVERS = (process.env.BENCH_SERVERS ?? "current=.").split(",").map((s) => {
  const [name, spec] = s.split("=");
  const [dir, otel] = (spec ?? ".").split("@");
  return { name: name!, dir: path.resolve(dir || "."), otel: otel === undefined ? undefined : otel === "off" ? null : otel };
});
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKS = new Set((process.env.BENCH_WORKS ?? "check-in,nearby,health").split(",").map((w) => w.trim()));
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 200);
const PORT = 3910;
const BASE = `http://127.0.0.1:${PORT}`;
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const log = (s: string) => console.log(`[cpu] ${s}`);
type Req = { path: string; init: RequestInit };

/** Sends `n` requests, `conns` at a time; returns wall seconds and the status counts. */
async function load(n: number, conns: number, next: () => Req): Promise<{ seconds: number; codes: Record<string, number> }> {
  const codes: Record<string, number> = {};
  let sent = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: conns }, async () => {
      while (sent < n) {
        sent++;
        const r = next();
        const res = await fetch(BASE + r.path, r.init);
        await res.arrayBuffer();
        codes[res.status] = (codes[res.status] ?? 0) + 1;
      }
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, codes };
}

async function main() {
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.DATABASE_URL = DB_URL;
  const { issueAccessToken } = await import("../src/server/auth/tokens");
  const data = await prepareDatabase(DB_URL, { locations: Number(process.env.BENCH_LOCATIONS ?? 1_000_000), reps: Number(process.env.BENCH_REPS ?? 20_000), fixturesDir: FIXTURES, log });
  // Every rep has started today (Start day), as in the field: check-ins then count on an open day.
  await openDays(DB_URL, range(data.reps.first, data.reps.last));
  const reps = range(data.reps.first, data.reps.last);
  const tokens = await Promise.all(reps.map((id) => issueAccessToken(id, new Date())));
  let k = 0;
  const checkIn = (): Req => {
    const i = k++ % tokens.length;
    const loc = data.sample[i % data.sample.length]!;
    const body = { client_id: randomUUID(), location_id: loc.id, lat: loc.lat + 0.0001, lon: loc.lon, accuracy_m: 8, captured_at: new Date().toISOString() };
    return { path: "/api/v1/visits/check-in", init: { method: "POST", headers: { authorization: `Bearer ${tokens[i]}`, "content-type": "application/json" }, body: JSON.stringify(body) } };
  };
  const nearby = (): Req => {
    const lat = (12.85 + Math.random() * 0.25).toFixed(5);
    const lon = (77.48 + Math.random() * 0.27).toFixed(5);
    return { path: `/api/v1/locations/nearby?lat=${lat}&lon=${lon}&radius=5000&limit=20`, init: { headers: { authorization: `Bearer ${tokens[k++ % 1000]}` } } };
  };
  const health = (): Req => ({ path: "/api/health", init: {} });
  const works = (
    [
      ["check-in", checkIn],
      ["nearby", nearby],
      ["health", health],
    ] as const
  ).filter(([name]) => WORKS.has(name));

  const rows: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const s of round % 2 === 1 ? SERVERS : [...SERVERS].reverse()) {
      const server = await startServer({ base: BASE, dir: s.dir, dbUrl: DB_URL, reuse: false, log, otel: s.otel });
      try {
        // The supervisor accepts connections for its workers; a worker started by it may not hold the socket: the group.
        const pids = [...new Set([...(await listeningPids(PORT)), ...processGroup(server.child?.pid)])];
        if (pids.length === 0) throw new Error(`no process listens on ${PORT}`);
        const cpu = () => pids.reduce((a, pid) => a + cpuMs(pid), 0);
        for (const [, next] of works) await load(WARMUP_REQUESTS, CONNS, next); // warm-up: JIT, pools, caches
        for (const [name, next] of works) {
          if (name === "check-in") await resetOpenVisits(DB_URL);
          const before = cpu();
          const r = await load(REQUESTS, CONNS, next);
          const ms = (cpu() - before) / REQUESTS;
          rows.push(`| ${round} | ${s.name} | ${name} | ${ms.toFixed(2)} | ${(REQUESTS / r.seconds).toFixed(0)} | ${JSON.stringify(r.codes)} | ${os.loadavg()[0]!.toFixed(1)} |`);
          log(rows.at(-1)!);
        }
      } finally {
        await server.stop();
      }
    }
  }
  await resetOpenVisits(DB_URL);
  await closeOtelSink(); // a traced server's sink would otherwise keep this process alive
  console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model}; ${REQUESTS} requests per cell, ${CONNS} at a time (Node fetch as the generator)\n`);
  console.log("| round | server | work | server CPU ms / request | requests/s (this machine, now) | status codes | load avg |\n|---|---|---|---|---|---|---|");
  console.log(rows.join("\n"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
