/**
 * Reports benchmarks (issue #20), use-case level on the local PostgreSQL:
 *   npx tsx --conditions=react-server bench/reports.ts
 * An organisation of BENCH_REPORT_REPS reps (default 1,000; 10 managers) × BENCH_REPORT_DAYS days (default 90) of
 * visits (5 planned stops a work day, ~92 % visited) is generated once in its own database, then:
 *  - summary JSON (admin, every rep, the whole range, group_by=rep): p50/p95 over BENCH_RUNS runs — target p95 ≤ 500 ms;
 *  - the visits CSV of the whole range (admin): first byte and rows/s — targets ≤ 1 s and ≥ 50,000 rows/s;
 *  - an XLSX of ≥ 100,000 rows: total time and resident-memory growth — targets ≤ 10 s and ≤ +150 MB;
 *  - a team's daily PDF (a manager, yesterday): time — target ≤ 2 s.
 */
import { sql } from "drizzle-orm";
import { ensureLocalDatabase } from "./lib";

const REPS = Number(process.env.BENCH_REPORT_REPS ?? 1000);
const DAYS = Number(process.env.BENCH_REPORT_DAYS ?? 90);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const DB_URL = process.env.BENCH_REPORT_DATABASE_URL ?? `postgres://postgres@127.0.0.1:5432/fieldbeat_bench_reports_${REPS}x${DAYS}`;
const log = (s: string) => console.log(`[bench:reports] ${s}`);
const pct = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN; };

