/**
 * Dashboard benchmarks (BENCH_ONLY=dashboard npm run bench, or directly: npx tsx --conditions=react-server bench/dashboard.ts):
 * an organisation of 1,000 reps (10 managers × 100) with 90 days of history on the local PostgreSQL, then
 *  - team-summary (the Team now page's query layer: summary + feed + alerts) for a manager (100 reps) and an admin (1,000);
 *  - personnel summary for 90 days;
 *  - 1,000 concurrent SSE streams on this process's hub: commit → receive delay of check-ins, and memory per stream.
 * Use-case level (no HTTP): it measures the queries and the stream machinery, not Next's request overhead.
 */
import { randomUUID } from "node:crypto";
import os from "node:os";
import { sql } from "drizzle-orm";
import postgres from "postgres";

const DB_URL = process.env.BENCH_DASH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_dash";
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const log = (s: string) => console.log(`[bench:dashboard] ${s}`);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };

async function ensureDatabase() {
  const u = new URL(DB_URL);
  if (!/^(127\.|localhost$)/.test(u.hostname)) throw new Error("bench database must be local");
  const admin = postgres({ host: u.hostname, port: Number(u.port || 5432), user: u.username || "postgres", database: "postgres", max: 1, onnotice: () => {} });
  const name = u.pathname.slice(1);
  const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  if (!exists) await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
}

/** 1,000 reps × 90 days: ~5 planned stops per work day, ~92 % visited, one session per worked day; generated in SQL. */
async function generate(db: import("../src/server/db/client").Db, today: string) {
  const [{ n } = { n: 0 }] = (await db.execute(sql`SELECT count(*)::int AS n FROM personnel WHERE role = 'rep'`)) as unknown as { n: number }[];
  if (n >= 1000) return log(`data already there (${n} reps)`);
  const t0 = performance.now();
  await db.execute(sql`INSERT INTO personnel (name, email, role) VALUES ('Bench Admin', 'bench-admin@bench.test', 'admin')`);
  await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id)
    SELECT 'Manager ' || m, 'bench-m' || m || '@bench.test', 'manager', (SELECT id FROM personnel WHERE email = 'bench-admin@bench.test') FROM generate_series(1, 10) m`);
  await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id)
    SELECT 'Rep ' || r, 'bench-r' || r || '@bench.test', 'rep', (SELECT id FROM personnel WHERE email = 'bench-m' || (1 + (r - 1) / 100) || '@bench.test') FROM generate_series(1, 1000) r`);
  await db.execute(sql`INSERT INTO locations (name, coordinates, geofence_radius, active)
    SELECT 'Shop ' || i, ST_SetSRID(ST_MakePoint(77.45 + random() * 0.3, 12.85 + random() * 0.3), 4326)::geography, 50, true FROM generate_series(1, 5000) i`);
  await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
    SELECT p.id, (SELECT min(id) FROM locations) + ((p.id * 7919 + s * 104729 + (${today}::date - d::date)) % 5000), d::date, s, (time '09:30' + (s - 1) * interval '75 minutes')
    FROM personnel p, generate_series(${today}::date - 90, ${today}::date - 1, interval '1 day') d, generate_series(1, 5) s
    WHERE p.role = 'rep' AND extract(isodow FROM d) < 7`);
  await db.execute(sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_in_coords, check_out_time, duration_minutes, validated, validation_status, client_id)
    SELECT pv.personnel_id, pv.location_id, pv.planned_date,
      ((pv.planned_date + pv.planned_time) AT TIME ZONE 'Asia/Kolkata') + (random() * 40 - 10) * interval '1 minute',
      l.coordinates, ((pv.planned_date + pv.planned_time) AT TIME ZONE 'Asia/Kolkata') + interval '40 minutes', 30 + (random() * 20)::int,
      true, CASE WHEN random() < 0.9 THEN 'VALID' ELSE 'INVALID' END, md5(pv.id::text)::uuid
    FROM planned_visits pv JOIN locations l ON l.id = pv.location_id WHERE random() < 0.92`);
  await db.execute(sql`UPDATE planned_visits p SET visit_id = v.id FROM visits v WHERE v.client_id = md5(p.id::text)::uuid`);
  await db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, logout_time, total_visits, total_travel_km, status)
    SELECT personnel_id, planned_date, min(check_in_time) - interval '20 minutes', max(check_out_time) + interval '20 minutes', count(*), round((random() * 40)::numeric, 2), 'CLOSED'
    FROM visits GROUP BY personnel_id, planned_date`);
  await db.execute(sql`ANALYZE`);
  log(`generated in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

async function time<T>(fn: () => Promise<T>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t); }
  return out;
}

