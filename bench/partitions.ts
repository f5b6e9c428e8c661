/**
 * Pings partitioned by day (issue #22 item 5): ingest through the pings use-case, and dropping a whole day.
 *
 *   npm run bench:partitions        (BENCH_PG_URL or TEST_DATABASE_URL: a PostgreSQL server with PostGIS; a scratch
 *                                    database is created on it and dropped at the end)
 *
 *   PART_REPS [40]          reps sending at once, each into its own open day (no lock shared between them)
 *   PART_BATCHES [50]       500-fix batches per rep (ingest: PART_REPS × PART_BATCHES × 500 fixes)
 *   PART_DAY_FIXES [6e6]    fixes written in one statement into the day then dropped (6M = 10,000 reps × 1/min × 10 h,
 *                           in that shape: each rep's fixes a minute apart with their session, speed, heading, source)
 *   PART_DROP_REPS [8]      reps (of PART_REPS) that keep sending batches while the day is dropped: the drop must not
 *                           hold them up (their batch times before and during the drop are printed) nor lose a fix
 *   PART_CHECKPOINT [1]     CHECKPOINT after writing the day, before the drop (0: drop it right after writing it)
 *   PART_EVICT [0]          1: after the CHECKPOINT, evict the day's files from the OS page cache (`dd iflag=nocache
 *                           count=0` on each file; the bench must run on the database's host as a user who can read
 *                           its data directory), as a day past retention usually is: 8 to 90 days after it was
 *                           written, on a server whose newer days and reports need the memory
 *
 * The drop is the retention job itself (maintainPingPartitions), timed whole (`job_ms`: what an operator waits for),
 * and per statement from its "pings: day dropped" log line (`detach_ms`: DETACH … CONCURRENTLY, which waits for the
 * transactions already using location_pings — here the batches in flight; `drop_ms`: DROP TABLE, the day's files).
 * Why the CHECKPOINT: a day is dropped ≥ 8 days (default 90) after it was written, long checkpointed; a day written
 * in the seconds before has its pages still being written back, and removing its files then waits for that
 * writeback (measured: 1M fixes, 250 MB, DROP 1,018 ms unflushed vs 522 ms after a CHECKPOINT, loaded machine).
 *
 * Goals (the issue): ingest ≥ 20,000 fixes/s; dropping a day ≤ 1 s. Prints one JSON line. Smoke run:
 * PART_REPS=2 PART_BATCHES=2 PART_DAY_FIXES=1000. The HTTP ingest (lean door, wrk) is `npm run bench` (pings part).
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import postgres from "postgres";
import { sql } from "drizzle-orm";

const base = process.env.BENCH_PG_URL ?? process.env.TEST_DATABASE_URL ?? "";
if (!base) throw new Error("bench/partitions: set BENCH_PG_URL (or TEST_DATABASE_URL) to a PostgreSQL server with PostGIS");
const REPS = Number(process.env.PART_REPS ?? 40);
const BATCHES = Number(process.env.PART_BATCHES ?? 50);
const DAY_FIXES = Number(process.env.PART_DAY_FIXES ?? 6_000_000);
const DROP_REPS = Math.min(Number(process.env.PART_DROP_REPS ?? 8), REPS);
const CHECKPOINT = process.env.PART_CHECKPOINT !== "0";
const EVICT = process.env.PART_EVICT === "1";
const BATCH = 500;
// A fixed Wednesday, UTC work hours all day. Each rep's batch b holds the fixes taken 06:00 + b × 500 s + i s, and the
// use-case is called with the clock a phone posting it right away would have: its last fix + 1 s. (A clock fixed at
// noon refused every fix after 12:02 as future_timestamp: 131,160 of the default run's 1,000,000.)
const DAY = "2026-01-14";
const DROP_DAY = "2026-01-12";
const FIRST_MS = Date.parse(`${DAY}T06:00:00Z`);
const MAX_BATCHES = Math.floor((Date.parse(`${DAY}T23:59:00Z`) - FIRST_MS) / (BATCH * 1000));
if (BATCHES > MAX_BATCHES) throw new Error(`bench/partitions: PART_BATCHES=${BATCHES} runs past ${DAY}'s work hours (at most ${MAX_BATCHES})`);
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round(s[Math.min(s.length - 1, Math.floor(p * s.length))]!) : null;
};

async function main() {
  const dbName = `fieldbeat_bench_partitions_${process.pid}`;
  const url = new URL(base);
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE "${dbName}"`);
  url.pathname = `/${dbName}`;
  process.env.DATABASE_URL = url.toString();

  const { openPostgres, migrate, queryRows } = await import("../src/server/db/client");
  const { recordPings } = await import("../src/server/tracking/record-pings");
  const { ensurePingPartitions, maintainPingPartitions } = await import("../src/server/tracking/ping-partitions");
  const { setLogSinkForTests } = await import("../src/server/log");
  const handle = await openPostgres({ url: url.toString(), max: Math.min(REPS, 20) + 2 });
  try {
    await migrate(handle);
    const db = handle.db;
    await db.execute(sql`UPDATE org_settings SET time_zone = 'UTC', work_day_start = '00:00', work_day_end = '23:59', work_days = '{1,2,3,4,5,6,7}', ping_retention_days = 8 WHERE id = 1`);
    const reps = await queryRows<{ id: number }>(
      db,
      sql`INSERT INTO personnel (name, email, role) SELECT 'Rep ' || g, 'rep' || g || '@bench.test', 'rep' FROM generate_series(1, ${REPS}) g RETURNING id`,
    );
    await db.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status)
      SELECT id, ${DAY}::date, ${`${DAY}T00:00:00Z`}::timestamptz, 'OPEN' FROM unnest(${`{${reps.map((r) => r.id).join(",")}}`}::int[]) id`);

    // Ingest: every rep posts its batches one after another, all reps at once (as phones do).
    let sent = 0;
    let accepted = 0;
    let duplicates = 0;
    const rejectedBy: Record<string, number> = {};
    const actors = reps.map((rep, k) => ({ id: rep.id, role: "rep" as const, name: `Rep ${k}`, email: `rep${k}@bench.test`, via: "access_token" as const, readOnly: false }));
    const nextBatch = reps.map(() => 0);
    /** Rep k's next batch (fixes 06:00 + b × 500 s + i s), sent with a phone's clock; returns how long it took. */
    const sendBatch = async (k: number) => {
      const b = nextBatch[k]!++;
      const startMs = FIRST_MS + b * BATCH * 1000;
      const pings = Array.from({ length: BATCH }, (_, i) => ({
        client_id: randomUUID(),
        lat: 12.97 + Math.random() / 100,
        lon: 77.59 + Math.random() / 100,
        accuracy_m: 10,
        captured_at: new Date(startMs + i * 1000).toISOString(),
      }));
      const s0 = performance.now();
      sent += BATCH;
      const r = await recordPings({ db, actor: actors[k]!, now: new Date(startMs + BATCH * 1000) }, { pings });
      // Read the result first, then add: `accepted += (await …).accepted` reads `accepted` before the await, so
      // concurrent reps overwrote each other's sums (the default run reported 21,721 of the 868,840 it stored).
      accepted += r.accepted;
      duplicates += r.duplicates;
      for (const x of r.rejected) rejectedBy[x.reason] = (rejectedBy[x.reason] ?? 0) + 1;
      return { start: s0, end: performance.now() };
    };
    /** Every fix sent is accounted for (accepted, a duplicate or rejected), and the accepted ones are the rows stored. */
    const checkStored = async () => {
      const rejected = Object.values(rejectedBy).reduce((a, n) => a + n, 0);
      const [stored] = await queryRows<{ n: string }>(db, sql`SELECT count(*) AS n FROM location_pings WHERE captured_at >= ${`${DAY}T00:00:00Z`}::timestamptz`);
      if (accepted + duplicates + rejected !== sent || Number(stored!.n) !== accepted) {
        throw new Error(`bench/partitions: ${sent} fixes sent, ${accepted} accepted + ${duplicates} duplicates + ${rejected} rejected, ${stored!.n} stored`);
      }
      return Number(stored!.n);
    };
    const t0 = performance.now();
    await Promise.all(reps.map(async (_, k) => { for (let b = 0; b < BATCHES; b++) await sendBatch(k); }));
    const ingestS = (performance.now() - t0) / 1000;
    const stored = await checkStored();
    const ingested = { accepted, duplicates, rejected: { ...rejectedBy } };

    // Drop a day: DAY_FIXES written into DROP_DAY in one statement, then the retention job drops it (and only it).
    await ensurePingPartitions(db, DROP_DAY, DROP_DAY);
    const f0 = performance.now();
    // A field day's shape: reps at one fix a minute over 10 hours, each fix with its rep, session, speed, heading
    // and source, the reps' fixes interleaved in time as they arrive (223 bytes a fix on disk with the two indexes of
    // 0026, 298 with the four before; 263 for one rep's bare fixes, which this bench wrote before 2026-12-06 22:50).
    // No foreign keys (0023): the ids need no rows.
    const FIXES_A_REP = 600; // one a minute over 10 hours
    const dayReps = Math.ceil(DAY_FIXES / FIXES_A_REP);
    await db.execute(sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, speed, heading, source, captured_at)
      SELECT gen_random_uuid(), 1000000 + r, 1000000 + r, ST_SetSRID(ST_MakePoint(77.59 + random() / 100, 12.97 + random() / 100), 4326)::geography,
             5 + random() * 20, random() * 15, random() * 360, 'gps',
             ${`${DROP_DAY}T03:30:00Z`}::timestamptz + m * interval '1 minute' + r * interval '1 millisecond'
      FROM generate_series(0, ${FIXES_A_REP - 1}) m CROSS JOIN generate_series(1, ${dayReps}) r
      ORDER BY m, r
      LIMIT ${DAY_FIXES}`);
    const fillS = (performance.now() - f0) / 1000;
    const [size] = await queryRows<{ mb: string }>(db, sql`SELECT pg_total_relation_size('location_pings_p20260112') / 1048576 AS mb`);
    const c0 = performance.now();
    if (CHECKPOINT) await db.execute(sql`CHECKPOINT`);
    const checkpointS = (performance.now() - c0) / 1000;
    let evicted: number | "no" = "no";
    if (EVICT) {
      // The day's files: the table, its indexes and TOAST, each in 1 GB segments (path, path.1, …).
      const files = await queryRows<{ path: string }>(
        db,
        sql`SELECT current_setting('data_directory') || '/' || pg_relation_filepath(c.oid) AS path FROM pg_class c
            WHERE c.oid = 'location_pings_p20260112'::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'location_pings_p20260112'::regclass)
               OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'location_pings_p20260112'::regclass)`,
      );
      evicted = 0;
      for (const { path } of files) {
        for (let seg = 0; existsSync(seg ? `${path}.${seg}` : path); seg++) {
          execFileSync("dd", [`if=${seg ? `${path}.${seg}` : path}`, "iflag=nocache", "count=0", "status=none"]);
          evicted++;
        }
      }
    }
    await ensurePingPartitions(db, "2026-01-20", "2026-01-28"); // the days ahead already exist, as the hourly job keeps them

    // The drop, while DROP_REPS reps keep sending (each batch into DAY, as before): first a second of batches alone.
    const timings: { start: number; end: number }[] = [];
    let dropping = true;
    let warm = 0;
    const w0 = performance.now();
    const background = Promise.all(
      reps.slice(0, DROP_REPS).map(async (_, k) => {
        while (dropping && nextBatch[k]! < MAX_BATCHES) {
          timings.push(await sendBatch(k));
          warm = performance.now() - w0;
        }
      }),
    );
    while (DROP_REPS > 0 && warm < 1000) await new Promise((r) => setTimeout(r, 20));
    const lines: Record<string, unknown>[] = [];
    setLogSinkForTests({ write: (line: string) => (lines.push(JSON.parse(line) as Record<string, unknown>), process.stdout.write(line)) });
    const d0 = performance.now();
    // 2026-01-21 − 8 days = 2026-01-13: DROP_DAY (01-12) goes; DAY (01-14) stays.
    const dropped = await maintainPingPartitions(db, new Date("2026-01-21T00:30:00Z"));
    const d1 = performance.now();
    setLogSinkForTests(null);
    await new Promise((r) => setTimeout(r, DROP_REPS > 0 ? 1000 : 0));
    dropping = false;
    await background;
    const storedAfter = await checkStored();
    const took = lines.find((l) => l.msg === "pings: day dropped") ?? {};
    const before = timings.filter((t) => t.end < d0).map((t) => t.end - t.start);
    const during = timings.filter((t) => t.end >= d0 && t.start <= d1).map((t) => t.end - t.start);
    const left = await queryRows<{ n: string }>(db, sql`SELECT count(*) AS n FROM location_pings`);

    console.log(
      JSON.stringify({
        ingest: { reps: REPS, batches: REPS * BATCHES, fixes: ingested.accepted, stored, seconds: +ingestS.toFixed(2), fixes_per_s: Math.round(ingested.accepted / ingestS), duplicates: ingested.duplicates, rejected: ingested.rejected, goal: ">= 20000" },
        drop_day: {
          fixes: DAY_FIXES,
          mb: Number(size!.mb),
          fill_s: +fillS.toFixed(2),
          checkpoint_s: CHECKPOINT ? +checkpointS.toFixed(2) : "skipped",
          evicted_files: evicted,
          job_ms: Math.round(d1 - d0),
          detach_ms: took.detach_ms,
          drop_ms: took.drop_ms,
          detach: took.detach,
          dropped: dropped.dropped,
          created: dropped.created,
          goal_ms: "<= 1000",
        },
        ingest_meanwhile: {
          reps: DROP_REPS,
          batch_ms_before: { n: before.length, p50: pct(before, 0.5), max: pct(before, 1) },
          batch_ms_during_drop: { n: during.length, p50: pct(during, 0.5), max: pct(during, 1) },
          fixes_sent: sent,
          stored: storedAfter,
        },
        rows_left: Number(left[0]!.n),
      }),
    );
  } finally {
    await handle.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
