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
 * BENCH_WARMUP_REQUESTS [20000] per work after each start: V8 keeps optimising the server's code for thousands of
 * requests (nearby after 3,000 requests: 153 TurboFan compiles, 1.77 s of compile-thread CPU, in the next 6,000, i.e. 40 %
 * of the 0.71 ms a request measured; after 20,000: 6 compiles, 0.37 ms — `BENCH_NODE_ARGS=--trace-opt`, 2026-12-07), so
 * a short warm-up measures the JIT, not the server. Each server runs alone on BENCH_PORT [3910]; which
 * server starts a round alternates, so neither always meets the machine first. The table also splits each cell's CPU
 * between the main thread and the others (V8's helpers for garbage collection and compilation, libuv's pool).
 *
 * BENCH_NODE_ARGS: options for every server's `node` (e.g. `--max-old-space-size=1024`; the last of a repeated
 * option wins over `npm start`'s own).
 *
 * BENCH_PROFILE=1: a V8 CPU profile of each measured cell only (not the start or the warm-up), taken through the
 * inspector (the servers start with `--inspect=127.0.0.1:9400`; the server process is found on 9400–9409), sampled every
 * 100 µs, written to <tmp>/fieldbeat-cpu-profiles/<round>-<server>-<work>.cpuprofile (Chrome DevTools opens it); the
 * log prints the top functions by self time in µs a request. Sampling costs the server some CPU: compare profiled
 * cells with each other, not with unprofiled ones.
 *
 * BENCH_COUNT=instructions: a diagnostic, not a finer ruler. Each server runs under Valgrind's callgrind
 * (`apt-get install valgrind`; `valgrind --tool=callgrind --instr-atstart=no`: startup and warm-up uncounted, ≈ 5–10×
 * slower than plain Node); counting is switched on after the warm-up (`callgrind_control -i on`), zeroed, and read
 * after each cell's requests (`callgrind_control -d`); the column is then instructions per request, every thread
 * counted (the JIT compiler's, the garbage collector's, libuv's). The dumps stay in the directory printed at the end:
 * `callgrind_annotate --inclusive=yes <dump>` says where the instructions went, by function, native code included
 * (JIT-compiled JavaScript shows as bare addresses). Counted, a request runs ≈ 50–100× slower, so keep BENCH_REQUESTS
 * to a few thousand and the warm-up lower than for CPU time. Not a steadier A/B than CPU time: the same server
 * counted after two starts differed by up to 40 % (2026-12-07, bench/README.md), because the counted window holds
 * whatever JIT compilation and garbage collection fall in it, and the slowdown makes the time-driven part of both
 * (timers, V8's memory reducer) weigh 50× more per request.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { cpuMs, run, threadCpuMs } from "./lib";
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
const WARMUP_REQUESTS = Number(process.env.BENCH_WARMUP_REQUESTS ?? 20_000);
const PORT = Number(process.env.BENCH_PORT ?? 3910);
const BASE = `http://127.0.0.1:${PORT}`;
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const log = (s: string) => console.log(`[cpu] ${s}`);
const INSTRUCTIONS = process.env.BENCH_COUNT === "instructions";
const CG_DIR = INSTRUCTIONS ? mkdtempSync(path.join(os.tmpdir(), "fieldbeat-callgrind-")) : "";

const PROFILE = process.env.BENCH_PROFILE === "1";
const PROFILE_DIR = path.join(os.tmpdir(), "fieldbeat-cpu-profiles");
const INSPECT_PORT = 9400;

type CpuProfile = { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] };

/** One inspector session on the server process (not the supervisor): Profiler.start/stop over the DevTools protocol. */
async function inspectServer(): Promise<{ send: (method: string, params?: object) => Promise<Record<string, unknown>>; close: () => void }> {
  let url: string | undefined;
  for (let port = INSPECT_PORT; port < INSPECT_PORT + 10 && !url; port++) {
    const list = (await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => r.json(), () => [])) as { url: string; webSocketDebuggerUrl: string }[];
    url = list.find((t) => t.url.includes("server.mjs"))?.webSocketDebuggerUrl;
  }
  if (!url) throw new Error(`no server process with an inspector on ${INSPECT_PORT}–${INSPECT_PORT + 9}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  let id = 0;
  const waiting = new Map<number, (v: Record<string, unknown>) => void>();
  ws.onmessage = (e) => {
    const m = JSON.parse(String(e.data)) as { id?: number; result?: Record<string, unknown> };
    if (m.id !== undefined) waiting.get(m.id)?.(m.result ?? {});
  };
  return {
    send: (method, params = {}) =>
      new Promise((resolve) => {
        waiting.set(++id, resolve);
        ws.send(JSON.stringify({ id, method, params }));
      }),
    close: () => ws.close(),
  };
}

/** The top functions of a profile by self time, in µs per request. */
function topSelf(profile: CpuProfile, requests: number, n = 25): string {
  const byNode = new Map(profile.nodes.map((x) => [x.id, x.callFrame]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!;
    const key = `${f.functionName || "(anonymous)"} ${f.url.replace(/^.*\/(node_modules|chunks)\//, "")}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, us]) => `${(us / requests).toFixed(1).padStart(7)} µs  ${k}`)
    .join("\n");
}

/** callgrind_control on one counted process; throws with its output when it fails. */
async function callgrind(pid: number, ...args: string[]): Promise<void> {
  const r = await run("callgrind_control", [...args, String(pid)], {});
  if (r.code !== 0) throw new Error(`callgrind_control ${args.join(" ")} ${pid}: ${r.stdout}${r.stderr}`);
}

/** The instructions counted in `pid` since its last zeroing: dumps, then reads the newest dump's `totals`. */
async function instructionsOf(pid: number): Promise<number> {
  await callgrind(pid, "-d");
  const dumps = readdirSync(CG_DIR).filter((f) => f.startsWith(`cg.${pid}.`)).sort((a, b) => Number(a.split(".").pop()) - Number(b.split(".").pop()));
  const text = readFileSync(path.join(CG_DIR, dumps.at(-1)!), "utf8");
  const m = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!m) throw new Error(`no totals in ${dumps.at(-1)}`);
  return Number(m[1]);
}
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
  // Access tokens expire (15 min): a fresh set for each server started, so a long run (callgrind's) keeps signing in.
  let tokens: string[] = [];
  const issueTokens = async () => {
    tokens = await Promise.all(reps.map((id) => issueAccessToken(id, new Date())));
  };
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
      await issueTokens();
      const server = await startServer({
        base: BASE,
        dir: s.dir,
        dbUrl: DB_URL,
        reuse: false,
        log,
        otel: s.otel,
        nodeArgs: [...(process.env.BENCH_NODE_ARGS?.split(" ").filter(Boolean) ?? []), ...(PROFILE ? [`--inspect=127.0.0.1:${INSPECT_PORT}`] : [])],
        ...(INSTRUCTIONS ? { wrapper: `valgrind --tool=callgrind --instr-atstart=no --trace-children=yes --callgrind-out-file=${CG_DIR}/cg.%p -q`, startSeconds: 300 } : {}),
      });
      try {
        // The supervisor accepts connections for its workers; a worker started by it may not hold the socket: the group.
        const pids = [...new Set([...(await listeningPids(PORT)), ...processGroup(server.child?.pid)])];
        if (pids.length === 0) throw new Error(`no process listens on ${PORT}`);
        const cpu = () => pids.reduce((a, pid) => a + cpuMs(pid), 0);
        for (const [, next] of works) await load(WARMUP_REQUESTS, CONNS, next); // warm-up: JIT, pools, caches
        if (INSTRUCTIONS) {
          for (const pid of pids) await callgrind(pid, "-i", "on");
          // Valgrind translates the code afresh once counting is on: a few requests of each work before the first zeroing.
          for (const [, next] of works) await load(Math.min(200, WARMUP_REQUESTS), CONNS, next);
        }
        for (const [name, next] of works) {
          if (name === "check-in") await resetOpenVisits(DB_URL);
          if (INSTRUCTIONS) for (const pid of pids) await callgrind(pid, "-z");
          log(`measuring ${name} on ${s.name}: ${REQUESTS} requests`);
          const inspector = PROFILE ? await inspectServer() : undefined;
          if (inspector) {
            await inspector.send("Profiler.enable");
            await inspector.send("Profiler.setSamplingInterval", { interval: 100 });
            await inspector.send("Profiler.start");
          }
          const before = INSTRUCTIONS ? 0 : cpu();
          const threadsBefore = pids.map(threadCpuMs);
          const r = await load(REQUESTS, CONNS, next);
          const threads = new Map<string, number>();
          pids.forEach((pid, i) => {
            for (const [thread, ms] of threadCpuMs(pid)) threads.set(thread, (threads.get(thread) ?? 0) + ms - (threadsBefore[i]!.get(thread) ?? 0));
          });
          if (inspector) {
            const { profile } = (await inspector.send("Profiler.stop")) as { profile: CpuProfile };
            inspector.close();
            mkdirSync(PROFILE_DIR, { recursive: true });
            const file = path.join(PROFILE_DIR, `${round}-${s.name}-${name}.cpuprofile`);
            writeFileSync(file, JSON.stringify(profile));
            log(`profile ${file}; self time, µs a request:\n${topSelf(profile, REQUESTS)}`);
          }
          let measure: string;
          if (INSTRUCTIONS) {
            let total = 0;
            for (const pid of pids) total += await instructionsOf(pid);
            measure = `${((total / REQUESTS) / 1e6).toFixed(3)}`;
          } else measure = ((cpu() - before) / REQUESTS).toFixed(2);
          // By thread (main thread, V8's helpers, libuv's pool), ms a request: where a difference between servers is spent.
          const byThread = [...threads].filter(([, ms]) => ms > 0).sort((a, b) => b[1] - a[1]).map(([t, ms]) => `${t} ${(ms / REQUESTS).toFixed(3)}`).join(", ");
          rows.push(`| ${round} | ${s.name} | ${name} | ${measure} | ${byThread} | ${(REQUESTS / r.seconds).toFixed(0)} | ${JSON.stringify(r.codes)} | ${os.loadavg()[0]!.toFixed(1)} |`);
          log(rows.at(-1)!);
        }
      } finally {
        await server.stop();
      }
    }
  }
  await resetOpenVisits(DB_URL);
  await closeOtelSink(); // a traced server's sink would otherwise keep this process alive
  if (INSTRUCTIONS) console.log(`\ncallgrind dumps (cg.<pid>.<n>): ${CG_DIR}`);
  console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model}; ${REQUESTS} requests per cell, ${CONNS} at a time (Node fetch as the generator)\n`);
  console.log(`| round | server | work | ${INSTRUCTIONS ? "million instructions / request (callgrind)" : "server CPU ms / request"} | by thread, ms / request | requests/s (this machine, now) | status codes | load avg |\n|---|---|---|---|---|---|---|---|`);
  console.log(rows.join("\n"));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
