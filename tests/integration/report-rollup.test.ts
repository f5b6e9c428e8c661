/**
 * The summary report's rollup (report_daily, migration 0021_report_daily) stays exactly equal to the summary computed
 * straight from planned_visits, visits and daily_sessions: after plan edits, check-ins (on a planned stop, unplanned,
 * late), check-outs, a review, pings that move the day's km, direct SQL edits (a verdict, flags, a check-in moved to
 * another day, a stop deleted), today's partial day (stops not due yet) and changes of the late threshold and time
 * zone (rebuild) — on both drivers, for every grouping, for an admin and a manager.
 * The clock is pinned to a Tuesday noon in Asia/Kolkata so "today" and "yesterday" are the days the test means.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { GroupBy, SummaryRow } from "../../src/contracts/reports";
import { PUT as putPlan } from "../../src/app/api/v1/plans/[personnel_id]/[date]/route";
import { POST as startRoute } from "../../src/app/api/v1/sessions/start/route";
import { POST as pingsRoute } from "../../src/app/api/v1/tracking/pings/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { POST as reviewRoute } from "../../src/app/api/v1/visits/[id]/review/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { reportRange, reportScope, type ReportRange } from "../../src/server/reports/report-range";
import { SETTLE_CHUNK, settleReportRollup } from "../../src/server/reports/report-rollup";
import { summaryRowsFromRollup, summaryRowsLive, summaryTotals } from "../../src/server/reports/summary.queries";
import { addDays } from "../../src/lib/time";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson } from "../support/visits-world";

const NOW = new Date("2026-03-03T06:30:00Z"); // Tuesday 12:00 in Asia/Kolkata
const TODAY = "2026-03-03";
const YESTERDAY = "2026-03-02";

describeEachDriver("report rollup", (ctx) => {
  let admin: Actor, mgr: Actor, repA: Actor, repB: Actor;
  const locs: number[] = [];
  const db = () => ctx.handle.db;

  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true, now: NOW });
    useDbHandle(ctx.handle);
    admin = await makePerson(db(), "admin");
    mgr = await makePerson(db(), "manager", admin.id);
    repA = await makePerson(db(), "rep", mgr.id);
    repB = await makePerson(db(), "rep", admin.id);
    for (let i = 0; i < 5; i++) locs.push(await makeLocation(db(), 12.97, 77.55 + i * 0.01));
  });
  afterAll(() => vi.useRealTimers());

  /** Both paths for every grouping, as an admin and as a manager, over yesterday..tomorrow; returns the admin's totals. */
  async function expectRollupEqualsLive(settings?: Partial<ReportRange["settings"]>): Promise<SummaryRow> {
    const now = new Date();
    let totals: SummaryRow | null = null;
    for (const actor of [admin, mgr]) {
      const c = { db: db(), actor, now };
      const base = await reportRange(c, { from: addDays(TODAY, -7), to: addDays(TODAY, 1) });
      const r = { ...base, settings: { ...base.settings, ...settings } };
      const scope = await reportScope(c, undefined);
      for (const g of ["rep", "day", "week"] as GroupBy[]) {
        const rolled = await summaryRowsFromRollup(db(), scope, r, g, now);
        expect(rolled, `${actor.role} ${g}: the rollup answers`).not.toBeNull();
        expect(rolled, `${actor.role} ${g}`).toEqual(await summaryRowsLive(db(), scope, r, g, now));
        if (actor === admin && g === "day") totals = summaryTotals(rolled!);
      }
    }
    return totals!;
  }

  const plan = (rep: Actor, date: string, stops: { location_id: number; planned_time?: string }[]) => {
    const params = { personnel_id: String(rep.id), date };
    return call(putPlan, `/api/v1/plans/${rep.id}/${date}`, { as: admin.id, method: "PUT", params, body: { client_id: randomUUID(), stops } });
  };
  const loc = (i: number) => ({ lat: 12.97, lon: 77.55 + i * 0.01 });
  const checkIn = (rep: Actor, i: number, agoMs: number) =>
    call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: randomUUID(), location_id: locs[i]!, ...loc(i), accuracy_m: 5, captured_at: isoAgo(agoMs), offline_replay: true } });
  const checkOut = (rep: Actor, visitId: number, i: number, agoMs: number) =>
    call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body: { client_id: randomUUID(), visit_id: visitId, ...loc(i), accuracy_m: 5, captured_at: isoAgo(agoMs), offline_replay: true } });

  it("stays equal to the live summary through a day of writes, edits and settings changes", async () => {
    expect((await expectRollupEqualsLive()).planned).toBe(0);

    // Plans: today for repA (a past stop, the one visited, one later today = not due yet, one untimed), yesterday by SQL.
    expect((await plan(repA, TODAY, [{ location_id: locs[0]!, planned_time: "09:00" }, { location_id: locs[1]!, planned_time: "10:30" }, { location_id: locs[2]!, planned_time: "17:00" }, { location_id: locs[3]! }])).status).toBe(200);
    await db().execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
      VALUES (${repA.id}, ${locs[0]!}, ${YESTERDAY}::date, 1, '09:30'), (${repB.id}, ${locs[4]!}, ${YESTERDAY}::date, 1, '11:00'), (${repB.id}, ${locs[3]!}, ${YESTERDAY}::date, 2, NULL)`);
    let t = await expectRollupEqualsLive();
    expect(t.planned).toBe(7);
    expect(t.due).toBeLessThan(t.planned); // 17:00 and the untimed stop are upcoming at noon

    // A session, a check-in at the 10:30 stop (on time at ~10:50), its check-out; a late unplanned check-in for repB.
    expect((await call(startRoute, "/api/v1/sessions/start", { as: repA.id, body: { client_id: randomUUID(), captured_at: isoAgo(3 * 3600_000) } })).status).toBeLessThan(300);
    const ci = await checkIn(repA, 1, 70 * 60_000);
    expect(ci.status).toBe(201);
    await expectRollupEqualsLive();
    expect((await checkOut(repA, ci.body.visit.id, 1, 50 * 60_000)).status).toBe(200);
    const ciB = await checkIn(repB, 4, 30 * 60_000);
    expect(ciB.status).toBe(201);
    expect((await checkOut(repB, ciB.body.visit.id, 4, 20 * 60_000)).status).toBe(200);
    t = await expectRollupEqualsLive();
    expect(t.visits).toBe(2);
    expect(t.visited).toBe(1);

    // A review, then pings that give the day some km.
    expect((await call(reviewRoute, `/api/v1/visits/${ci.body.visit.id}/review`, { as: mgr.id, params: { id: String(ci.body.visit.id) }, body: { client_id: randomUUID(), decision: "APPROVED", comment: "ok" } })).status).toBe(200);
    const pings = Array.from({ length: 12 }, (_, k) => ({ client_id: randomUUID(), lat: 12.95, lon: 77.6 + k * 0.002, accuracy_m: 5, captured_at: isoAgo((15 - k) * 60_000) }));
    expect((await call(pingsRoute, "/api/v1/tracking/pings", { as: repA.id, body: { pings } })).status).toBeLessThan(300);
    t = await expectRollupEqualsLive();
    expect(t.km).toBeGreaterThan(0);

    // A plan edit of today (unvisited stops replaced), then direct edits: a verdict, flags, a check-in moved to yesterday,
    // a stop of yesterday linked to that visit, another deleted.
    expect((await plan(repA, TODAY, [{ location_id: locs[4]!, planned_time: "08:00" }, { location_id: locs[2]!, planned_time: "18:30" }])).status).toBe(200);
    await expectRollupEqualsLive();
    await db().execute(sql`UPDATE visits SET validation_status = 'INVALID', flags = '{LOW_ACCURACY,CLOCK_SKEW}' WHERE id = ${ciB.body.visit.id}`);
    await db().execute(sql`UPDATE visits SET check_in_time = ${YESTERDAY}::date + time '11:05' AT TIME ZONE 'Asia/Kolkata' WHERE id = ${ciB.body.visit.id}`);
    await db().execute(sql`UPDATE planned_visits SET visit_id = ${ciB.body.visit.id} WHERE personnel_id = ${repB.id} AND planned_date = ${YESTERDAY}::date AND sequence = 1`);
    await db().execute(sql`UPDATE visits SET check_in_time = check_in_time + interval '30 minutes' WHERE id = ${ciB.body.visit.id}`); // now late
    await db().execute(sql`DELETE FROM planned_visits WHERE personnel_id = ${repB.id} AND planned_date = ${YESTERDAY}::date AND sequence = 2`);
    t = await expectRollupEqualsLive();
    expect(t.invalid).toBe(1);
    expect(t.flags).toBeGreaterThanOrEqual(2);

    // The late threshold and the time zone change: the rollup is rebuilt in the same transaction; a reader still on the
    // old settings gets no rollup answer (null → the live query answers).
    const c = { db: db(), actor: admin, now: new Date() };
    const stale = await reportRange(c, { from: YESTERDAY, to: TODAY });
    await db().execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = 45 WHERE id = 1`);
    expect(await summaryRowsFromRollup(db(), await reportScope(c, undefined), stale, "rep", c.now)).toBeNull();
    await expectRollupEqualsLive({ lateMinutes: 45 });
    await db().execute(sql`UPDATE org_settings SET time_zone = 'Asia/Dubai' WHERE id = 1`);
    await expectRollupEqualsLive({ lateMinutes: 45, timeZone: "Asia/Dubai" });
    await db().execute(sql`UPDATE org_settings SET time_zone = 'Asia/Kolkata', alert_late_check_in_minutes = 30 WHERE id = 1`);
    await expectRollupEqualsLive({ lateMinutes: 30, timeZone: "Asia/Kolkata" });

    // Every (rep, day) of the rollup is what a full rebuild would write (no stale row left by a delete or a move).
    const before = await queryRows(db(), sql`SELECT * FROM report_daily ORDER BY personnel_id, day`);
    await db().execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = 31 WHERE id = 1`);
    await db().execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = 30 WHERE id = 1`);
    expect(await queryRows(db(), sql`SELECT * FROM report_daily ORDER BY personnel_id, day`)).toEqual(before);
  }, 120_000);

  it("a statement touching thousands of rep-days takes one lock, not one per key, and the rollup stays exact", async () => {
    // 200 reps of the manager × 40 days = 8,000 (rep, day) keys in one INSERT, then their days opened with km in one
    // more: one advisory lock per key would need more lock-table slots than a default server has (out of shared memory).
    const [{ first }] = (await queryRows<{ first: number }>(
      db(),
      sql`WITH p AS (INSERT INTO personnel (name, email, role, manager_id)
            SELECT 'bulk-' || i, 'bulk-' || i || '-' || ${randomUUID()} || '@test.local', 'rep', ${mgr.id} FROM generate_series(1, 200) i RETURNING id)
          SELECT min(id)::int AS first FROM p`,
    )) as [{ first: number }];
    const advisoryLocks = await db().transaction(async (tx) => {
      await tx.execute(sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
        SELECT p.id, ${locs[0]!}, ${addDays(TODAY, -30)}::date + d, 1, time '10:00'
        FROM personnel p, generate_series(0, 39) d WHERE p.id >= ${first} AND p.name LIKE 'bulk-%'`);
      await tx.execute(sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status, total_travel_km)
        SELECT p.id, ${addDays(TODAY, -30)}::date + d, now(), 'CLOSED', 1.25
        FROM personnel p, generate_series(0, 39) d WHERE p.id >= ${first} AND p.name LIKE 'bulk-%'`);
      const [row] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()`);
      return row!.n;
    });
    expect(advisoryLocks).toBeLessThanOrEqual(2);
    // A settle statement claims at most its chunk (a bulk load's marks are settled in short transactions).
    expect((await queryRows<{ n: number }>(db(), sql`SELECT fieldbeat_report_daily_settle(${SETTLE_CHUNK}::int) AS n`))[0]!.n).toBe(SETTLE_CHUNK);
    const totals = await expectRollupEqualsLive();
    expect(totals.planned).toBeGreaterThanOrEqual(200 * 9); // the bulk stops of the report's nine days are counted
    const before = await queryRows(db(), sql`SELECT * FROM report_daily ORDER BY personnel_id, day`);
    await db().execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = 31 WHERE id = 1`);
    await db().execute(sql`UPDATE org_settings SET alert_late_check_in_minutes = 30 WHERE id = 1`);
    expect(await queryRows(db(), sql`SELECT * FROM report_daily ORDER BY personnel_id, day`)).toEqual(before);
  }, 120_000);
  it("a write only marks its rep-day; the settle recomputes it, skips a writer still open, and a writer of a key being settled marks it again", async () => {
    const TOMORROW = addDays(TODAY, 1);
    const stop = (seq: number) =>
      sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${repB.id}, ${locs[seq % 5]!}, ${TOMORROW}::date, ${seq}, time '10:00')`;
    const rolled = async () => (await queryRows<{ planned: number }>(db(), sql`SELECT planned FROM report_daily WHERE personnel_id = ${repB.id} AND day = ${TOMORROW}::date`))[0]?.planned ?? null;
    const marked = async () => (await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM report_daily_dirty WHERE personnel_id = ${repB.id} AND day = ${TOMORROW}::date`))[0]!.n;
    await settleReportRollup(db());

    // The writer's transaction marks the key and recomputes nothing; the settle does.
    await db().execute(stop(1));
    expect(await rolled()).toBeNull();
    expect(await marked()).toBe(1);
    expect(await settleReportRollup(db())).toBe(1);
    expect([await rolled(), await marked()]).toEqual([1, 0]);
    if (ctx.driver !== "postgres") return; // the embedded database has one connection: no concurrent writer to hold open

    // A writer still open: its mark is locked, so the settle skips it (without waiting) and the key stays marked.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let wrote!: () => void;
    const written = new Promise<void>((r) => (wrote = r));
    const writer = db().transaction(async (tx) => {
      await tx.execute(stop(2));
      wrote();
      await gate;
    });
    await written;
    const settle = (hold?: Promise<void>, claimed?: (n: number) => void) =>
      db().transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL statement_timeout = '20s'`); // a settle that waited for the writer fails here instead of hanging
        const n = await settleReportRollup(tx);
        claimed?.(n);
        await hold;
        return n;
      });
    expect(await settle()).toBe(0);
    release();
    await writer;
    expect(await marked()).toBe(1);
    await expectRollupEqualsLive();
    expect([await rolled(), await marked()]).toEqual([2, 0]);

    // A settle holding the key (claimed, not committed): a writer of the key waits for it, then leaves a new mark.
    await db().execute(stop(3));
    let done!: () => void;
    const hold = new Promise<void>((r) => (done = r));
    let claimedN!: (n: number) => void;
    const claimed = new Promise<number>((r) => (claimedN = r));
    const settling = settle(hold, claimedN);
    expect(await claimed).toBe(1);
    const late = db().execute(stop(4)).then(() => undefined); // then() sends it (a drizzle query runs when awaited)
    await expect.poll(async () => (await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`))[0]!.n, { timeout: 10_000 }).toBeGreaterThan(0);
    done();
    await settling;
    await late;
    expect(await marked()).toBe(1);
    await expectRollupEqualsLive();
    expect([await rolled(), await marked()]).toEqual([4, 0]);
  }, 120_000);
});
