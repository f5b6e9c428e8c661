/**
 * Dashboard benchmarks (BENCH_ONLY=dashboard npm run bench, or directly: npx tsx --conditions=react-server bench/dashboard.ts):
 * an organisation of 1,000 reps (10 managers × 100) with 90 days of history on the local PostgreSQL, then
 *  - team-summary (the Team now page's query layer: summary + feed + alerts) for a manager (100 reps) and an admin (1,000);
 *  - personnel summary for 90 days;
 *  - 1,000 concurrent SSE streams on this process's hub: commit → receive delay of check-ins, and memory per stream;
 *  - the Team now page itself (GET /manager, server render through `npm start` of this tree's production build, with a
 *    session cookie) for a manager of 100 reps and for the admin. Needs `npm run build` first (else skipped, said so);
 *    BENCH_PAGE_PORT [3605] for the server it starts, or BENCH_PAGE_URL for one already running on this database
 *    with the AUTH_SECRET below.
 * The first parts are use-case level (no HTTP): they measure the queries and the stream machinery.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { sql } from "drizzle-orm";
import { ensureLocalDatabase } from "./lib";

const DB_URL = process.env.BENCH_DASH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_dash";
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const STREAMS = Number(process.env.BENCH_STREAMS ?? 1000);
const PAGE_PORT = Number(process.env.BENCH_PAGE_PORT ?? 3605);
const PAGE_SECRET = process.env.AUTH_SECRET ?? "fieldbeat-bench-secret-not-for-production-0123456789";
const ROOT = path.resolve(import.meta.dirname, "..");
const log = (s: string) => console.log(`[bench:dashboard] ${s}`);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };


/**
 * 1,000 reps × 90 days of history plus today, generated in SQL and topped up on later runs (days since the last
 * generated one, and whatever a later version of this generator adds). Per work day and rep: 5 planned stops, ~92 %
 * visited, one session, a breadcrumb every hour of the session (today every 10 minutes); the outbox holds the retention window (14 days)
 * of check-in/check-out/pings events; invalid visits of the last week raised alerts. Today is a full busy day
 * whatever the clock says (sessions open, a third of the reps in their last visit), so Team now renders a real day.
 */
