/**
 * BENCH_ONLY=growth — how check-in cost grows with the data (issue #11): check-in p99 with 100,000 vs
 * 5,000,000 visit rows, and with 1,000 vs 1,000,000 locations. Three databases, one per state, built once and kept
 * (named after BENCH_GROWTH_DATABASE_URL, default fieldbeat_bench_growth, plus _a, _b, _c):
 *   A: 1,000 locations + 100,000 visits · B: 1,000,000 locations + 100,000 visits · C: 1,000,000 locations + 5,000,000 visits
 * A vs B is the locations comparison, B vs C the visits one. History rows are made in SQL (generate_series):
 * closed visits over the past year, spread over the reps and locations. Rounds alternate A → B → C (BENCH_ROUNDS
 * rounds), each measurement with its own `next start` on that state's database (restarted per state; BENCH_WARMUP
 * seconds of warm-up), so drift on a shared machine hits the three states alike. A state whose visits have grown
 * past 1.2× its size (every run adds its check-ins) is rebuilt. Sizes: BENCH_GROWTH_{SMALL,LARGE}_{VISITS,LOCATIONS}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { codesText, fmt, mdTable, median, WRK_DIR, wrk, type WrkResult } from "./lib";
import { openDays } from "./pings";
import { prepareDatabase, resetOpenVisits, settleOpenVisits, type BenchData } from "./prepare";
import { startServer } from "./server";
import { range, writeTokenFile } from "./tokens";

const GROWTH_URL = process.env.BENCH_GROWTH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_growth";
const SMALL_VISITS = Number(process.env.BENCH_GROWTH_SMALL_VISITS ?? 100_000);
const LARGE_VISITS = Number(process.env.BENCH_GROWTH_LARGE_VISITS ?? 5_000_000);
const SMALL_LOCATIONS = Number(process.env.BENCH_GROWTH_SMALL_LOCATIONS ?? 1_000);
const LARGE_LOCATIONS = Number(process.env.BENCH_GROWTH_LARGE_LOCATIONS ?? 1_000_000);

type Issue = (personnelId: number, now: Date) => Promise<string>;
type State = { label: string; locations: number; visits: number; runs: WrkResult[]; load: string[] };

function stateUrl(suffix: string): string {
  const u = new URL(GROWTH_URL);
  u.pathname = `${u.pathname}_${suffix}`;
  const name = u.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name) || !["127.0.0.1", "localhost", "::1"].includes(u.hostname)) throw new Error(`refusing growth database ${u}`);
  return u.toString();
}

async function dropDatabase(url: string, log: (s: string) => void) {
  const name = new URL(url).pathname.slice(1);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  log(`growth: dropping ${name} to rebuild it`);
  await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql.end();
}

async function counts(url: string): Promise<{ locations: number; visits: number; stale: boolean } | null> {
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const a = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  const exists = (await a`SELECT 1 FROM pg_database WHERE datname = ${new URL(url).pathname.slice(1)}`).length > 0;
  await a.end();
  if (!exists) return null;
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [r] = await sql<{ locations: number; visits: number; open_ended: boolean }[]>`SELECT (SELECT count(*) FROM locations)::int AS locations, (SELECT count(*) FROM visits)::int AS visits,
      EXISTS (SELECT 1 FROM visits WHERE check_out_time IS NOT NULL AND check_out_coords IS NULL) AS open_ended`;
    // open_ended: built by the generator before 2026-11-30 (check-outs without a place, which the app never writes).
    return { locations: r!.locations, visits: r!.visits, stale: r!.open_ended };
  } catch {
    return null; // not migrated yet
  } finally {
    await sql.end();
  }
}

/** Adds closed visits in SQL until the table holds `target` rows (past year, random rep and location). */
async function growVisits(url: string, target: number, log: (s: string) => void): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const have = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM visits`)[0]!.n;
    if (have >= target) return have;
    const [reps] = await sql<{ first: number; last: number }[]>`SELECT min(id)::int AS first, max(id)::int AS last FROM personnel WHERE email LIKE 'bench-rep-%'`;
    const [locs] = await sql<{ first: number; last: number }[]>`SELECT min(id)::int AS first, max(id)::int AS last FROM locations`;
    const t0 = performance.now();
    const chunk = 1_000_000;
    for (let done = have; done < target; done += chunk) {
      const n = Math.min(chunk, target - done);
      // Closed as the app closes them: a check-out always has its own client id, time and place (here the check-in's).
      await sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, check_out_coords, validated, validation_status,
                                    client_id, check_in_captured_at, check_in_received_at, check_in_accuracy_m,
                                    check_out_client_id, check_out_captured_at, check_out_received_at, check_out_accuracy_m, flags, evidence_score)
                SELECT v.rep, v.loc, (v.t AT TIME ZONE 'Asia/Kolkata')::date, v.t, v.t + interval '20 minutes', v.g, v.g, true, 'VALID',
                       gen_random_uuid(), v.t, v.t, 8,
                       gen_random_uuid(), v.t + interval '20 minutes', v.t + interval '20 minutes', 8, '{}', 100
                FROM (SELECT ${reps!.first}::int + floor(random() * ${reps!.last - reps!.first + 1})::int AS rep,
                             ${locs!.first}::int + floor(random() * ${locs!.last - locs!.first + 1})::int AS loc,
                             now() - interval '1 day' - random() * interval '365 days' AS t,
                             ST_SetSRID(ST_MakePoint(77.48 + random() * 0.27, 12.85 + random() * 0.25), 4326)::geography AS g
                      FROM generate_series(1, ${n}::int)) v`;
      log(`growth: visits ${fmt(done + n)} / ${fmt(target)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    }
    await sql`VACUUM ANALYZE visits`;
    const now = (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM visits`)[0]!.n;
    log(`growth: ${fmt(now)} visits ready in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return now;
  } finally {
    await sql.end();
  }
}

async function countVisits(url: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    return (await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM visits`)[0]!.n;
  } finally {
    await sql.end();
  }
}

