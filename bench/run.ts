/**
 * npm run bench — issue #11's side-by-side bench: the seed's reference backend (FastAPI peer), Fieldbeat
 * through `next start`, and Fieldbeat's floor (GET /api/health), all driven by the same generator (wrk),
 * in alternating rounds so drift hits every column alike; then breadcrumb ingest, the server's memory and
 * the targets table. Benchmarks report; nothing here fails on a slow machine.
 *
 * Environment (defaults in brackets):
 *   BENCH_ONLY        [peer,checkin,nearby,health,pings,raw]  parts; also `growth` (opt-in, slow), `dashboard`
 *                     (bench/dashboard.ts), `prepare` (seed the database and stop). `peer` and `raw` (pgbench, same
 *                     SQL) are columns of the check-in and nearby works.
 *   BENCH_SECONDS [10] · BENCH_CONNECTIONS [32] · BENCH_ROUNDS [3] · BENCH_WARMUP [20] seconds per work before round 1
 *                     (V8 optimises the server's code for the first ≈ 20,000 requests: bench/cpu-cost.ts)
 *   BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench]  created, migrated and seeded if needed
 *   BENCH_URL          [http://127.0.0.1:3300]  a running server on that database is reused; else one is started
 *   BENCH_SERVER_DIR   [/tmp/fb-bench]          built checkout to start it from (`node_modules/.bin/next start -p 3300`)
 *   BENCH_PEER_DIR [../shared/bench/peer-seed-fastapi] · BENCH_PEER_URL [http://127.0.0.1:8100] · BENCH_PEER_PYTHON
 *   BENCH_PING_BATCHES [50] · BENCH_PING_BATCH [500] · BENCH_PING_CONNECTIONS [8] · BENCH_PING_REPS [2000]
 *   BENCH_LOCATIONS [1000000] · BENCH_REPS [20000]
 *   BENCH_OTEL_COMPARE  unset · a sampling ratio (e.g. 0.1): a second server (BENCH_TRACED_URL [http://127.0.0.1:3301], same
 *                     build and database) runs with OpenTelemetry on at that ratio, and every round runs each Fieldbeat
 *                     work on both, one right after the other, so the tracing-cost table compares runs under the same
 *                     machine drift (two separate bench runs cannot tell tracing from noise on a shared machine).
 *                     `off`: the second server runs untraced too — an A/A run that shows the harness's own bias
 *                     between the two servers (the cost it reports should be ~0).
 *   BENCH_OTEL_TOGETHER  unset · 1: with BENCH_OTEL_COMPARE, nearby and health run on both servers at the same time
 *                     (one wrk each, BENCH_CONNECTIONS each) instead of one after the other: both share the same
 *                     seconds of the machine, so its drift (±40 % within half an hour here) cancels out of the ratio, and
 *                     the traced server's extra CPU per request shows as fewer requests in its share of the cores.
 *                     Check-in stays back to back (two wrk would check the same reps in).
 *   BENCH_OTEL_CONTROL  unset · 1: with BENCH_OTEL_COMPARE=<ratio>, a third server (BENCH_CONTROL_URL
 *                     [http://127.0.0.1:3302], same build and database) runs untraced, and every round runs each work on
 *                     the three, back to back, their order rotated by round (each server first, second and third equally
 *                     often). The table then gives, from the same rounds, tracing's cost against the mean of the two
 *                     untraced runs and the A/A difference between those two (the noise floor the cost must clear).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { codesText, fmt, mdTable, median, pgbench, WRK_DIR, wrk, type Measure, type WrkResult } from "./lib";
import { startPeer, PEER_DIR, type Peer } from "./peer";
import { clearPings, openDays, runPings, type PingsResult } from "./pings";
import { prepareDatabase, resetOpenVisits, settleOpenVisits, type BenchData } from "./prepare";
import { AUTH_SECRET, closeOtelSink, otelSinkStats, serverResidentSet, startServer, type BenchServer } from "./server";
import { range, writeTokenFile } from "./tokens";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const BASE = process.env.BENCH_URL ?? "http://127.0.0.1:3300";
const SERVER_DIR = process.env.BENCH_SERVER_DIR ?? "/tmp/fb-bench";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const LOCATIONS = Number(process.env.BENCH_LOCATIONS ?? 1_000_000);
const REPS = Number(process.env.BENCH_REPS ?? 20_000);
const PING_BATCHES = Number(process.env.BENCH_PING_BATCHES ?? 50);
const PING_BATCH = Number(process.env.BENCH_PING_BATCH ?? 500);
const PING_CONNS = Number(process.env.BENCH_PING_CONNECTIONS ?? 8);
const PING_REPS = Number(process.env.BENCH_PING_REPS ?? 2000);
const ONLY = new Set((process.env.BENCH_ONLY ?? "peer,checkin,nearby,health,pings,raw").split(",").map((s) => s.trim()).filter(Boolean));
const OTEL_COMPARE = process.env.BENCH_OTEL_COMPARE;
const TRACED_BASE = process.env.BENCH_TRACED_URL ?? "http://127.0.0.1:3301";
const TOGETHER = process.env.BENCH_OTEL_TOGETHER === "1";
const CONTROL = process.env.BENCH_OTEL_CONTROL === "1";
const CONTROL_BASE = process.env.BENCH_CONTROL_URL ?? "http://127.0.0.1:3302";
if (CONTROL && (!OTEL_COMPARE || OTEL_COMPARE === "off" || TOGETHER)) throw new Error("BENCH_OTEL_CONTROL=1 needs BENCH_OTEL_COMPARE=<ratio> and no BENCH_OTEL_TOGETHER");
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const log = (s: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const load1 = () => os.loadavg()[0]!.toFixed(2);

type Work = "checkin" | "nearby";
const WORKS: Work[] = ["checkin", "nearby"];
type Round = {
  load: string;
  peer: Partial<Record<Work, WrkResult>>;
  fb: Partial<Record<Work, WrkResult>>;
  raw: Partial<Record<Work, Measure>>;
  health?: WrkResult;
  /** BENCH_OTEL_COMPARE: the same works on the traced server, each right after the untraced run. */
  traced: Partial<Record<Work | "health", WrkResult>>;
  /** BENCH_OTEL_CONTROL: the same works on a second untraced server, in the same rounds. */
  control: Partial<Record<Work | "health", WrkResult>>;
};

