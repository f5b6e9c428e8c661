/**
 * BENCH_ONLY=growth — how check-in cost grows with the data (issue #11): check-in p99 with 100,000 vs
 * 5,000,000 visit rows, and with 1,000 vs 1,000,000 locations. Opt-in because it rebuilds its own database
 * each time (BENCH_GROWTH_DATABASE_URL, default fieldbeat_bench_growth) and grows it in place:
 *   A: 1,000 locations, 100,000 visits → B: 1,000,000 locations, 100,000 visits → C: 1,000,000 locations, 5,000,000 visits
 * A vs B is the locations comparison, B vs C the visits one. History rows are made in SQL (generate_series):
 * closed visits over the past year, spread over the reps and locations. Each state is measured with the same
 * wrk check-in as the main bench (BENCH_ROUNDS runs, median p99, after a BENCH_WARMUP-second warm-up; 3× that before
 * A, the fresh server's first load), by a server started on this database. Sizes: BENCH_GROWTH_{SMALL,LARGE}_{VISITS,LOCATIONS}.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { fmt, mdTable, median, WRK_DIR, wrk, type WrkResult } from "./lib";
import { prepareDatabase, resetOpenVisits } from "./prepare";
import { startServer } from "./server";
import { range, writeTokenFile } from "./tokens";

const GROWTH_URL = process.env.BENCH_GROWTH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_growth";
const SMALL_VISITS = Number(process.env.BENCH_GROWTH_SMALL_VISITS ?? 100_000);
const LARGE_VISITS = Number(process.env.BENCH_GROWTH_LARGE_VISITS ?? 5_000_000);
const SMALL_LOCATIONS = Number(process.env.BENCH_GROWTH_SMALL_LOCATIONS ?? 1_000);
const LARGE_LOCATIONS = Number(process.env.BENCH_GROWTH_LARGE_LOCATIONS ?? 1_000_000);

type Issue = (personnelId: number, now: Date) => Promise<string>;
type State = { label: string; locations: number; visits: number; runs: WrkResult[]; load: string[] };

async function recreate(url: string, log: (s: string) => void) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  if (!/^[a-z0-9_]+$/.test(name) || !["127.0.0.1", "localhost", "::1"].includes(u.hostname)) throw new Error(`refusing growth database ${url}`);
  const admin = new URL(url);
  admin.pathname = "/postgres";
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  log(`growth: recreating database ${name}`);
  await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await sql.end();
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
      await sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, validated, validation_status,
                                    client_id, check_in_captured_at, check_in_received_at, check_in_accuracy_m, flags, evidence_score)
                SELECT v.rep, v.loc, (v.t AT TIME ZONE 'Asia/Kolkata')::date, v.t, v.t + interval '20 minutes',
                       ST_SetSRID(ST_MakePoint(77.48 + random() * 0.27, 12.85 + random() * 0.25), 4326)::geography, true, 'VALID',
                       gen_random_uuid(), v.t, v.t, 8, '{}', 100
                FROM (SELECT ${reps!.first}::int + floor(random() * ${reps!.last - reps!.first + 1})::int AS rep,
                             ${locs!.first}::int + floor(random() * ${locs!.last - locs!.first + 1})::int AS loc,
                             now() - interval '1 day' - random() * interval '365 days' AS t
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

export async function runGrowth(opts: { warmup: number; serverDir: string; base: string; seconds: number; connections: number; rounds: number; reps: number; fixturesDir: string; issue: Issue; log: (s: string) => void }): Promise<void> {
  const { log } = opts;
  const t0 = performance.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), "fb-growth-"));
  const tokenFile = path.join(tmp, "reps.txt");
  const states: State[] = [];
  await recreate(GROWTH_URL, log);
  let data = await prepareDatabase(GROWTH_URL, { locations: SMALL_LOCATIONS, reps: opts.reps, fixturesDir: opts.fixturesDir, log });
  let visits = await growVisits(GROWTH_URL, SMALL_VISITS, log);
  const server = await startServer({ base: opts.base, dir: opts.serverDir, dbUrl: GROWTH_URL, reuse: false, log });
  const timings: string[] = [`database with ${fmt(SMALL_LOCATIONS)} locations and ${fmt(SMALL_VISITS)} visits: ${((performance.now() - t0) / 1000).toFixed(0)} s`];
  try {
    const measure = async (label: string, warmup: number) => {
      visits = await countVisits(GROWTH_URL);
      const state: State = { label, locations: data.locations, visits, runs: [], load: [] };
      const reps = range(data.reps.first, data.reps.last);
      // warm-up, not recorded
      await writeTokenFile(tokenFile, reps, data.sample, opts.issue);
      await resetOpenVisits(GROWTH_URL);
      await wrk({ name: "warm-up", url: opts.base, script: path.join(WRK_DIR, "fb-checkin.lua"), connections: opts.connections, seconds: warmup, env: { BENCH_TOKENS: tokenFile } });
      for (let i = 0; i < opts.rounds; i++) {
        await writeTokenFile(tokenFile, reps, data.sample, opts.issue);
        await resetOpenVisits(GROWTH_URL);
        state.load.push(os.loadavg()[0]!.toFixed(2));
        const r = await wrk({ name: `check-in, ${label}`, url: opts.base, script: path.join(WRK_DIR, "fb-checkin.lua"), connections: opts.connections, seconds: opts.seconds, env: { BENCH_TOKENS: tokenFile } });
        state.runs.push(r);
        log(`growth ${label} run ${i + 1}: ${fmt(r.rate)}/s, p99 ${fmt(r.p99_ms, 1)} ms, non-2xx ${r.non2xx}`);
      }
      await resetOpenVisits(GROWTH_URL);
      states.push(state);
    };
    await measure("A", 3 * opts.warmup); // the first state also warms the fresh server up
    let t = performance.now();
    data = await prepareDatabase(GROWTH_URL, { locations: LARGE_LOCATIONS, reps: opts.reps, fixturesDir: opts.fixturesDir, log });
    timings.push(`growing to ${fmt(LARGE_LOCATIONS)} locations: ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await measure("B", opts.warmup);
    t = performance.now();
    visits = await growVisits(GROWTH_URL, LARGE_VISITS, log);
    timings.push(`growing to ${fmt(LARGE_VISITS)} visits (SQL, with VACUUM ANALYZE): ${((performance.now() - t) / 1000).toFixed(0)} s`);
    await measure("C", opts.warmup);
  } finally {
    await server.stop();
    rmSync(tmp, { recursive: true, force: true });
  }
  const p99 = (s: State) => median(s.runs.map((r) => r.p99_ms));
  const rows = states.map((s) => [
    s.label,
    fmt(s.locations),
    fmt(s.visits),
    s.load.join(", "),
    s.runs.map((r) => fmt(r.p99_ms, 1)).join(", "),
    `**${fmt(p99(s), 1)}**`,
    fmt(median(s.runs.map((r) => r.rate))),
    String(s.runs.reduce((n, r) => n + r.non2xx, 0)),
  ]);
  const [a, b, c] = states;
  const change = (x: State | undefined, y: State | undefined) => (x && y ? (p99(y) - p99(x)) / p99(x) : NaN);
  const verdict = (d: number) => (Number.isFinite(d) ? `${d >= 0 ? "+" : ""}${fmt(100 * d, 0)} % — ${Math.abs(d) <= 0.2 ? "yes" : "**no**"}` : "–");
  console.log(
    `\n### Growth: check-in (wrk ${opts.connections} connections × ${opts.seconds} s, ${opts.rounds} runs per state), database ${new URL(GROWTH_URL).pathname.slice(1)}\n` +
      mdTable(["state", "locations", "visits (before the runs)", "load (1 min)", "p99 per run (ms)", "median p99 (ms)", "median check-ins/s", "non-2xx"], rows) +
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
