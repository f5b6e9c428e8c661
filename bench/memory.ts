/**
 * What holds the server's resident set after a load like `npm run bench`'s: starts a built checkout exactly as
 * `npm start` does, drives check-in, nearby, health (wrk, BENCH_SECONDS each) and 500-fix pings batches, then prints
 * for every process of the server's group VmRSS and its split (/proc/<pid>/status: RssAnon = heap and other private
 * memory, RssFile = mapped files such as the node binary's code, RssShmem) and the peak (VmHWM). For the heap's
 * contents: BENCH_NODE_ARGS="--heapsnapshot-signal=SIGUSR2", then `kill -USR2 <server pid>` while it runs.
 *
 *   BENCH_SERVER_DIR=/tmp/fb-bench npx tsx --conditions=react-server bench/memory.ts
 *
 * BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench] is prepared as `npm run bench` does.
 * BENCH_SECONDS [10] per work, BENCH_CONNECTIONS [32] (pings: 8), BENCH_NODE_ARGS: extra V8/Node flags for the
 * server processes (e.g. "--max-semi-space-size=4"), passed as `npm start`'s own flags are. Port 3930.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, mdTable, run, WRK_DIR, wrk } from "./lib";
import { prepareDatabase, resetOpenVisits } from "./prepare";
import { clearPings, openDays, runPings } from "./pings";
import { AUTH_SECRET, startServer } from "./server";
import { range, writeTokenFile } from "./tokens";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const DIR = path.resolve(process.env.BENCH_SERVER_DIR ?? "/tmp/fb-bench");
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
const BASE = "http://127.0.0.1:3930";
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const log = (s: string) => console.log(`[memory] ${s}`);

/** The /proc/<pid>/status memory lines of a process, in MB. */
function status(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, "utf8").split("\n")) {
    const m = /^(VmRSS|VmHWM|RssAnon|RssFile|RssShmem):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) / 1024;
  }
  return out;
}

async function groupPids(pgid: number): Promise<{ pid: number; args: string }[]> {
  const r = await run("ps", ["-o", "pid=,args=", "-g", String(pgid)], {});
  return r.stdout
    .trim()
    .split("\n")
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && /^(\S*\/)?node\s/.test(m[2]!))
    .map((m) => ({ pid: Number(m[1]), args: m[2]! }));
}

async function main() {
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.DATABASE_URL = DB_URL;
  const { issueAccessToken } = await import("../src/server/auth/tokens");
  const data = await prepareDatabase(DB_URL, { locations: Number(process.env.BENCH_LOCATIONS ?? 1_000_000), reps: Number(process.env.BENCH_REPS ?? 20_000), fixturesDir: FIXTURES, log });
  const reps = range(data.reps.first, data.reps.last);
  await openDays(DB_URL, reps);
  await resetOpenVisits(DB_URL);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "fb-memory-"));
  const tokenFile = path.join(tmp, "tokens.txt");
  await writeTokenFile(tokenFile, reps, data.sample, issueAccessToken);
  const pingReps = reps.slice(0, 2000);
  await clearPings(DB_URL, pingReps);
  const pingTokens = path.join(tmp, "ping-tokens.txt");
  await writeTokenFile(pingTokens, pingReps, data.sample, issueAccessToken);

  const server = await startServer({ base: BASE, dir: DIR, dbUrl: DB_URL, reuse: false, log, nodeArgs: NODE_ARGS });
  const rows: (string | number)[][] = [];
  try {
    const pgid = server.child!.pid!;
    const sample = async (when: string) => {
      for (const { pid, args } of await groupPids(pgid)) {
        const s = status(pid);
        const role = args.includes("start.mjs") ? "supervisor" : "server";
        rows.push([when, role, pid, fmt(s.VmRSS!), fmt(s.RssAnon!), fmt(s.RssFile!), fmt(s.RssShmem!), fmt(s.VmHWM!)]);
      }
    };
    await sample("started");
    for (const [name, script] of [
      ["check-in", "fb-checkin.lua"],
      ["nearby", "fb-nearby.lua"],
      ["health", "health.lua"],
    ] as const) {
      if (name === "check-in") await resetOpenVisits(DB_URL);
      const r = await wrk({ name, url: BASE, script: path.join(WRK_DIR, script), connections: CONNS, seconds: SECONDS, env: { BENCH_TOKENS: tokenFile } });
      log(`${name}: ${fmt(r.rate)}/s ${JSON.stringify(r.codes)}`);
      await sample(`after ${name}`);
    }
    const p = await runPings({ base: BASE, tokenFile: pingTokens, batches: 50, batch: 500, seconds: SECONDS, connections: 8 });
    log(`pings: ${fmt(p.sustained.fixesPerSecond)} fixes/s`);
    await sample("after pings");
    await new Promise((r) => setTimeout(r, 3000));
    await sample("3 s later");
  } finally {
    await server.stop();
    await resetOpenVisits(DB_URL);
  }
  console.log(`\n${DIR}${NODE_ARGS.length ? ` (${NODE_ARGS.join(" ")})` : ""}; load ${os.loadavg()[0]!.toFixed(1)}; MB\n`);
  console.log(mdTable(["when", "process", "pid", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"], rows));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