async function generate(db: import("../src/server/db/client").Db, today: string) {
  const t0 = performance.now();
  const one = async (q: ReturnType<typeof sql>) => Number(((await db.execute(q)) as unknown as { n: number }[])[0]?.n ?? 0);
  if ((await one(sql`SELECT count(*)::int AS n FROM personnel WHERE role = 'rep'`)) < 1000) {
    await db.execute(sql`INSERT INTO personnel (name, email, role) VALUES ('Bench Admin', 'bench-admin@bench.test', 'admin')`);
    await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id)
      SELECT 'Manager ' || m, 'bench-m' || m || '@bench.test', 'manager', (SELECT id FROM personnel WHERE email = 'bench-admin@bench.test') FROM generate_series(1, 10) m`);
    await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id)
      SELECT 'Rep ' || r, 'bench-r' || r || '@bench.test', 'rep', (SELECT id FROM personnel WHERE email = 'bench-m' || (1 + (r - 1) / 100) || '@bench.test') FROM generate_series(1, 1000) r`);
    await db.execute(sql`INSERT INTO locations (name, coordinates, geofence_radius, active)
      SELECT 'Shop ' || i, ST_SetSRID(ST_MakePoint(77.45 + random() * 0.3, 12.85 + random() * 0.3), 4326)::geography, 50, true FROM generate_series(1, 5000) i`);
  }
  const [{ from } = { from: null }] = (await db.execute(
    sql`SELECT (coalesce(max(planned_date) + 1, ${today}::date - 90))::text AS "from" FROM planned_visits`,
  )) as unknown as { from: string | null }[];
  if (from && from <= today) {
    // Visits left open by an earlier run's SSE check-ins would collide with today's open ones.
    await db.execute(sql`UPDATE visits SET check_out_time = check_in_time + interval '30 minutes', duration_minutes = 30 WHERE check_out_time IS NULL AND check_in_time IS NOT NULL`);
    await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
      SELECT p.id, (SELECT min(id) FROM locations) + ((p.id * 7919 + s * 104729 + (${today}::date - d::date)) % 5000), d::date, s, (time '09:30' + (s - 1) * interval '75 minutes')
      FROM personnel p, generate_series(${from}::date, ${today}::date, interval '1 day') d, generate_series(1, 5) s
      WHERE p.role = 'rep' AND extract(isodow FROM d) < 7`);
    // Today: every stop visited and a third of the reps still in their last one.
    await db.execute(sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_in_coords, check_out_time, duration_minutes, validated, validation_status, client_id)
      SELECT pv.personnel_id, pv.location_id, pv.planned_date, t.inn, l.coordinates,
        CASE WHEN t.open THEN NULL ELSE t.inn + interval '40 minutes' END, CASE WHEN t.open THEN NULL ELSE 30 + (random() * 20)::int END,
        true, CASE WHEN random() < 0.9 THEN 'VALID' ELSE 'INVALID' END, md5(pv.id::text)::uuid
      FROM planned_visits pv JOIN locations l ON l.id = pv.location_id,
        LATERAL (SELECT ((pv.planned_date + pv.planned_time) AT TIME ZONE 'Asia/Kolkata') + (random() * 40 - 10) * interval '1 minute' AS inn,
                        pv.planned_date = ${today}::date AND pv.sequence = 5 AND pv.personnel_id % 3 = 0 AS open) t
      WHERE pv.planned_date >= ${from}::date AND (random() < 0.92 OR pv.planned_date = ${today}::date)`);
    await db.execute(sql`UPDATE planned_visits p SET visit_id = v.id FROM visits v WHERE v.client_id = md5(p.id::text)::uuid AND p.planned_date >= ${from}::date AND p.visit_id IS NULL`);
    await db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, logout_time, total_visits, total_travel_km, status)
      SELECT personnel_id, planned_date, min(check_in_time) - interval '20 minutes',
        CASE WHEN planned_date = ${today}::date THEN NULL ELSE max(check_out_time) + interval '20 minutes' END, count(*), round((random() * 40)::numeric, 2),
        CASE WHEN planned_date = ${today}::date THEN 'OPEN' ELSE 'CLOSED' END
      FROM visits WHERE planned_date >= ${from}::date GROUP BY personnel_id, planned_date
      ON CONFLICT (personnel_id, session_date) DO NOTHING`);
    log(`generated days ${from} … ${today}`);
  }
  // Breadcrumbs: every 10 minutes of today's open sessions (their first 6 hours), hourly in past days (~550,000 rows).
  // The PWA sends more (about one a minute while open), but the dashboard reads pings only by (rep, time) index: more
  // history makes that B-tree deeper, not the rows read. Fewer rows because inserting them is slow on a shared 2-core
  // machine (≈ 800 rows/s here at load 8; 2.9 million took most of an hour). Client ids ascend (session, time).
  // Pings are partitioned by UTC day (migration 0019): every day of the generated sessions first.
  await db.execute(sql`SELECT fieldbeat_ensure_ping_partitions((SELECT min(login_time)::date - 1 FROM daily_sessions), (SELECT max(coalesce(logout_time, login_time + interval '6 hours'))::date + 1 FROM daily_sessions))`);
  const pings = await one(sql`WITH ins AS (INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, speed, captured_at, received_at)
      SELECT (lpad(to_hex(s.id), 16, '0') || lpad(to_hex(extract(epoch FROM t)::bigint), 16, '0'))::uuid, s.personnel_id, s.id, ST_SetSRID(ST_MakePoint(77.45 + random() * 0.3, 12.85 + random() * 0.3), 4326)::geography,
        5 + random() * 20, random() * 10, t, t + interval '5 seconds'
      FROM daily_sessions s, generate_series(s.login_time, coalesce(s.logout_time, s.login_time + interval '6 hours'), CASE WHEN s.logout_time IS NULL THEN interval '10 minutes' ELSE interval '1 hour' END) t
      WHERE s.login_time IS NOT NULL AND NOT EXISTS (SELECT 1 FROM location_pings x WHERE x.personnel_id = s.personnel_id AND x.captured_at >= s.login_time AND x.session_id = s.id) RETURNING 1)
    SELECT count(*)::int AS n FROM ins`);
  // The outbox's retention window (14 days by default) of visit and breadcrumb events, in time order. Written with
  // triggers off: the events_notify trigger would queue a NOTIFY per row for nobody.
  const events = pings === 0 ? 0 : await db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL session_replication_role = replica`);
    const [{ n } = { n: 0 }] = (await tx.execute(sql`WITH since AS (SELECT coalesce(max(created_at), ${today}::date - 14) AS t FROM events WHERE type = 'tracking.pings'),
      ins AS (INSERT INTO events (type, personnel_id, visit_id, location_id, payload, created_at)
        SELECT type, personnel_id, visit_id, location_id, payload, at FROM (
          SELECT 'visit.checked_in' AS type, v.personnel_id, v.id AS visit_id, v.location_id, jsonb_build_object('status', v.validation_status, 'check_in_time', v.check_in_time) AS payload, v.check_in_time AS at
            FROM visits v WHERE v.check_in_time > (SELECT t FROM since)
          UNION ALL
          SELECT 'visit.checked_out', v.personnel_id, v.id, v.location_id, jsonb_build_object('check_out_time', v.check_out_time, 'duration_minutes', v.duration_minutes), v.check_out_time
            FROM visits v WHERE v.check_out_time > (SELECT t FROM since)
          UNION ALL
          SELECT 'tracking.pings', lp.personnel_id, NULL, NULL, jsonb_build_object('accepted', 1, 'session_id', lp.session_id,
              'position', jsonb_build_object('lat', ST_Y(lp.coords::geometry), 'lon', ST_X(lp.coords::geometry), 'accuracy_m', lp.accuracy_m, 'captured_at', lp.captured_at)), lp.captured_at
            FROM location_pings lp WHERE lp.captured_at > (SELECT t FROM since)
        ) e ORDER BY at RETURNING 1)
      SELECT count(*)::int AS n FROM ins`)) as unknown as { n: number }[];
    return n;
  });
  const alerts = await one(sql`WITH ins AS (INSERT INTO alerts (kind, severity, personnel_id, visit_id, message, dedupe_key, raised_at, acknowledged_at)
      SELECT 'risky_visit', 'critical', v.personnel_id, v.id, 'Check-in outside the geofence', 'bench-risky-' || v.id, v.check_in_time,
        CASE WHEN v.check_in_time < ${today}::date - 1 THEN v.check_in_time + interval '2 hours' END
      FROM visits v WHERE v.validation_status = 'INVALID' AND v.check_in_time > ${today}::date - 7
      ON CONFLICT (dedupe_key) DO NOTHING RETURNING 1)
    SELECT count(*)::int AS n FROM ins`);
  if (from && from <= today) await db.execute(sql`ANALYZE`);
  if (pings + events + alerts > 0) for (const t of ["location_pings", "events", "alerts"]) await db.execute(sql.raw(`ANALYZE ${t}`));
  log(`data ready in ${((performance.now() - t0) / 1000).toFixed(0)} s (+${pings} pings, +${events} events, +${alerts} alerts)`);
}