async function main() {
  const t0 = performance.now();
  if (ONLY.has("dashboard")) {
    // BENCH_ONLY=dashboard: the dashboard's own benchmarks (bench/dashboard.ts), on their own database.
    const { runDashboardBench } = await import("./dashboard");
    await runDashboardBench();
    if (ONLY.size === 1) return;
  }
  // The app's modules read the environment when imported: set it first.
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.DATABASE_URL = DB_URL;
  const { issueAccessToken } = await import("../src/server/auth/tokens");

  if (ONLY.has("growth")) {
    const { runGrowth } = await import("./growth");
    await runGrowth({ warmup: Math.max(1, WARMUP), serverDir: SERVER_DIR, base: BASE, seconds: SECONDS, connections: CONNS, rounds: ROUNDS, reps: REPS, fixturesDir: FIXTURES, issue: issueAccessToken, log });
    if ([...ONLY].every((p) => p === "growth" || p === "dashboard")) return;
  }

  const fbWorks = WORKS.filter((w) => ONLY.has(w));
  const peerWorks: Work[] = ONLY.has("peer") ? (fbWorks.length ? fbWorks : WORKS) : [];
  const rawWorks: Work[] = ONLY.has("raw") ? fbWorks : [];
  const wantHealth = ONLY.has("health");
  const wantPings = ONLY.has("pings");
  const needFieldbeat = fbWorks.length > 0 || wantHealth || wantPings || ONLY.has("prepare");

  let data: BenchData | null = null;
  if (needFieldbeat) {
    data = await prepareDatabase(DB_URL, { locations: LOCATIONS, reps: REPS, fixturesDir: FIXTURES, log });
    log(`database: ${data.locations} locations, reps ${data.reps.first}…${data.reps.last}`);
    if (ONLY.has("prepare")) return;
  }
  const loadBefore = load1();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "fb-bench-"));
  const tokenFile = path.join(tmp, "reps.txt");
  const pingTokenFile = path.join(tmp, "ping-reps.txt");
  let peer: Peer | null = null;
  let server: BenchServer | null = null;
  let traced: BenchServer | null = null;
  let control: BenchServer | null = null;
  const rounds: Round[] = [];
  let pings: PingsResult | null = null;
  let memory: { pid: number; rssMb: number; name: string } | null = null;
  try {
    if (peerWorks.length) peer = await startPeer(log);
    if (data) server = await startServer({ base: BASE, dir: SERVER_DIR, dbUrl: DB_URL, reuse: true, log, otel: OTEL_COMPARE ? null : undefined });
    if (data && OTEL_COMPARE) traced = await startServer({ base: TRACED_BASE, dir: SERVER_DIR, dbUrl: DB_URL, reuse: false, log, otel: OTEL_COMPARE === "off" ? null : OTEL_COMPARE });
    if (data && CONTROL) control = await startServer({ base: CONTROL_BASE, dir: SERVER_DIR, dbUrl: DB_URL, reuse: false, log, otel: null });
    const reps = data ? range(data.reps.first, data.reps.last) : [];
    // Every rep has started today ("Start day"), as in the field: check-ins then count on an open day.
    if (data) await openDays(DB_URL, reps);
    const refreshTokens = async () => {
      if (data) await writeTokenFile(tokenFile, reps, data.sample, issueAccessToken);
    };

    const runPeer = (w: Work, seconds: number) =>
      wrk({
        name: `seed reference ${w}`,
        url: w === "checkin" ? `${peer!.url}/api/v1/visits/check-in` : peer!.url,
        script: path.join(WRK_DIR, "peer.lua"),
        connections: CONNS,
        seconds,
        env: { PEER_SCRIPT: path.join(PEER_DIR, w === "checkin" ? "checkin.lua" : "nearby.lua") },
      });
    const label = (base: string) => (base === BASE ? "" : base === TRACED_BASE ? " (traced)" : " (control)");
    const runFb = async (w: Work, seconds: number, base = BASE) => {
      if (w === "checkin") await resetOpenVisits(DB_URL); // every rep may check in again
      const r = await wrk({ name: `Fieldbeat ${w}${label(base)}`, url: base, script: path.join(WRK_DIR, w === "checkin" ? "fb-checkin.lua" : "fb-nearby.lua"), connections: CONNS, seconds, env: { BENCH_TOKENS: tokenFile } });
      if (w === "checkin") {
        if (r.total > reps.length) log(`warning: ${r.total} check-ins for ${reps.length} reps: the token file wrapped, later check-ins met open visits (409)`);
        await settleOpenVisits(DB_URL); // wrk's abandoned in-flight check-ins still land after it returns
      }
      return r;
    };
    const runHealth = (seconds: number, base = BASE) =>
      wrk({ name: `Fieldbeat GET /api/health${label(base)}`, url: base, script: path.join(WRK_DIR, "health.lua"), connections: CONNS, seconds });
    const runRaw = (w: Work) =>
      pgbench({
        name: `pgbench ${w}`,
        url: DB_URL,
        script: path.join(import.meta.dirname, w === "checkin" ? "sql/checkin.sql" : "sql/nearby.sql"),
        clients: CONNS,
        seconds: SECONDS,
        vars: w === "checkin" ? { nloc: data!.locations, minrep: data!.reps.first, maxrep: data!.reps.last } : {},
      });

    if (WARMUP > 0) {
      log(`warm-up: ${WARMUP} s of each work (not recorded)`);
      await refreshTokens();
      for (const w of WORKS) {
        if (peer && peerWorks.includes(w)) await runPeer(w, WARMUP);
        if (server && fbWorks.includes(w)) await runFb(w, WARMUP);
        if (traced && fbWorks.includes(w)) await runFb(w, WARMUP, TRACED_BASE);
        if (control && fbWorks.includes(w)) await runFb(w, WARMUP, CONTROL_BASE);
      }
      if (server && wantHealth) await runHealth(WARMUP);
      if (traced && wantHealth) await runHealth(WARMUP, TRACED_BASE);
      if (control && wantHealth) await runHealth(WARMUP, CONTROL_BASE);
    }

    for (let i = 0; i < ROUNDS; i++) {
      await refreshTokens(); // access tokens live 15 minutes
      const round: Round = { load: load1(), peer: {}, fb: {}, raw: {}, traced: {}, control: {} };
      log(`round ${i + 1}/${ROUNDS} (1-min load ${round.load})`);
      for (const w of WORKS) {
        if (peer && peerWorks.includes(w)) round.peer[w] = await runPeer(w, SECONDS);
        // Which of the pair goes first alternates by round, so neither always runs on the warmer (or busier) machine.
        const pair: [string, (r: WrkResult) => void][] = [
          [BASE, (r) => (round.fb[w] = r)],
          ...(traced ? [[TRACED_BASE, (r: WrkResult) => (round.traced[w] = r)] as [string, (r: WrkResult) => void]] : []),
          ...(control ? [[CONTROL_BASE, (r: WrkResult) => (round.control[w] = r)] as [string, (r: WrkResult) => void]] : []),
        ];
        if (server && fbWorks.includes(w)) {
          if (TOGETHER && traced && w !== "checkin") [round.fb[w], round.traced[w]] = await Promise.all([runFb(w, SECONDS), runFb(w, SECONDS, TRACED_BASE)]);
          else for (const [base, keep] of inRoundOrder(pair, i)) keep(await runFb(w, SECONDS, base));
        }
      }
      if (server && wantHealth) {
        const pair: [string, (r: WrkResult) => void][] = [
          [BASE, (r) => (round.health = r)],
          ...(traced ? [[TRACED_BASE, (r: WrkResult) => (round.traced.health = r)] as [string, (r: WrkResult) => void]] : []),
          ...(control ? [[CONTROL_BASE, (r: WrkResult) => (round.control.health = r)] as [string, (r: WrkResult) => void]] : []),
        ];
        if (TOGETHER && traced) [round.health, round.traced.health] = await Promise.all([runHealth(SECONDS), runHealth(SECONDS, TRACED_BASE)]);
        else for (const [base, keep] of inRoundOrder(pair, i)) keep(await runHealth(SECONDS, base));
      }
      for (const w of rawWorks) round.raw[w] = await runRaw(w);
      rounds.push(round);
      log(`round ${i + 1} done: ${summaryLine(round)}`);
    }

    if (server && wantPings && data) {
      log(`pings: opening the day of ${Math.min(PING_REPS, reps.length)} reps (their earlier fixes removed), ${PING_BATCHES} sequential ${PING_BATCH}-fix batches, then ${PING_CONNS} connections for ${SECONDS} s`);
      const pingReps = reps.slice(-Math.min(PING_REPS, reps.length));
      await openDays(DB_URL, pingReps);
      await clearPings(DB_URL, pingReps);
      await writeTokenFile(pingTokenFile, pingReps, data.sample, issueAccessToken);
      pings = await runPings({ base: BASE, tokenFile: pingTokenFile, batches: PING_BATCHES, batch: PING_BATCH, seconds: SECONDS, connections: PING_CONNS });
    }

    if (server) {
      memory = await serverResidentSet(server, Number(new URL(BASE).port || 3300));
    }
  } finally {
    await server?.stop();
    await traced?.stop();
    await control?.stop();
    await peer?.stop();
    rmSync(tmp, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  console.log(
    `\nMachine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}; wrk ${CONNS} connections, ` +
      `${SECONDS} s per run, ${rounds.length} rounds; generator, servers and PostgreSQL on the same machine; 1-min load average ${loadBefore} before, ${load1()} after; ` +
      `${((performance.now() - t0) / 1000).toFixed(0)} s in all.`,
  );
  if (peerWorks.length && !peer) console.log("Seed reference: SKIPPED (see the message above); its columns and ratios are empty.");
  for (const w of WORKS) if (peerWorks.includes(w) || fbWorks.includes(w)) console.log(`\n${workTable(w, rounds)}`);
  if (wantHealth && rounds.some((r) => r.health)) console.log(`\n${healthTable(rounds)}`);
  if (OTEL_COMPARE && rounds.some((r) => Object.keys(r.traced).length)) console.log(`\n${tracingTable(rounds)}`);
  if (pings) console.log(`\n${pingsTable(pings)}`);
  if (memory) console.log(`\nServer memory: ${fmt(memory.rssMb, 0)} MB resident after the bench (${memory.name}; pid/group ${memory.pid}, ${BASE}).`);
  const otel = otelSinkStats();
  if (otel) console.log(`OpenTelemetry (BENCH_OTEL=${process.env.BENCH_OTEL}): the sink received ${otel.requests} OTLP requests, ${fmt(otel.bytes / 1e6, 1)} MB.`);
  await closeOtelSink();
  console.log(`\n${targetsTable(rounds, pings, memory)}`);
}

function summaryLine(r: Round): string {
  const parts: string[] = [];
  for (const w of WORKS) {
    if (r.peer[w]) parts.push(`peer ${w} ${fmt(r.peer[w].rate)}/s`);
    if (r.fb[w]) parts.push(`Fieldbeat ${w} ${fmt(r.fb[w].rate)}/s (p99 ${fmt(r.fb[w].p99_ms, 1)} ms, non-2xx ${r.fb[w].non2xx})`);
  }
  if (r.health) parts.push(`health ${fmt(r.health.rate)}/s`);
  return parts.join(" · ");
}

const cells = (m: Measure | undefined, withErrors = true) =>
  m ? [fmt(m.rate), fmt(m.p50_ms, 1), fmt(m.p99_ms, 1), ...(withErrors ? [`${fmt(m.errors)} / ${fmt(m.total)}`] : [])] : ["–", "–", "–", ...(withErrors ? ["–"] : [])];
const medianCells = (ms: (Measure | undefined)[], withErrors = true) => {
  const got = ms.filter((m): m is Measure => m !== undefined);
  if (got.length === 0) return cells(undefined, withErrors);
  const sum = (f: (m: Measure) => number) => got.reduce((n, m) => n + f(m), 0);
  return [
    `**${fmt(median(got.map((m) => m.rate)))}**`,
    fmt(median(got.map((m) => m.p50_ms)), 1),
    `**${fmt(median(got.map((m) => m.p99_ms)), 1)}**`,
    ...(withErrors ? [`${fmt(sum((m) => m.errors))} / ${fmt(sum((m) => m.total))}`] : []),
  ];
};
function sumCodes(rs: (WrkResult | undefined)[]): string {
  const all: Record<string, number> = {};
  for (const r of rs) for (const [k, v] of Object.entries(r?.codes ?? {})) all[k] = (all[k] ?? 0) + v;
  return codesText(all);
}

function workTable(w: Work, rounds: Round[]): string {
  const title = w === "checkin" ? "POST /api/v1/visits/check-in" : "GET /api/v1/locations/nearby (5 km, top 20 of 1,000,000)";
  const head = ["round", "load", "seed ref /s", "p50 ms", "p99 ms", "non-2xx / total", "Fieldbeat /s", "p50 ms", "p99 ms", "non-2xx / total", "raw DB (pgbench) /s", "p50 ms", "p99 ms"];
  const rows = rounds.map((r, i) => [String(i + 1), r.load, ...cells(r.peer[w]), ...cells(r.fb[w]), ...cells(r.raw[w], false)]);
  rows.push(["median", "", ...medianCells(rounds.map((r) => r.peer[w])), ...medianCells(rounds.map((r) => r.fb[w])), ...medianCells(rounds.map((r) => r.raw[w]), false)]);
  return (
    `### ${title}, wrk ${CONNS} connections × ${SECONDS} s\n` +
    mdTable(head, rows) +
    `\nStatus codes — seed ref: ${sumCodes(rounds.map((r) => r.peer[w]))}; Fieldbeat: ${sumCodes(rounds.map((r) => r.fb[w]))}. ` +
    "Rates count 2xx answers only; non-2xx includes socket errors and timeouts."
  );
}

function healthTable(rounds: Round[]): string {
  const rows = rounds.map((r, i) => [String(i + 1), r.load, ...cells(r.health)]);
  rows.push(["median", "", ...medianCells(rounds.map((r) => r.health))]);
  return `### Fieldbeat's floor: GET /api/health (one trivial query, shared by the requests that arrive while it runs), wrk ${CONNS} connections × ${SECONDS} s\n` + mdTable(["round", "load", "req/s", "p50 ms", "p99 ms", "non-2xx / total"], rows);
}

/** The runs of one round in their order: rotated by the round, so each server runs first, second … equally often. */
function inRoundOrder<T>(runs: T[], round: number): T[] {
  const k = round % runs.length;
  return [...runs.slice(k), ...runs.slice(0, k)];
}

/**
 * BENCH_OTEL_COMPARE: each work untraced and traced, run back to back in every round; the cost is the drop in rate.
 * With BENCH_OTEL_CONTROL, the cost is taken against the mean of the round's two untraced runs, and the A/A column is
 * the second untraced server's shortfall against the first in the same rounds.
 */
function tracingTable(rounds: Round[]): string {
  const pairing = TOGETHER ? "nearby and health on both at the same time, check-in back to back, in each round" : CONTROL ? "the three back to back in each round, in rotated order" : "back to back in each round";
  const rows: string[][] = [];
  const pctList = (xs: number[]) => xs.map((c) => `${fmt(c, 1)}`).join(", ") + " %";
  for (const w of [...WORKS, "health"] as const) {
    const off = rounds.map((r) => (w === "health" ? r.health : r.fb[w]));
    const on = rounds.map((r) => r.traced[w]);
    const ctl = rounds.map((r) => r.control[w]);
    const sets = off
      .map((a, i) => ({ a, b: on[i], c: ctl[i] }))
      .filter((p): p is { a: WrkResult; b: WrkResult; c: WrkResult | undefined } => !!p.a && !!p.b && (!CONTROL || !!p.c));
    if (sets.length === 0) continue;
    const untraced = (p: (typeof sets)[number]) => (p.c ? (p.a.rate + p.c.rate) / 2 : p.a.rate);
    const costs = sets.map((p) => 100 * (1 - p.b.rate / untraced(p)));
    const aa = CONTROL ? sets.map((p) => 100 * (1 - p.c!.rate / p.a.rate)) : [];
    rows.push([
      w,
      `**${fmt(median(sets.map(untraced)))}**`,
      `**${fmt(median(sets.map((p) => p.b.rate)))}**`,
      pctList(costs),
      `**${fmt(median(costs), 1)} %**`,
      ...(CONTROL ? [pctList(aa), `**${fmt(median(aa), 1)} %**`] : []),
      `${fmt(median(sets.map((p) => p.a.p99_ms)), 1)} → ${fmt(median(sets.map((p) => p.b.p99_ms)), 1)}`,
    ]);
  }
  return (
    (OTEL_COMPARE === "off"
      ? `### A/A: two untraced servers (${BASE} and ${TRACED_BASE}), same build and database, ${pairing}: the harness's own bias\n`
      : `### Tracing cost: OpenTelemetry on at ratio ${OTEL_COMPARE} (${TRACED_BASE}) vs off (${BASE}${CONTROL ? ` and ${CONTROL_BASE}` : ""}), same build and database, ${pairing}\n`) +
    mdTable(
      [
        "work",
        CONTROL ? "off /s (median of the two's mean)" : "off /s (median)",
        "on /s (median)",
        "cost per round",
        "median cost",
        ...(CONTROL ? ["A/A per round (second off vs first)", "median A/A"] : []),
        "p99 ms off → on",
      ],
      rows,
    )
  );
}

function pingsTable(p: PingsResult): string {
  const s = p.sustained;
  return (
    `### POST /api/v1/tracking/pings, ${p.batch}-fix batches\n` +
    mdTable(
      ["measure", "value"],
      [
        [`${p.sequential.n} batches one after another: p50 / p99`, `**${fmt(p.sequential.p50_ms, 1)} ms** / ${fmt(p.sequential.p99_ms, 1)} ms (${fmt(p.sequential.accepted)} fixes accepted, ${p.sequential.failed} failed batches)`],
        [`sustained, wrk ${s.clients} connections × ${fmt(s.seconds, 0)} s`, `**${fmt(s.fixesPerSecond)} fixes/s** accepted (${fmt(s.rate, 1)} batches/s, p50 ${fmt(s.p50_ms, 1)} ms, p99 ${fmt(s.p99_ms, 1)} ms; status ${codesText(s.codes)}; non-2xx ${s.non2xx})`],
      ],
    )
  );
}

function targetsTable(rounds: Round[], pings: PingsResult | null, memory: { rssMb: number } | null): string {
  const med = (f: (r: Round) => Measure | undefined, k: "rate" | "p99_ms") => median(rounds.map(f).filter((m): m is Measure => !!m).map((m) => m[k]));
  const rows: string[][] = [];
  const ratio = (a: number, b: number) => a / b;
  const perRound = (f: (r: Round) => number, pct: boolean) => {
    const xs = rounds.map(f).filter(Number.isFinite);
    const d = pct ? 0 : 2;
    return xs.length > 1 ? ` (rounds ${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}${pct ? " %" : "×"})` : "";
  };
  const met = (ok: boolean, aim?: boolean) => (ok ? (aim === undefined ? "yes" : aim ? "yes (aim met too)" : "yes (aim not yet)") : "**no**");
  const addRatio = (label: string, num: (r: Round) => Measure | undefined, den: (r: Round) => Measure | undefined, target: number, aim?: number, pct = false) => {
    const a = med(num, "rate");
    const b = med(den, "rate");
    if (!Number.isFinite(a) || !Number.isFinite(b)) return rows.push([label, "–", "not measured"]);
    const x = ratio(a, b);
    const shown = pct ? `${fmt(100 * x, 0)} %` : `${fmt(x, 2)}×`;
    const pr = perRound((r) => ratio(num(r)?.rate ?? NaN, den(r)?.rate ?? NaN) * (pct ? 100 : 1), pct);
    rows.push([label, `${fmt(a)} / ${fmt(b)} = **${shown}**${pr}`, met(x >= target, aim === undefined ? undefined : x >= aim)]);
  };
  const addMax = (label: string, value: number, limit: number, unit: string, digits = 1) =>
    rows.push([label, Number.isFinite(value) ? `**${fmt(value, digits)} ${unit}**` : "–", Number.isFinite(value) ? met(value < limit) : "not measured"]);

  addRatio("check-in throughput vs seed reference (≥ 1.0×, aim 1.5×)", (r) => r.fb.checkin, (r) => r.peer.checkin, 1.0, 1.5);
  addMax("check-in p99 at 32 connections (< 100 ms)", med((r) => r.fb.checkin, "p99_ms"), 100, "ms");
  addRatio("nearby throughput vs seed reference (≥ 1.2×, aim 2×)", (r) => r.fb.nearby, (r) => r.peer.nearby, 1.2, 2.0);
  addMax("nearby p99 at 32 connections (< 50 ms)", med((r) => r.fb.nearby, "p99_ms"), 50, "ms");
  addRatio("check-in vs own /api/health (≥ 60 %)", (r) => r.fb.checkin, (r) => r.health, 0.6, undefined, true);
  addRatio("nearby vs own /api/health (≥ 75 %)", (r) => r.fb.nearby, (r) => r.health, 0.75, undefined, true);
  addMax("pings: 500-fix batch p50 (< 50 ms)", pings?.sequential.p50_ms ?? NaN, 50, "ms");
  const fps = pings?.sustained.fixesPerSecond ?? NaN;
  rows.push(["pings: sustained fixes/s (≥ 10,000)", Number.isFinite(fps) ? `**${fmt(fps)}**` : "–", Number.isFinite(fps) ? met(fps >= 10_000) : "not measured"]);
  addMax("server resident set after the bench (< 300 MB)", memory?.rssMb ?? NaN, 300, "MB", 0);
  rows.push(["growth: check-in p99, 100k vs 5M visits and 1k vs 1M locations (within 20 %)", "–", "opt-in: BENCH_ONLY=growth"]);
  return "### Targets (issue #11), medians of the rounds\n" + mdTable(["target", "measured", "met?"], rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