type StateDef = { label: string; url: string; locations: number; visits: number };

/** Builds (or rebuilds) one state's database; returns its data (reps, a location sample) and how long it took. */
async function ensureState(def: StateDef, reps: number, fixturesDir: string, log: (s: string) => void): Promise<{ data: BenchData; seconds: number }> {
  const t0 = performance.now();
  const have = await counts(def.url);
  if (have && (have.stale || have.locations > def.locations * 1.01 || have.visits > def.visits * 1.2)) await dropDatabase(def.url, log);
  const data = await prepareDatabase(def.url, { locations: def.locations, reps, fixturesDir, log });
  await growVisits(def.url, def.visits, log);
  return { data, seconds: (performance.now() - t0) / 1000 };
}

export async function runGrowth(opts: { warmup: number; serverDir: string; base: string; seconds: number; connections: number; rounds: number; reps: number; fixturesDir: string; issue: Issue; log: (s: string) => void }): Promise<void> {
  const { log } = opts;
  const t0 = performance.now();
  const defs: StateDef[] = [
    { label: "A", url: stateUrl("a"), locations: SMALL_LOCATIONS, visits: SMALL_VISITS },
    { label: "B", url: stateUrl("b"), locations: LARGE_LOCATIONS, visits: SMALL_VISITS },
    { label: "C", url: stateUrl("c"), locations: LARGE_LOCATIONS, visits: LARGE_VISITS },
  ];
  const built: { def: StateDef; data: BenchData; state: State }[] = [];
  const timings: string[] = [];
  for (const def of defs) {
    const { data, seconds } = await ensureState(def, opts.reps, opts.fixturesDir, log);
    timings.push(`${def.label} ready in ${seconds.toFixed(0)} s`);
    built.push({ def, data, state: { label: def.label, locations: data.locations, visits: await countVisits(def.url), runs: [], load: [] } });
  }
  const tmp = mkdtempSync(path.join(os.tmpdir(), "fb-growth-"));
  const tokenFile = path.join(tmp, "reps.txt");
  const script = path.join(WRK_DIR, "fb-checkin.lua");
  try {
    for (let i = 0; i < opts.rounds; i++) {
      for (const { def, data, state } of built) {
        const server = await startServer({ base: opts.base, dir: opts.serverDir, dbUrl: def.url, reuse: false, log });
        try {
          await writeTokenFile(tokenFile, range(data.reps.first, data.reps.last), data.sample, opts.issue);
          await openDays(def.url, range(data.reps.first, data.reps.last)); // every rep started today
          await resetOpenVisits(def.url);
          await wrk({ name: "warm-up", url: opts.base, script, connections: opts.connections, seconds: opts.warmup, env: { BENCH_TOKENS: tokenFile } });
          await settleOpenVisits(def.url);
          state.load.push(os.loadavg()[0]!.toFixed(2));
          const r = await wrk({ name: `check-in, ${def.label}`, url: opts.base, script, connections: opts.connections, seconds: opts.seconds, env: { BENCH_TOKENS: tokenFile } });
          state.runs.push(r);
          log(`growth round ${i + 1}, state ${def.label}: ${fmt(r.rate)}/s, p99 ${fmt(r.p99_ms, 1)} ms, status ${codesText(r.codes)}`);
          await settleOpenVisits(def.url);
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const states = built.map((b) => b.state);
  const p99 = (s: State) => median(s.runs.map((r) => r.p99_ms));
  const rows = states.map((s) => [
    s.label,
    fmt(s.locations),
    fmt(s.visits),
    s.load.join(", "),
    s.runs.map((r) => fmt(r.p99_ms, 1)).join(", "),
    `**${fmt(p99(s), 1)}**`,
    fmt(median(s.runs.map((r) => r.rate))),
    `${s.runs.reduce((n, r) => n + r.non2xx, 0)} (${codesText(sumCodes(s.runs))})`,
  ]);
  const [a, b, c] = states;
  const change = (x: State | undefined, y: State | undefined) => (x && y ? (p99(y) - p99(x)) / p99(x) : NaN);
  const verdict = (d: number) => (Number.isFinite(d) ? `${d >= 0 ? "+" : ""}${fmt(100 * d, 0)} % — ${Math.abs(d) <= 0.2 ? "yes" : "**no**"}` : "–");
  console.log(
    `\n### Growth: check-in, wrk ${opts.connections} connections × ${opts.seconds} s, ${opts.rounds} rounds alternating A → B → C (databases ${defs.map((d) => new URL(d.url).pathname.slice(1)).join(", ")})\n` +
      mdTable(["state", "locations", "visits (before the runs)", "load (1 min) per round", "p99 per round (ms)", "median p99 (ms)", "median check-ins/s", "non-2xx (status codes)"], rows) +
      "\n\n" +
      mdTable(
        ["target", "p99 change", "within 20 %?"],
        [
          [`${fmt(a?.locations ?? NaN)} → ${fmt(b?.locations ?? NaN)} locations (A → B)`, verdict(change(a, b))],
          [`${fmt(b?.visits ?? NaN)} → ${fmt(c?.visits ?? NaN)} visits (B → C)`, verdict(change(b, c))],
        ],
      ) +
      `\nTime: ${timings.join("; ")}; growth part ${((performance.now() - t0) / 1000).toFixed(0)} s in all.`,
  );
}

function sumCodes(runs: WrkResult[]): Record<string, number> {
  const all: Record<string, number> = {};
  for (const r of runs) for (const [k, v] of Object.entries(r.codes)) all[k] = (all[k] ?? 0) + v;
  return all;
}