async function time<T>(fn: () => Promise<T>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t); }
  return out;
}

export async function runDashboardBench() {
  await ensureLocalDatabase(DB_URL);
  process.env.DATABASE_URL = DB_URL;
  const { openPostgres, migrate, queryRows } = await import("../src/server/db/client");
  const { getTeamSummary } = await import("../src/server/dashboard/team-summary");
  const { getPersonnelSummary } = await import("../src/server/dashboard/personnel-summary");
  const handle = await openPostgres({ url: DB_URL, max: 20 });
  await migrate(handle);
  const db = handle.db;
  const now = new Date();
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Kolkata" }).format(now);
  await generate(db, today);
  const { admin, managers, reps } = await benchActors(db);
  const [{ v } = { v: 0 }] = await queryRows<{ v: number }>(db, sql`SELECT count(*)::int AS v FROM visits`);
  log(`${reps.length} reps, ${v} visits`);

  const page = (a: BenchActor) => teamNowData(db, a, now);
  const from90 = new Date(now.getTime() - 89 * 86_400_000).toISOString().slice(0, 10);
  const rows: [string, number[]][] = [
    ["Team now data (summary+feed+alerts), manager, 100 reps, today", await time(() => page(managers[0]!))],
    ["Team now data, admin, 1,000 reps, today", await time(() => page(admin))],
    ["team-summary, manager, 7 days", await time(() => getTeamSummary({ db, actor: managers[0]!, now }, { from: new Date(now.getTime() - 6 * 86_400_000).toISOString().slice(0, 10) }))],
    ["team-summary, admin, 1,000 reps, 90 days", await time(() => getTeamSummary({ db, actor: admin, now }, { from: from90 }))],
    ["personnel/{id}, 90 days", await time(() => getPersonnelSummary({ db, actor: managers[0]!, now }, reps[0]!.id, { from: from90 }))],
  ];
  const pages = await pageBench([["Team now page (GET /manager, npm start), manager, 100 reps", managers[0]!], ["Team now page, admin, 1,000 reps", admin]]);
  rows.push(...pages);
  const sse = await sseBench(handle, managers, reps);
  await handle.close();
  const cpus = os.cpus();
  console.log(`\nMachine: ${cpus.length} × ${cpus[0]?.model ?? "?"}, Node ${process.version}, shared with other workers; ${RUNS} runs each after a warm-up; PostgreSQL local.\n`);
  console.log("| measure | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|");
  for (const [name, xs] of rows) console.log(`| ${name} | ${pct(xs, 50).toFixed(1)} | ${pct(xs, 95).toFixed(1)} | ${Math.max(...xs).toFixed(1)} |`);
  console.log(`\nSSE: ${sse.streams} concurrent streams on one process; ${sse.deliveries} deliveries of ${sse.checkIns} check-ins: commit → received p50 ${sse.p50.toFixed(1)} ms, p99 ${sse.p99.toFixed(1)} ms; memory per stream ≈ ${sse.bytesPer.toFixed(0)} bytes (heap + external).`);
}

