/**
 * location_pings partitioned by day (issue #22 item 5), on both drivers: the table's shape after the migration, the
 * `pings-partitions` job (days ahead created, days past ping_retention_days dropped one statement each, idempotent),
 * the pings use-case creating a missing day on demand and refusing (without creating anything) a ping older or later
 * than the accepted window, and the idempotency key holding captured_at; dropping a day recovers from a run that stopped
 * half-way (detached, or detach pending) and, on PostgreSQL, waits for no lock on personnel or daily_sessions while a
 * ping batch holds them.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/server/db/client";
import { JOBS } from "../../src/server/jobs/registry";
import { storeSessionTravel } from "../../src/server/tracking/compute-travel";
import { ensurePingPartitions, listPingPartitions, maintainPingPartitions } from "../../src/server/tracking/ping-partitions";
import type { Sql } from "postgres";
import { recordPings } from "../../src/server/tracking/record-pings";
import { sessionFixes } from "../../src/server/tracking/session-fixes";
import { describeEachDriver } from "../support/db";
import { count, makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

// UTC work hours, every day: a day's partition is its UTC date. 2026-04-07 is a Tuesday.
const DAY = "2026-04-07";
const NOW = new Date(`${DAY}T15:00:00Z`);
const addDaysUtc = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
const at = (hhmm: string, date = DAY) => new Date(`${date}T${hhmm}:00Z`);
const exists = async (db: Db, day: string) =>
  (await queryRows<{ r: string | null }>(db, sql`SELECT to_regclass(${`location_pings_p${day.replaceAll("-", "")}`})::text AS r`))[0]!.r !== null;

describeEachDriver("pings partitioned by day", (ctx) => {
  let people: People;
  const db = () => ctx.handle.db;
  const setRetention = async (days: number) => {
    await db().execute(sql`UPDATE org_settings SET ping_retention_days = ${days} WHERE id = 1`);
  };
  const pg = (): Sql => {
    const c = ctx.handle.client;
    if (c.kind !== "postgres") throw new Error("PostgreSQL only");
    return c.sql;
  };
  /** One fix on `day` (its partition created first), on the rep's day row `sessionId`. */
  const fixOn = async (day: string, personnelId: number, sessionId: number | null) => {
    await ensurePingPartitions(db(), day, day);
    await db().execute(sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, captured_at)
      VALUES (gen_random_uuid(), ${personnelId}, ${sessionId}, ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, 5, ${`${day}T09:00:00Z`}::timestamptz)`);
  };
  /** The days the job will drop at `now` with retention 8: every partition before now − 8 days. */
  const expiredAt = async (now: string) => (await listPingPartitions(db())).filter((p) => p.day < addDaysUtc(now.slice(0, 10), -8)).map((p) => p.day);

  beforeAll(async () => {
    people = await makePeople(db());
    await setOrgHours(db(), { timeZone: "UTC", start: "00:00", end: "23:59", days: [1, 2, 3, 4, 5, 6, 7] });
  });

  it("is a range-partitioned table with no default partition, keyed on (client_id, captured_at), with one more index: the rep's", async () => {
    const [p] = await queryRows<{ strategy: string; default_part: string | null }>(
      db(),
      sql`SELECT partstrat AS strategy, nullif(partdefid, 0)::regclass::text AS default_part FROM pg_partitioned_table WHERE partrelid = 'location_pings'::regclass`,
    );
    expect(p).toEqual({ strategy: "r", default_part: null });
    const keys = await queryRows<{ name: string; def: string }>(
      db(),
      sql`SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = 'location_pings'::regclass AND contype IN ('p', 'u') ORDER BY conname`,
    );
    expect(keys).toEqual([{ name: "location_pings_client_id_captured_at_unique", def: "UNIQUE (client_id, captured_at)" }]);
    // A day's bytes are what dropping it costs (migration 0026): the key and the rep's index, nothing else.
    const indexes = await queryRows<{ name: string; def: string }>(
      db(),
      sql`SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
          WHERE i.indrelid = 'location_pings'::regclass ORDER BY c.relname`,
    );
    expect(indexes.map((i) => [i.name, i.def.replace(/^.* USING /, "")])).toEqual([
      ["idx_location_pings_personnel_time", "btree (personnel_id, captured_at)"],
      ["location_pings_client_id_captured_at_unique", "btree (client_id, captured_at)"],
    ]);
    expect(JOBS.find((j) => j.name === "pings-partitions")).toMatchObject({ cron: "23 * * * *" });
  });

  it("a day's fixes, read through the rep's index within the day's bounds, are exactly its own in zones +14 h and −12 h", { timeout: 120_000 }, async () => {
    type PlanNode = { "Node Type": string; "Relation Name"?: string; "Index Name"?: string; "Actual Loops"?: number; Plans?: PlanNode[] };
    const walk = (n: PlanNode, out: PlanNode[] = []): PlanNode[] => {
      out.push(n);
      for (const c of n.Plans ?? []) walk(c, out);
      return out;
    };
    const cases = [
      { timeZone: "Pacific/Kiritimati", offsetH: 14, dates: ["2026-04-01", "2026-04-02", "2026-04-03"], rep: people.rep },
      { timeZone: "Etc/GMT+12", offsetH: -12, dates: ["2026-04-11", "2026-04-12", "2026-04-13"], rep: people.otherRep },
    ];
    try {
      for (const c of cases) {
        await setOrgHours(db(), { timeZone: c.timeZone, start: "00:00", end: "23:59", days: [1, 2, 3, 4, 5, 6, 7] });
        // The instant of a local wall-clock time on a local date in this fixed-offset zone.
        const local = (date: string, hhmm: string) => new Date(Date.parse(`${date}T${hhmm}:00Z`) - c.offsetH * 3_600_000);
        const sent = new Map<number, string[]>();
        // Consecutive days of one rep, each with fixes from just after its local midnight to just before the next:
        // the days' fixes interleave in the rep's index, and each day spans two UTC days (two partitions).
        for (const date of c.dates) {
          const sessionId = await openDay(db(), c.rep.id, date, local(date, "00:05"));
          const batch = ["00:10", "03:00", "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "23:50"].map((t, i) => ping(local(date, t), 12.97 + i * 0.001, 77.59));
          const res = await recordPings({ db: db(), actor: c.rep, now: new Date(local(date, "23:50").getTime() + 60_000) }, { pings: batch });
          expect(res, `${c.timeZone} ${date}`).toMatchObject({ accepted: batch.length, rejected: [] });
          await db().execute(sql`UPDATE daily_sessions SET status = 'CLOSED', logout_time = ${local(date, "23:55").toISOString()}::timestamptz WHERE id = ${sessionId}`);
          sent.set(sessionId, batch.map((p) => p.client_id).sort());
        }
        for (const [sessionId, ids] of sent) {
          const ids1 = await queryRows<{ id: string }>(db(), sql`SELECT client_id::text AS id FROM location_pings WHERE ${sessionFixes(sessionId)} ORDER BY 1`);
          expect(ids1.map((r) => r.id), `${c.timeZone} day ${sessionId}`).toEqual(ids);
          // Read as the trail and the day's km read it: only the partitions within the day's bounds, through the rep's index.
          const [plan] = await queryRows<{ "QUERY PLAN": unknown }>(
            db(),
            sql`EXPLAIN (ANALYZE, FORMAT JSON) SELECT client_id FROM location_pings WHERE ${sessionFixes(sessionId)} ORDER BY captured_at, id`,
          );
          const raw = plan!["QUERY PLAN"];
          const root = (typeof raw === "string" ? JSON.parse(raw) : raw) as { Plan: PlanNode }[];
          const scans = walk(root[0]!.Plan).filter((n) => n["Relation Name"]?.startsWith("location_pings_p") && (n["Actual Loops"] ?? 0) > 0);
          expect(scans.length, JSON.stringify(scans)).toBeGreaterThan(0);
          expect(scans.length).toBeLessThanOrEqual(3);
          for (const n of scans) expect(n["Index Name"] ?? n["Node Type"], JSON.stringify(n)).toMatch(/personnel_id_captured_at/);
        }
        expect((await listPingPartitions(db())).length).toBeGreaterThan(3);
      }
    } finally {
      await setOrgHours(db(), { timeZone: "UTC", start: "00:00", end: "23:59", days: [1, 2, 3, 4, 5, 6, 7] });
    }
  });

  it("the job creates yesterday … today + 7, then nothing more; each partition holds exactly its UTC day", { timeout: 180_000 }, async () => {
    const now = new Date("2026-05-20T10:00:00Z");
    const first = await maintainPingPartitions(db(), now);
    expect(first.created).toBe(9);
    for (const d of ["2026-05-19", "2026-05-20", "2026-05-27"]) expect(await exists(db(), d), d).toBe(true);
    expect(await exists(db(), "2026-05-28")).toBe(false);
    expect(await maintainPingPartitions(db(), now)).toEqual({ created: 0, dropped: [] });
    const [bound] = await queryRows<{ b: string }>(
      db(),
      sql`SELECT pg_get_expr(c.relpartbound, c.oid) AS b FROM pg_class c WHERE c.relname = 'location_pings_p20260520'`,
    );
    expect(bound!.b).toMatch(/FROM \('2026-05-20 0\d:\d\d:00[+-]\d\d(:\d\d)?'\) TO \('2026-05-21 0\d:\d\d:00[+-]\d\d(:\d\d)?'\)/);
  });

  it("a batch for a day without a partition creates it on demand, stores, and a replay is a duplicate", { timeout: 120_000 }, async () => {
    expect(await exists(db(), DAY)).toBe(false);
    const sessionId = await openDay(db(), people.rep.id, DAY, at("08:00"));
    const batch = [ping(at("09:00"), 12.97, 77.59), ping(at("09:01"), 12.971, 77.591)];
    const first = await recordPings({ db: db(), actor: people.rep, now: NOW }, { pings: batch });
    expect(first).toMatchObject({ accepted: 2, duplicates: 0, rejected: [] });
    expect(await exists(db(), DAY)).toBe(true);
    expect(await count(db(), "location_pings", sql`session_id = ${sessionId}`)).toBe(2);
    expect(await recordPings({ db: db(), actor: people.rep, now: NOW }, { pings: batch })).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
    // The same id for another instant is a reused id, not a second fix (the key holds captured_at; the use-case checks).
    const reused = { ...batch[0]!, captured_at: at("09:02").toISOString() };
    expect(await recordPings({ db: db(), actor: people.rep, now: NOW }, { pings: [reused] })).toMatchObject({
      accepted: 0,
      rejected: [{ client_id: reused.client_id, reason: "client_id_reused" }],
    });
    // Direct writes: the database refuses the same (client_id, captured_at) twice.
    await expect(
      db().execute(sql`INSERT INTO location_pings (client_id, personnel_id, coords, accuracy_m, captured_at)
        VALUES (${batch[0]!.client_id}, ${people.rep.id}, ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, 5, ${batch[0]!.captured_at}::timestamptz)`),
    ).rejects.toThrow();
  });

  it.skipIf(ctx.driver === "pglite")("batches of many reps creating the same missing day at once: one creates it, none fails", async () => {
    // Each call is what a ping batch does before its transaction for a day without a partition.
    for (const day of ["2026-09-01", "2026-09-02", "2026-09-03"]) {
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => ensurePingPartitions(db(), day, day)));
      expect(results.map((r) => (r.status === "fulfilled" ? "ok" : String(r.reason)))).toEqual(Array(8).fill("ok"));
      expect(results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value : 0), 0)).toBe(1);
      expect(await exists(db(), day)).toBe(true);
    }
  });

  it("a ping older than the accepted window or far ahead is refused per ping and creates no partition", async () => {
    const old = ping(at("10:00", "2026-03-20"));
    const ahead = ping(at("10:00", "2026-04-20"));
    const res = await recordPings({ db: db(), actor: people.rep, now: NOW }, { pings: [old, ahead] });
    expect(res).toMatchObject({
      accepted: 0,
      rejected: [
        { client_id: old.client_id, reason: "too_old" },
        { client_id: ahead.client_id, reason: "future_timestamp" },
      ],
    });
    expect(await exists(db(), "2026-03-20")).toBe(false);
    expect(await exists(db(), "2026-04-20")).toBe(false);
    // Without a partition the table itself refuses a row (no default partition), with PostgreSQL's own reason.
    const refused = await db()
      .execute(sql`INSERT INTO location_pings (client_id, personnel_id, coords, accuracy_m, captured_at)
        VALUES (gen_random_uuid(), ${people.rep.id}, ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, 5, '2026-03-20T10:00:00Z')`)
      .then(() => null, (err: { cause?: unknown }) => String(err.cause ?? err));
    expect(refused).toMatch(/no partition of relation "location_pings" found for row/);
  });

  it("drops each day past ping_retention_days with one statement, keeps the rest and each day's kilometres", async () => {
    const rep = people.otherRep;
    const days = ["2026-06-01", "2026-06-02", "2026-06-03"];
    await ensurePingPartitions(db(), days[0]!, days[2]!);
    const sessions: number[] = [];
    for (const d of days) {
      const s = await openDay(db(), rep.id, d, at("08:00", d), "CLOSED");
      sessions.push(s);
      await db().execute(sql`INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, source, captured_at)
        VALUES (gen_random_uuid(), ${rep.id}, ${s}, ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, 5, 'gps', ${at("09:00", d).toISOString()}::timestamptz),
               (gen_random_uuid(), ${rep.id}, ${s}, ST_Project(ST_SetSRID(ST_MakePoint(77.59, 12.97), 4326)::geography, 1000, radians(90)), 5, 'gps', ${at("09:10", d).toISOString()}::timestamptz)`);
      await storeSessionTravel(db(), s);
    }
    const km = async (s: number) => Number((await queryRows<{ km: number }>(db(), sql`SELECT total_travel_km AS km FROM daily_sessions WHERE id = ${s}`))[0]!.km);
    expect(await km(sessions[0]!)).toBe(1);

    await setRetention(8);
    // 2026-06-11 − 8 days = 2026-06-03: the days before it go (and any older day this database holds), 06-03 stays.
    const before = (await listPingPartitions(db())).filter((p) => p.day < "2026-06-03").map((p) => p.day);
    expect(before).toEqual(expect.arrayContaining(["2026-06-01", "2026-06-02"]));
    const res = await maintainPingPartitions(db(), new Date("2026-06-11T01:00:00Z"));
    expect(res.dropped).toEqual(before);
    for (const d of ["2026-06-01", "2026-06-02"]) expect(await exists(db(), d), d).toBe(false);
    expect(await exists(db(), "2026-06-03")).toBe(true);
    expect(await count(db(), "location_pings", sql`session_id = ANY(${`{${sessions.join(",")}}`}::int[])`)).toBe(2);
    // The dropped days' kilometres stay on their sessions.
    expect(await km(sessions[0]!)).toBe(1);
    // Again: nothing left to drop.
    expect((await maintainPingPartitions(db(), new Date("2026-06-11T02:00:00Z"))).dropped).toEqual([]);
    await setRetention(90);
  });

  it("a day left detached by a run that stopped before its DROP is dropped by the next run", async () => {
    await fixOn("2026-07-01", people.otherRep.id, null);
    // What a job killed between its two statements leaves: a table of the day that is no longer a partition.
    await db().execute(sql`ALTER TABLE location_pings DETACH PARTITION location_pings_p20260701`);
    expect((await listPingPartitions(db())).map((p) => p.day)).not.toContain("2026-07-01");
    expect(await exists(db(), "2026-07-01")).toBe(true);
    await setRetention(8);
    const expired = await expiredAt("2026-07-11");
    const res = await maintainPingPartitions(db(), new Date("2026-07-11T01:00:00Z"));
    expect(res.dropped).toEqual([...expired, "2026-07-01"].sort());
    expect(await exists(db(), "2026-07-01")).toBe(false);
    await setRetention(90);
  });

  it.skipIf(ctx.driver === "pglite")("a detach left pending (the job stopped while it waited) is finalized and dropped by the next run", async () => {
    await fixOn("2026-07-15", people.otherRep.id, null);
    // A transaction using location_pings keeps the detach waiting; cancelled there, the day stays "detach pending".
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let reading!: () => void;
    const isReading = new Promise<void>((r) => (reading = r));
    const reader = pg().begin(async (tx) => {
      await tx`SELECT count(*) FROM location_pings WHERE captured_at >= '2026-07-15' AND captured_at < '2026-07-16'`;
      reading();
      await released;
    });
    try {
      await isReading;
      const detacher = await pg().reserve();
      try {
        const detach = detacher.unsafe(`ALTER TABLE location_pings DETACH PARTITION location_pings_p20260715 CONCURRENTLY`).then(
          () => "done",
          (err: unknown) => String((err as Error).message),
        );
        for (;;) {
          const [w] = await pg()`SELECT pid FROM pg_stat_activity WHERE query LIKE 'ALTER TABLE location_pings DETACH PARTITION location_pings_p20260715%' AND wait_event_type = 'Lock'`;
          if (w) {
            await pg()`SELECT pg_cancel_backend(${w.pid})`;
            break;
          }
          await new Promise((r) => setTimeout(r, 20));
        }
        expect(await detach).toMatch(/cancel/i);
      } finally {
        detacher.release();
      }
    } finally {
      release();
      await reader;
    }
    const [pending] = await queryRows<{ p: boolean }>(db(), sql`SELECT inhdetachpending AS p FROM pg_inherits WHERE inhrelid = 'location_pings_p20260715'::regclass`);
    expect(pending).toEqual({ p: true });
    await setRetention(8);
    const expired = await expiredAt("2026-07-25");
    expect(expired).toContain("2026-07-15");
    expect((await maintainPingPartitions(db(), new Date("2026-07-25T01:00:00Z"))).dropped).toEqual(expired);
    expect(await exists(db(), "2026-07-15")).toBe(false);
    await setRetention(90);
  });

  it.skipIf(ctx.driver === "pglite")(
    "dropping a day, or creating one, waits for no lock on personnel or daily_sessions: a ping batch holding both stays open meanwhile",
    async () => {
      const rep = people.otherRep;
      const old = await openDay(db(), rep.id, "2026-08-01", at("08:00", "2026-08-01"), "CLOSED");
      await fixOn("2026-08-01", rep.id, old);
      const today = await openDay(db(), rep.id, "2026-08-11", at("08:00", "2026-08-11"));
      await ensurePingPartitions(db(), "2026-08-10", "2026-08-18"); // the days the job keeps ahead exist: it only drops
      await setRetention(8);
      const expired = await expiredAt("2026-08-11");
      expect(expired).toContain("2026-08-01");
      // What an in-flight batch (or any request) holds on the other tables: its rep read, its day row updated.
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let holding!: (pid: number) => void;
      const holder = new Promise<number>((r) => (holding = r));
      const batch = pg().begin(async (tx) => {
        await tx`SELECT id FROM personnel WHERE id = ${rep.id}`;
        await tx`UPDATE daily_sessions SET total_travel_km = total_travel_km WHERE id = ${today}`;
        const [me] = await tx`SELECT pg_backend_pid() AS pid`;
        holding(Number(me!.pid));
        await released;
      });
      const blocked: unknown[] = [];
      try {
        const pid = await holder;
        let finished = false;
        // The job drops 2026-08-01; then a day is created, as a batch for a missing day does before its transaction.
        const job = maintainPingPartitions(db(), new Date("2026-08-11T01:00:00Z"))
          .then(async (r) => ({ ...r, created: r.created + (await ensurePingPartitions(db(), "2026-08-19", "2026-08-19")) }))
          .finally(() => (finished = true));
        job.catch(() => undefined);
        // Until the job ends: is anything waiting for the open batch? (With a lock to take on personnel or
        // daily_sessions the job would wait here for as long as the batch stays open, and every later batch behind it.)
        while (!finished) {
          blocked.push(...(await pg()`SELECT left(query, 80) AS query, wait_event_type FROM pg_stat_activity WHERE ${pid} = ANY(pg_blocking_pids(pid))`));
          if (blocked.length) break;
          await new Promise((r) => setTimeout(r, 20));
        }
        release();
        expect(await job).toEqual({ created: 1, dropped: expired });
      } finally {
        release();
        await batch;
      }
      expect(blocked).toEqual([]);
      expect(await exists(db(), "2026-08-01")).toBe(false);
      await setRetention(90);
    },
  );
});
