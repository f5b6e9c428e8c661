/**
 * The dashboard's one query layer (team-summary, personnel summary) on a small world with known answers,
 * through the use-cases and the JSON routes, on both drivers. The clock is injected: the world's "today" is a
 * fixed Tuesday in the organisation's time zone (Asia/Kolkata), whatever the real date.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { GET as personnelRoute } from "../../src/app/api/v1/dashboard/personnel/[id]/route";
import { GET as teamRoute } from "../../src/app/api/v1/dashboard/team-summary/route";
import type { Actor } from "../../src/server/auth/actor";
import { getPersonnelSummary } from "../../src/server/dashboard/personnel-summary";
import { recentActivity } from "../../src/server/dashboard/activity.queries";
import { getTeamSummary } from "../../src/server/dashboard/team-summary";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { startSession } from "../../src/server/sessions/start-session";
import { checkIn } from "../../src/server/visits/check-in";
import { checkOut } from "../../src/server/visits/check-out";
import { describeEachDriver } from "../support/db";
import { call, makeLocation, makePerson } from "../support/visits-world";
import { ensurePingPartitions } from "../../src/server/tracking/ping-partitions";

const DAY = "2026-03-10"; // a Tuesday
const at = (hhmm: string) => new Date(`${DAY}T${hhmm}:00+05:30`);
const NOW = at("12:00");

describeEachDriver("dashboard queries", (ctx) => {
  let mgr: Actor, otherMgr: Actor, repA: Actor, repB: Actor, otherRep: Actor;
  let visit1 = 0, visit2 = 0;

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    mgr = await makePerson(db, "manager");
    otherMgr = await makePerson(db, "manager");
    repA = await makePerson(db, "rep", mgr.id);
    repB = await makePerson(db, "rep", mgr.id);
    otherRep = await makePerson(db, "rep", otherMgr.id);
    const [l1, l2, l3] = [await makeLocation(db, 12.97, 77.59), await makeLocation(db, 12.98, 77.6), await makeLocation(db, 12.99, 77.61)];
    const plan = async (rep: number, loc: number, seq: number, time: string) =>
      (await queryRows<{ id: number }>(db, sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
          VALUES (${rep}, ${loc}, ${DAY}::date, ${seq}, ${time}::time) RETURNING id`))[0]!.id;
    const p1 = await plan(repA.id, l1, 1, "09:30");
    await plan(repA.id, l2, 2, "10:45");
    await plan(repB.id, l3, 1, "09:30");
    await plan(otherRep.id, l3, 1, "09:30");
    const fixAt = (lat: number, lon: number, t: Date) => ({ lat, lon, accuracy_m: 5, captured_at: t.toISOString() });
    visit1 = (await checkIn({ db, actor: repA, now: at("09:40") }, { client_id: randomUUID(), location_id: l1, planned_visit_id: p1, ...fixAt(12.97, 77.59, at("09:40")) })).body.visit.id;
    await checkOut({ db, actor: repA, now: at("10:10") }, { client_id: randomUUID(), visit_id: visit1, ...fixAt(12.97, 77.59, at("10:10")) });
    // Far outside the fence (INVALID), 65 minutes after its planned time, still open.
    visit2 = (await checkIn({ db, actor: repA, now: at("11:50") }, { client_id: randomUUID(), location_id: l2, ...fixAt(13.05, 77.7, at("11:50")) })).body.visit.id;
    await db.execute(sql`UPDATE planned_visits SET visit_id = ${visit2} WHERE personnel_id = ${repA.id} AND sequence = 2`);
  }, 120_000);

  it("computes the team's KPIs, each rep's state and the day's planned places", async () => {
    const s = await getTeamSummary({ db: ctx.handle.db, actor: mgr, now: NOW }, {});
    expect(s).toMatchObject({ from: DAY, to: DAY, today: DAY, time_zone: "Asia/Kolkata", manager_id: mgr.id });
    expect(s.kpis).toEqual({
      planned: 3, planned_done: 2, due: 3, visits: 2, completed: 1, completion_pct: 66.7, valid_pct: 50, avg_visit_minutes: 30,
      on_time_pct: 33.3, km_travelled: expect.any(Number), active_reps_now: 1, reps: 2,
    });
    // At 03:00 org time repB's 09:30 stop is not due yet: upcoming, in neither completion nor on-time (only visited stops count).
    const early = await getTeamSummary({ db: ctx.handle.db, actor: mgr, now: at("03:00") }, {});
    expect(early.kpis).toMatchObject({ planned: 3, planned_done: 2, due: 2, completion_pct: 100, on_time_pct: 50 });
    const byId = new Map(s.reps.map((r) => [r.id, r]));
    expect(byId.get(repA.id)).toMatchObject({ state: "in_visit", open_visit_id: visit2, planned: 2, planned_done: 2, visits: 2, last_fix: { source: "check_in", lat: 13.05 } });
    expect(byId.get(repB.id)).toMatchObject({ state: "day_not_started", last_fix: null, planned: 1, visits: 0 });
    expect(byId.has(otherRep.id)).toBe(false);
    expect(s.planned_places.map((p) => p.personnel_id).sort()).toEqual([repA.id, repA.id, repB.id].sort());
    expect(s.planned_places[0]).toMatchObject({ radius_m: 50, planned_time: "09:30" });
  });

  it("gives one rep's per-day figures and timeline (planned vs actual, lateness, verdicts)", async () => {
    const p = await getPersonnelSummary({ db: ctx.handle.db, actor: mgr, now: NOW }, repA.id, { from: "2026-03-09", to: DAY });
    expect(p.days).toEqual([
      { date: "2026-03-09", planned: 0, visits: 0, completed: 0, on_time: 0, timed: 0, avg_visit_minutes: null, km: 0 },
      { date: DAY, planned: 2, visits: 2, completed: 1, on_time: 1, timed: 2, avg_visit_minutes: 30, km: expect.any(Number) },
    ]);
    expect(p.timeline.map((t) => [t.visit_id, t.planned_time, t.late_minutes, t.validation_status])).toEqual([
      [visit2, "10:45", 65, "INVALID"],
      [visit1, "09:30", 10, "VALID"],
    ]);
    expect(p.kpis).toMatchObject({ planned: 2, planned_done: 2, completion_pct: 100, on_time_pct: 50, reps: 1 });
  });

  it("answers the same figures through the JSON routes, scoped (another team's rep or manager is a 404, a rep 403)", async () => {
    const team = await call(teamRoute, `/api/v1/dashboard/team-summary?from=${DAY}`, { as: mgr.id });
    expect(team.status).toBe(200);
    expect(team.body.kpis.planned).toBe(3);
    expect(team.body.reps).toHaveLength(2);
    expect((await call(teamRoute, `/api/v1/dashboard/team-summary?manager_id=${otherMgr.id}`, { as: mgr.id })).status).toBe(404);
    expect((await call(teamRoute, `/api/v1/dashboard/team-summary?from=${DAY}&to=2026-03-01`, { as: mgr.id })).status).toBe(400);
    expect((await call(teamRoute, `/api/v1/dashboard/team-summary`, { as: repA.id })).status).toBe(403);
    const one = await call(personnelRoute, `/api/v1/dashboard/personnel/${repA.id}?from=${DAY}`, { as: mgr.id, params: { id: String(repA.id) } });
    expect(one.status).toBe(200);
    expect(one.body.timeline).toHaveLength(2);
    expect((await call(personnelRoute, `/api/v1/dashboard/personnel/${otherRep.id}`, { as: mgr.id, params: { id: String(otherRep.id) } })).status).toBe(404);
  });

  it("tells travelling, idle and not tracked apart by the last fix's age and speed (threshold from settings)", async () => {
    const db = ctx.handle.db;
    await startSession({ db, actor: repB, now: at("10:55") }, { client_id: randomUUID() });
    // Pings written here directly: their day partition first (the pings use-case makes its own; ping-partitions.ts).
    await ensurePingPartitions(db, DAY, DAY);
    await db.execute(sql`INSERT INTO location_pings (client_id, personnel_id, coords, accuracy_m, speed, captured_at)
      VALUES (${randomUUID()}, ${repB.id}, ST_SetSRID(ST_MakePoint(77.6, 12.98), 4326)::geography, 8, 6.5, ${at("11:00").toISOString()}::timestamptz)`);
    const stateAt = async (t: Date) => (await getTeamSummary({ db, actor: mgr, now: t }, {})).reps.find((r) => r.id === repB.id)!.state;
    expect(await stateAt(at("11:05"))).toBe("travelling");
    expect(await stateAt(at("11:20"))).toBe("idle");
    expect(await stateAt(at("11:31"))).toBe("not_tracked");
    await db.execute(sql`UPDATE org_settings SET alert_untracked_minutes = 60 WHERE id = 1`);
    expect(await stateAt(at("11:31"))).toBe("idle");
    await db.execute(sql`UPDATE org_settings SET alert_untracked_minutes = 30 WHERE id = 1`);
  });

  it("shows a past day as it ended: that day's last positions and session, not today's", async () => {
    const db = ctx.handle.db;
    const NEXT = "2026-03-11";
    const nextAt = (hhmm: string) => new Date(`${NEXT}T${hhmm}:00+05:30`);
    // The next day repB is elsewhere: today's view shows it, the past day's view does not (its day partition first).
    await ensurePingPartitions(db, NEXT, NEXT);
    await db.execute(sql`INSERT INTO location_pings (client_id, personnel_id, coords, accuracy_m, speed, captured_at)
      VALUES (${randomUUID()}, ${repB.id}, ST_SetSRID(ST_MakePoint(77.65, 12.9), 4326)::geography, 8, 0, ${nextAt("10:00").toISOString()}::timestamptz)`);
    const now = { db, actor: mgr, now: nextAt("12:00") };
    const past = new Map((await getTeamSummary(now, { from: DAY })).reps.map((r) => [r.id, r]));
    expect(past.get(repB.id)?.last_fix).toMatchObject({ source: "ping", lon: 77.6, at: at("11:00").toISOString() });
    expect(past.get(repA.id)).toMatchObject({ state: "in_visit", last_fix: { source: "check_in", lat: 13.05 } });
    const today = new Map((await getTeamSummary(now, {})).reps.map((r) => [r.id, r]));
    expect(today.get(repB.id)?.last_fix).toMatchObject({ source: "ping", lon: 77.65 });
    // No session the next day: today's view says so, the past day's view keeps that day's open session.
    expect(today.get(repB.id)?.state).toBe("day_not_started");
    expect(past.get(repB.id)?.state).not.toBe("day_not_started");
  });

  it("reads a past day's activity feed from that day's events only", async () => {
    const db = ctx.handle.db;
    const team = sql`SELECT id FROM personnel WHERE id IN (${repA.id}, ${repB.id})`;
    const live = await recentActivity(db, team);
    expect(live.events.length).toBeGreaterThan(0); // the check-ins above, written at the database's clock
    const newest = Date.parse(live.events[0]!.created_at);
    const day = (start: number) => ({ start: new Date(start), end: new Date(start + 86_400_000) });
    expect((await recentActivity(db, team, 30, day(newest - 3_600_000))).events.map((e) => e.id)).toContain(live.events[0]!.id);
    expect((await recentActivity(db, team, 30, day(newest - 3 * 86_400_000))).events).toEqual([]);
  });
});