export async function runDashboardBench() {
  await ensureDatabase();
  process.env.DATABASE_URL = DB_URL;
  const { openPostgres, migrate, queryRows } = await import("../src/server/db/client");
  const { getTeamSummary, teamReps } = await import("../src/server/dashboard/team-summary");
  const { getPersonnelSummary } = await import("../src/server/dashboard/personnel-summary");
  const { recentActivity } = await import("../src/server/dashboard/activity.queries");
  const { openAlerts } = await import("../src/server/alerts/alerts.queries");
  const handle = await openPostgres({ url: DB_URL, max: 20 });
  await migrate(handle);
  const db = handle.db;
  const now = new Date();
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(now);
  await generate(db, today);
  const people = await queryRows<{ id: number; role: "admin" | "manager" | "rep"; name: string; email: string }>(db, sql`SELECT id, role::text AS role, name, email FROM personnel WHERE email LIKE 'bench-%' ORDER BY id`);
  const actor = (p: (typeof people)[number]) => ({ ...p, via: "session" as const, readOnly: false });
  const admin = actor(people.find((p) => p.role === "admin")!);
  const managers = people.filter((p) => p.role === "manager").map(actor);
  const reps = people.filter((p) => p.role === "rep").map(actor);
  const [{ v } = { v: 0 }] = await queryRows<{ v: number }>(db, sql`SELECT count(*)::int AS v FROM visits`);
  log(`${reps.length} reps, ${v} visits`);

  const page = async (a: typeof admin) => {
    const ctx = { db, actor: a, now };
    const s = await getTeamSummary(ctx, {});
    const team = teamReps(ctx, s.manager_id);
    await recentActivity(db, team);
    await openAlerts(db, team, now);
  };
  const from90 = new Date(now.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
  const rows: [string, number[]][] = [
    ["Team now data (summary+feed+alerts), manager, 100 reps, today", await time(() => page(managers[0]!))],
    ["Team now data, admin, 1,000 reps, today", await time(() => page(admin))],
    ["team-summary, manager, 7 days", await time(() => getTeamSummary({ db, actor: managers[0]!, now }, { from: new Date(now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10) }))],
    ["team-summary, admin, 1,000 reps, 90 days", await time(() => getTeamSummary({ db, actor: admin, now }, { from: from90 }))],
    ["personnel/{id}, 90 days", await time(() => getPersonnelSummary({ db, actor: managers[0]!, now }, reps[0]!.id, { from: from90 }))],
  ];
  const sse = await sseBench(handle, managers, reps);
  await handle.close();
  const cpus = os.cpus();
  console.log(`\nMachine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, Node ${process.version}, shared with other workers; ${RUNS} runs each after a warm-up; PostgreSQL local.\n`);
  console.log("| measure | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|");
  for (const [name, xs] of rows) console.log(`| ${name} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
  console.log(`\nSSE: ${sse.streams} concurrent streams on one process; ${sse.deliveries} deliveries of ${sse.checkIns} check-ins: commit → received p50 ${sse.p50.toFixed(1)} ms, p99 ${sse.p99.toFixed(1)} ms; memory per stream ≈ ${sse.bytesPer.toFixed(0)} bytes (heap + external).`);
}

type BenchActor = { id: number; role: "admin" | "manager" | "rep"; name: string; email: string; via: "session"; readOnly: boolean };

async function sseBench(handle: import("../src/server/db/client").DbHandle, managers: BenchActor[], reps: BenchActor[]) {
  const { openEventStream } = await import("../src/server/realtime/event-stream");
  const { checkIn } = await import("../src/server/visits/check-in");
  const { queryRows } = await import("../src/server/db/client");
  const abort = new AbortController();
  const committed = new Map<number, number>();
  const delays: number[] = [];
  (globalThis as { gc?: () => void }).gc?.();
  const mem0 = process.memoryUsage();
  const decoder = new TextDecoder();
  for (let i = 0; i < STREAMS; i++) {
    const m = managers[i % managers.length]!;
    const stream = await openEventStream({ db: handle.db, actor: m as never, now: new Date() }, handle, { lastEventId: null, signal: abort.signal });
    const reader = stream.getReader();
    void (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const t = performance.now();
        for (const m2 of decoder.decode(value).matchAll(/"visit_id":(\d+)/g)) {
          const c = committed.get(Number(m2[1]));
          if (c !== undefined) delays.push(Math.max(0, t - c));
        }
      }
    })();
  }
  (globalThis as { gc?: () => void }).gc?.();
  const mem1 = process.memoryUsage();
  const bytesPer = (mem1.heapUsed + mem1.external - mem0.heapUsed - mem0.external) / STREAMS;
  const [loc] = await queryRows<{ id: number; lat: number; lon: number }>(handle.db, sql`SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations ORDER BY id LIMIT 1`);
  const checkIns = 40;
  for (let i = 0; i < checkIns; i++) {
    const rep = reps[(i * 97) % reps.length]!;
    await handle.db.execute(sql`UPDATE visits SET check_out_time = now() WHERE personnel_id = ${rep.id} AND check_out_time IS NULL AND check_in_time IS NOT NULL`);
    const now = new Date();
    const res = await checkIn({ db: handle.db, actor: rep as never, now }, { client_id: randomUUID(), location_id: loc!.id, lat: loc!.lat, lon: loc!.lon, accuracy_m: 5, captured_at: now.toISOString() });
    committed.set(res.body.visit.id, performance.now());
    await new Promise((r) => setTimeout(r, 50));
  }
  await new Promise((r) => setTimeout(r, 2000));
  abort.abort();
  return { streams: STREAMS, checkIns, deliveries: delays.length, p50: pct(delays, 50), p99: pct(delays, 99), bytesPer };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDashboardBench().then(() => process.exit(0), (err: unknown) => { console.error(err); process.exit(1); });
}