/**
 * The Team now page as a browser gets it: GET /manager with a session cookie (an encrypted JWT exactly as next-auth's
 * jwt callback writes it) against the production start (scripts/start.mjs) of this tree's build, on the bench database, jobs off (the alert
 * check would otherwise run on 1,000 reps every minute beside the measurement). Sequential requests; the body is read.
 */
async function pageBench(who: [string, BenchActor][]): Promise<[string, number[]][]> {
  let base = process.env.BENCH_PAGE_URL;
  let server: import("node:child_process").ChildProcess | null = null;
  if (!base) {
    if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
      log("no production build (.next/BUILD_ID): page render not measured — run `npm run build` first");
      return [];
    }
    base = `http://127.0.0.1:${PAGE_PORT}`;
    // The production start (`npm start`'s command without npm): its supervisor passes SIGTERM on to its server process.
    server = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs", "-p", String(PAGE_PORT)], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "production", DATABASE_URL: DB_URL, AUTH_SECRET: PAGE_SECRET, JOBS_ENABLED: "false", NEXT_TELEMETRY_DISABLED: "1", LOG_LEVEL: "warn" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    for (let i = 0; ; i++) {
      if (await fetch(`${base}/api/health`).then((r) => r.ok, () => false)) break;
      if (i > 300 || server.exitCode !== null) throw new Error(`npm start on port ${PAGE_PORT} did not come up`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const out: [string, number[]][] = [];
    for (const [name, a] of who) {
      const token = await encode({ token: { sub: String(a.id), role: a.role, signed_in_at: Date.now() }, secret: PAGE_SECRET });
      // Production cookies carry the __Secure- prefix (src/server/auth/session-cookie.ts).
      const cookie = `__Secure-next-auth.session-token=${token}`;
      const get = async () => {
        const res = await fetch(`${base}/manager`, { headers: { cookie }, redirect: "manual" });
        const html = await res.text();
        if (res.status !== 200 || !html.includes("Team now")) throw new Error(`GET /manager as ${a.email}: ${res.status}`);
      };
      out.push([name, await time(get)]);
    }
    return out;
  } finally {
    server?.kill("SIGTERM");
  }
}

type BenchActor = { id: number; role: "admin" | "manager" | "rep"; name: string; email: string; via: "session"; readOnly: boolean };

/** The generated organisation's people as actors: the admin, the 10 managers, the 1,000 reps. */
export async function benchActors(db: import("../src/server/db/client").Db) {
  const { queryRows } = await import("../src/server/db/client");
  const people = await queryRows<{ id: number; role: BenchActor["role"]; name: string; email: string }>(db, sql`SELECT id, role::text AS role, name, email FROM personnel WHERE email LIKE 'bench-%' ORDER BY id`);
  const actor = (p: (typeof people)[number]): BenchActor => ({ ...p, via: "session", readOnly: false });
  return { admin: actor(people.find((p) => p.role === "admin")!), managers: people.filter((p) => p.role === "manager").map(actor), reps: people.filter((p) => p.role === "rep").map(actor) };
}

/** What the Team now page reads (src/app/(app)/manager/page.tsx): the summary, then the feed and the alerts of the team. */
export async function teamNowData(db: import("../src/server/db/client").Db, a: BenchActor, now: Date) {
  const { getTeamSummary, teamReps } = await import("../src/server/dashboard/team-summary");
  const { recentActivity } = await import("../src/server/dashboard/activity.queries");
  const { openAlerts } = await import("../src/server/alerts/alerts.queries");
  const ctx = { db, actor: a, now };
  const s = await getTeamSummary(ctx, {});
  const team = teamReps(ctx, s.manager_id);
  await recentActivity(db, team);
  await openAlerts(db, team, now);
}

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