async function main() {
  await ensureLocalDatabase(DB_URL);
  const { openPostgres, migrate, queryRows } = await import("../src/server/db/client");
  const { getSummaryReport, getVisitsReport } = await import("../src/server/reports/get-report");
  const { localDate, addDays } = await import("../src/lib/time");
  const handle = await openPostgres({ url: DB_URL, max: 10 });
  await migrate(handle);
  const db = handle.db;
  const now = new Date();
  const today = localDate(now, "Asia/Kolkata");
  const [{ n } = { n: 0 }] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM personnel WHERE role = 'rep'`);
  if (n < REPS) {
    const t0 = performance.now();
    await db.execute(sql`INSERT INTO personnel (name, email, role) VALUES ('Bench Admin', 'bench-admin@bench.test', 'admin')`);
    await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id, employee_id)
      SELECT 'Manager ' || m, 'bench-m' || m || '@bench.test', 'manager', (SELECT id FROM personnel WHERE email = 'bench-admin@bench.test'), 'M' || m FROM generate_series(1, 10) m`);
    await db.execute(sql`INSERT INTO personnel (name, email, role, manager_id, employee_id)
      SELECT 'Rep ' || r, 'bench-r' || r || '@bench.test', 'rep', (SELECT id FROM personnel WHERE email = 'bench-m' || (1 + (r - 1) * 10 / ${REPS}) || '@bench.test'), 'R' || r
      FROM generate_series(1, ${REPS}) r`);
    await db.execute(sql`INSERT INTO locations (name, external_ref, coordinates, geofence_radius, active)
      SELECT 'Shop ' || i, 'EXT' || i, ST_SetSRID(ST_MakePoint(77.45 + random() * 0.3, 12.85 + random() * 0.3), 4326)::geography, 50, true FROM generate_series(1, 5000) i`);
    await db.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
      SELECT p.id, (SELECT min(id) FROM locations) + ((p.id * 7919 + s * 104729 + d::date - '2000-01-01'::date) % 5000), d::date, s, time '09:30' + (s - 1) * interval '75 minutes'
      FROM personnel p, generate_series(${addDays(today, -DAYS)}::date, ${addDays(today, -1)}::date, interval '1 day') d, generate_series(1, 5) s
      WHERE p.role = 'rep' AND extract(isodow FROM d) < 7`);
    await db.execute(sql`WITH v AS (
        INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, duration_minutes, validation_status, validated, check_in_coords, client_id)
        SELECT pv.personnel_id, pv.location_id, pv.planned_date, t, t + interval '25 minutes', 25, (ARRAY['VALID','VALID','VALID','WARNING','INVALID'])[1 + pv.id % 5], true, l.coordinates, gen_random_uuid()
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id,
             LATERAL (SELECT ((pv.planned_date + pv.planned_time) AT TIME ZONE 'Asia/Kolkata') + make_interval(mins => (pv.id % 40) - 10) AS t) x
        WHERE pv.id % 13 <> 0 RETURNING id, personnel_id, planned_date, location_id)
      UPDATE planned_visits p SET visit_id = v.id FROM v WHERE p.personnel_id = v.personnel_id AND p.planned_date = v.planned_date AND p.location_id = v.location_id AND p.visit_id IS NULL`);
    await db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, status, total_travel_km)
      SELECT DISTINCT personnel_id, planned_date, 'CLOSED', 20 + (personnel_id % 30) FROM planned_visits ON CONFLICT DO NOTHING`);
    await db.execute(sql`ANALYZE`);
    log(`generated ${REPS} reps × ${DAYS} days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const actor = async (email: string) => {
    const [p] = await queryRows<{ id: number; name: string; email: string; role: "admin" | "manager" }>(db, sql`SELECT id, name, email, role FROM personnel WHERE email = ${email}`);
    return { ...p!, via: "session" as const, readOnly: false };
  };
  const admin = await actor("bench-admin@bench.test");
  const manager = await actor("bench-m1@bench.test");
  const range = { from: addDays(today, -DAYS), to: addDays(today, -1) };
  const ctx = (a: typeof admin) => ({ db, actor: a, now });

  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await getSummaryReport(ctx(admin), { ...range, group_by: "rep", format: "json" });
    times.push(performance.now() - t);
  }
  log(`summary JSON (admin, ${REPS} reps × ${DAYS} days, group_by=rep): p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms (target p95 ≤ 500 ms)`);
  // The same summary computed straight from the stops and visits (what the rollup replaces), and whether they agree.
  {
    const { summaryRowsFromRollup, summaryRowsLive } = await import("../src/server/reports/summary.queries");
    const { reportRange, reportScope } = await import("../src/server/reports/report-range");
    const c = ctx(admin);
    const [r, scope] = [await reportRange(c, range), await reportScope(c, undefined)];
    const live: number[] = [];
    for (let i = 0; i < Math.min(RUNS, 5); i++) {
      const t = performance.now();
      await summaryRowsLive(db, scope, r, "rep", now);
      live.push(performance.now() - t);
    }
    const same = (["rep", "day", "week"] as const).map(async (g) => JSON.stringify(await summaryRowsFromRollup(db, scope, r, g, now)) === JSON.stringify(await summaryRowsLive(db, scope, r, g, now)));
    log(`summary rows straight from visits (no rollup): median ${pct(live, 50).toFixed(0)} ms; rollup = live for rep, day, week: ${(await Promise.all(same)).join(", ")}`);
  }

  const drain = async (stream: ReadableStream<Uint8Array>, t0: number) => {
    let first = NaN, bytes = 0, lines = 0;
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) {
      if (Number.isNaN(first)) first = performance.now() - t0;
      bytes += chunk.byteLength;
      for (const b of chunk) if (b === 10) lines++;
    }
    return { first, bytes, lines, total: performance.now() - t0 };
  };
  let t0 = performance.now();
  const csv = (await getVisitsReport(ctx(admin), { ...range, format: "csv" })) as { stream: ReadableStream<Uint8Array> };
  const c = await drain(csv.stream, t0);
  log(`visits CSV (${DAYS} days, admin): first byte ${c.first.toFixed(0)} ms, ${c.lines - 1} rows in ${(c.total / 1000).toFixed(2)} s = ${Math.round((c.lines - 1) / (c.total / 1000))} rows/s, ${(c.bytes / 1e6).toFixed(1)} MB (targets ≤ 1 s, ≥ 50,000 rows/s)`);

  global.gc?.();
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  t0 = performance.now();
  const xlsx = (await getVisitsReport(ctx(admin), { ...range, format: "xlsx" })) as { stream: ReadableStream<Uint8Array> };
  const x = await drain(xlsx.stream, t0);
  clearInterval(timer);
  log(`visits XLSX (${c.lines - 1} rows): ${(x.total / 1000).toFixed(2)} s, ${(x.bytes / 1e6).toFixed(1)} MB, resident +${((peak - rss0) / 1e6).toFixed(0)} MB (targets for 100,000 rows: ≤ 10 s, ≤ +150 MB)`);

  const pdfTimes: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    t0 = performance.now();
    const pdf = (await getVisitsReport(ctx(manager), { from: range.to, to: range.to, format: "pdf" })) as { stream: ReadableStream<Uint8Array> };
    await drain(pdf.stream, t0);
    pdfTimes.push(performance.now() - t0);
  }
  log(`team daily PDF (manager, ${range.to}): median ${pct(pdfTimes, 50).toFixed(0)} ms (target ≤ 2 s)`);
  await handle.close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
