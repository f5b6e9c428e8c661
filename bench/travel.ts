/**
 * Travel recompute cost (npx tsx --conditions=react-server bench/travel.ts): what every accepted ping batch pays,
 * since the day's km are recomputed from all its fixes (docs/decisions/0004, 0012). On the local PostgreSQL
 * (BENCH_TRAVEL_DATABASE_URL, default fieldbeat_bench_travel, created if missing): days of 1,200 and 2,400 fixes (a
 * 10-hour day at one fix per 30 s / 15 s: a walk with a coarse jump every 50th fix), each measured
 *  - `sessionTravel`: the shared filter on the rows read + the PostGIS sum of its counted legs (what runs now);
 *  - the jitter-only recursive CTE it replaced (0004), run as SQL here for a same-run comparison.
 * Prints p50 / p95 over BENCH_RUNS (20) runs. Not a test: no assertion on time.
 */
import os from "node:os";
import { sql } from "drizzle-orm";
import { ensureLocalDatabase } from "./lib";
import { sessionFixes } from "../src/server/tracking/session-fixes";

const DB_URL = process.env.BENCH_TRAVEL_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_travel";
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;


/** The 0004 walk (jitter only, no time-order/speed/spike rules), kept here only as the comparison. */
const oldWalk = (sessionId: number) => sql`
  WITH RECURSIVE pts AS (
    SELECT array_agg(ST_X(coords::geometry) ORDER BY captured_at, id) AS x, array_agg(ST_Y(coords::geometry) ORDER BY captured_at, id) AS y,
           array_agg(accuracy_m::float8 ORDER BY captured_at, id) AS a
    FROM location_pings WHERE ${sessionFixes(sessionId)} AND accuracy_m <= 100 AND coalesce(source, '') <> 'network'
  ),
  walk AS (
    SELECT 1 AS i, 1 AS k, 0::float8 AS m FROM pts WHERE coalesce(cardinality(pts.a), 0) > 0
    UNION ALL
    SELECT w.i + 1, CASE WHEN x.d >= x.lim THEN w.i + 1 ELSE w.k END, w.m + CASE WHEN x.d >= x.lim THEN x.d ELSE 0 END
    FROM walk w CROSS JOIN pts
    CROSS JOIN LATERAL (SELECT ST_Distance(ST_SetSRID(ST_MakePoint(pts.x[w.k], pts.y[w.k]), 4326)::geography,
                                           ST_SetSRID(ST_MakePoint(pts.x[w.i + 1], pts.y[w.i + 1]), 4326)::geography)::float8 AS d,
                               pts.a[w.k] + pts.a[w.i + 1] AS lim) x
    WHERE w.i < cardinality(pts.a)
  )
  SELECT m FROM walk ORDER BY i DESC LIMIT 1`;

async function main() {
  await ensureLocalDatabase(DB_URL);
  process.env.DATABASE_URL = DB_URL;
  const { openPostgres, migrate, queryRows } = await import("../src/server/db/client");
  const { sessionTravel } = await import("../src/server/tracking/compute-travel");
  const handle = await openPostgres({ url: DB_URL, max: 2 });
  await migrate(handle);
  const db = handle.db;
  const [rep] = await queryRows<{ id: number }>(db, sql`INSERT INTO personnel (name, email, role) VALUES ('Bench rep', ${`bench-travel-${Date.now()}@bench.test`}, 'rep') RETURNING id`);
  console.log(`bench:travel on ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}, ${RUNS} runs each`);
  console.log("| fixes | now: filter + PostGIS legs, p50 / p95 | 0004 CTE (jitter only), p50 / p95 | km now | km 0004 |\n|---|---|---|---|---|");
  for (const [n, day] of [[1200, "2020-01-06"], [2400, "2020-01-07"]] as const) {
    const [s] = await queryRows<{ id: number }>(db, sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status) VALUES (${rep!.id}, ${day}::date, ${`${day}T03:00:00Z`}::timestamptz, 'OPEN') RETURNING id`);
    // Pings are partitioned by UTC day (migration 0019): the bench day's partition first.
    await db.execute(sql`SELECT fieldbeat_ensure_ping_partitions(${day}::date, ${day}::date)`);
    const step = 36_000 / n; // seconds between fixes over 10 hours
    // A walk north-east at ~1.2 m/s with ±4 m noise; every 50th fix a 3 km network jump claiming 60 m.
    await db.execute(sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, captured_at)
      SELECT gen_random_uuid(), ${rep!.id}, ${s!.id},
             ST_SetSRID(ST_MakePoint(77.59 + i * ${step} * 0.0000078 + CASE WHEN i % 50 = 0 THEN 0.027 ELSE (random() - 0.5) * 0.00007 END,
                                     12.97 + i * ${step} * 0.0000078 + (random() - 0.5) * 0.00007), 4326)::geography,
             CASE WHEN i % 50 = 0 THEN 60 ELSE 8 END, ${`${day}T03:30:00Z`}::timestamptz + i * ${step} * interval '1 second'
      FROM generate_series(0, ${n - 1}) i`);
    const now: number[] = [];
    const old: number[] = [];
    let kmNow = 0;
    let kmOld = 0;
    for (let r = 0; r < RUNS; r++) {
      let t = performance.now();
      kmNow = (await sessionTravel(db, s!.id)).filtered_m / 1000;
      now.push(performance.now() - t);
      t = performance.now();
      kmOld = Number((await queryRows<{ m: number }>(db, oldWalk(s!.id)))[0]?.m ?? 0) / 1000;
      old.push(performance.now() - t);
    }
    console.log(`| ${n} | ${pct(now, 50).toFixed(1)} / ${pct(now, 95).toFixed(1)} ms | ${pct(old, 50).toFixed(1)} / ${pct(old, 95).toFixed(1)} ms | ${kmNow.toFixed(2)} | ${kmOld.toFixed(2)} |`);
  }
  await handle.close();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
