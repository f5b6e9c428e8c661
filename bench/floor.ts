/**
 * What the framework costs here: the same health check (one `SELECT postgis_lib_version()` through postgres.js, a
 * small JSON answer) served by Fieldbeat's Next.js build (`GET /api/health`, the floor `npm run bench` compares
 * check-in and nearby with) and by plain `node:http` (bench/floor-server.mjs), with the same wrk, in alternating
 * rounds; plus each server's CPU per request (user + system of its processes, /proc).
 *
 *   BENCH_SERVER_DIR=/tmp/fb-bench npx tsx --conditions=react-server bench/floor.ts
 *
 * BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench] (must exist: `BENCH_ONLY=prepare npm run
 * bench`), BENCH_SECONDS [10], BENCH_CONNECTIONS [32], BENCH_ROUNDS [3]. Ports 3930 (plain) and 3931 (Next).
 */
import { spawn } from "node:child_process";
import os from "node:os";
import path from "node:path";
import { cpuMs, fmt, mdTable, median, processGroupStopper, run, WRK_DIR, wrk, type WrkResult } from "./lib";
import { startServer } from "./server";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const DIR = path.resolve(process.env.BENCH_SERVER_DIR ?? "/tmp/fb-bench");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PLAIN = "http://127.0.0.1:3930";
const NEXT = "http://127.0.0.1:3931";
const log = (s: string) => console.log(`[floor] ${s}`);

/** utime + stime (ms) of every process in a process group. */
async function groupCpuMs(pgid: number): Promise<number> {
  const r = await run("ps", ["-o", "pid=", "-g", String(pgid)], {});
  let ms = 0;
  for (const pid of r.stdout.trim().split(/\s+/).filter(Boolean)) {
    try {
      ms += cpuMs(Number(pid));
    } catch {
      // the process ended between ps and the read
    }
  }
  return ms;
}

async function up(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/health`)).ok;
  } catch {
    return false;
  }
}

async function main() {
  const plainChild = spawn("node", [path.join(import.meta.dirname, "floor-server.mjs")], {
    detached: true,
    env: { ...process.env, FLOOR_PORT: "3930", FLOOR_DATABASE_URL: DB_URL },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stopPlain = processGroupStopper(plainChild);
  const next = await startServer({ base: NEXT, dir: DIR, dbUrl: DB_URL, reuse: false, log });
  try {
    for (let i = 0; i < 100 && !(await up(PLAIN)); i++) await new Promise((r) => setTimeout(r, 100));
    if (!(await up(PLAIN))) throw new Error("the plain node:http floor server did not come up");
    const servers = [
      { name: "plain node:http", base: PLAIN, pgid: plainChild.pid! },
      { name: "Next.js build", base: NEXT, pgid: next.child!.pid! },
    ];
    const health = path.join(WRK_DIR, "health.lua");
    log("warm-up: 3 s each");
    for (const s of servers) await wrk({ name: "warm-up", url: s.base, script: health, connections: CONNS, seconds: 3 });
    const rows: { round: number; load: number; res: { r: WrkResult; cpu: number }[] }[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const load = os.loadavg()[0]!;
      const res: { r: WrkResult; cpu: number }[] = [];
      for (const s of servers) {
        const c0 = await groupCpuMs(s.pgid);
        const r = await wrk({ name: s.name, url: s.base, script: health, connections: CONNS, seconds: SECONDS });
        const cpu = (await groupCpuMs(s.pgid)) - c0;
        res.push({ r, cpu: cpu / Math.max(1, r.total) });
      }
      rows.push({ round, load, res });
      log(`round ${round}/${ROUNDS} done`);
    }
    console.log(`\n### The same health check on plain node:http and on the Next.js build, wrk ${CONNS} connections × ${SECONDS} s (${os.cpus().length} × ${os.cpus()[0]?.model.trim()})`);
    const med = (k: number, f: (x: { r: WrkResult; cpu: number }) => number) => median(rows.map((row) => f(row.res[k]!)));
    console.log(
      mdTable(
        ["round", "load", "plain /s", "p99 ms", "CPU ms/req", "Next /s", "p99 ms", "CPU ms/req", "Next / plain"],
        [
          ...rows.map((row) => [
            row.round,
            fmt(row.load, 2),
            fmt(row.res[0]!.r.rate),
            fmt(row.res[0]!.r.p99_ms, 1),
            fmt(row.res[0]!.cpu, 3),
            fmt(row.res[1]!.r.rate),
            fmt(row.res[1]!.r.p99_ms, 1),
            fmt(row.res[1]!.cpu, 3),
            `${fmt((100 * row.res[1]!.r.rate) / row.res[0]!.r.rate)} %`,
          ]),
          [
            "median",
            "",
            `**${fmt(med(0, (x) => x.r.rate))}**`,
            fmt(med(0, (x) => x.r.p99_ms), 1),
            fmt(med(0, (x) => x.cpu), 3),
            `**${fmt(med(1, (x) => x.r.rate))}**`,
            fmt(med(1, (x) => x.r.p99_ms), 1),
            fmt(med(1, (x) => x.cpu), 3),
            `${fmt((100 * med(1, (x) => x.r.rate)) / med(0, (x) => x.r.rate))} %`,
          ],
        ],
      ),
    );
    console.log(`Non-2xx: plain ${rows.reduce((n, row) => n + row.res[0]!.r.non2xx, 0)}, Next ${rows.reduce((n, row) => n + row.res[1]!.r.non2xx, 0)}. CPU counts every process of each server's group (Next: its start wrapper and next-server).`);
  } finally {
    await next.stop();
    await stopPlain();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
