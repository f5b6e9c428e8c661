/**
 * Team now's alerts panel through the use-case the page calls (getTeamNow): today it lists the team's open alerts
 * (live); a past day lists the alerts raised that day (its org-local bounds), each with its status — acknowledged
 * that day, acknowledged later, still open — and never today's; a day not begun has none. Alerts are raised by the
 * real scheduled check and acknowledged by the real use-case. Both drivers.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { acknowledgeAlert } from "../../src/server/alerts/acknowledge-alert";
import { checkAlerts } from "../../src/server/alerts/check-alerts";
import type { Actor } from "../../src/server/auth/actor";
import { getTeamNow } from "../../src/server/dashboard/team-now";
import { useDbHandle } from "../../src/server/db";
import { queryRows } from "../../src/server/db/client";
import { getOrgSettings } from "../../src/server/settings/org-settings";
import { describeEachDriver } from "../support/db";
import { makeLocation, makePerson } from "../support/visits-world";

// The organisation is in Asia/Kolkata (UTC+05:30). "Today" is Tuesday 2026-03-10; the past day is Monday the 9th.
const [BEFORE, PAST, TODAY] = ["2026-03-08", "2026-03-09", "2026-03-10"];
const on = (day: string, hms: string) => new Date(`${day}T${hms}+05:30`);
const NOW = on(TODAY, "10:30:00");

describeEachDriver("team now: the alerts of the day shown", (ctx) => {
  let mgr: Actor, otherMgr: Actor, rep: Actor, otherRep: Actor;
  const alertOf = new Map<string, number>();

  beforeAll(async () => {
    const db = ctx.handle.db;
    useDbHandle(ctx.handle);
    expect((await getOrgSettings(db)).time_zone).toBe("Asia/Kolkata");
    const late = (await getOrgSettings(db)).alert_late_check_in_minutes;
    mgr = await makePerson(db, "manager");
    otherMgr = await makePerson(db, "manager");
    rep = await makePerson(db, "rep", mgr.id);
    otherRep = await makePerson(db, "rep", otherMgr.id);
    const loc = await makeLocation(db, 12.97, 77.59);
    // Unvisited stops; the scheduled check raises each one's late alert one minute after its planned time + threshold.
    const stops: [string, Actor, string, string][] = [
      ["before", rep, BEFORE, "23:00"], // raised late on the 8th, still open
      ["a", rep, PAST, "00:05"],
      ["b", rep, PAST, "10:00"],
      ["c", rep, PAST, "16:00"],
      ["other", otherRep, PAST, "10:00"], // another manager's team
      ["today", rep, TODAY, "09:00"],
    ];
    for (const [n, [key, who, day, time]] of stops.entries()) {
      const [{ id }] = (await queryRows<{ id: number }>(
        db,
        sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${who.id}, ${loc}, ${day}::date, ${n + 1}, ${time}::time) RETURNING id`,
      )) as [{ id: number }];
      const [h, m] = time.split(":").map(Number) as [number, number];
      const raiseAt = new Date(on(day, `${time}:00`).getTime() + (late + 1) * 60_000);
      // The day's last stop of "before" is raised at 23:59:59.999 that day: the last instant before the past day.
      await checkAlerts(db, key === "before" ? on(BEFORE, "23:59:59.999") : raiseAt);
      const [a] = await queryRows<{ id: number }>(db, sql`SELECT id FROM alerts WHERE planned_visit_id = ${id} AND kind = 'late_check_in'`);
      expect(a, `${key} (${h}:${m}) raised`).toBeDefined();
      alertOf.set(key, a!.id);
    }
    // a: acknowledged the same day; b: the next morning; c, before and other: still open.
    await acknowledgeAlert({ db, actor: mgr, now: on(PAST, "13:00:00") }, { client_id: randomUUID(), alert_id: alertOf.get("a")! });
    await acknowledgeAlert({ db, actor: mgr, now: on(TODAY, "08:00:00") }, { client_id: randomUUID(), alert_id: alertOf.get("b")! });
  }, 180_000);

  it("shows a past day the alerts raised that day with their status, not the ones open now", async () => {
    const past = await getTeamNow({ db: ctx.handle.db, actor: mgr, now: NOW }, { from: PAST, to: PAST });
    expect(past.live).toBe(false);
    expect(past.alerts.map((a) => a.id)).toEqual([alertOf.get("c"), alertOf.get("b"), alertOf.get("a")]);
    const byId = new Map(past.alerts.map((a) => [a.id, a]));
    expect(byId.get(alertOf.get("a")!)).toMatchObject({ kind: "late_check_in", acknowledged_at: on(PAST, "13:00:00").toISOString(), acknowledged_by_name: mgr.name });
    expect(byId.get(alertOf.get("b")!)).toMatchObject({ acknowledged_at: on(TODAY, "08:00:00").toISOString(), acknowledged_by_name: mgr.name });
    expect(byId.get(alertOf.get("c")!)).toMatchObject({ acknowledged_at: null, acknowledged_by_name: null });
    // Raised the day before (one millisecond before the day began), today, or about another team: not this day's.
    for (const key of ["before", "today", "other"]) expect(byId.has(alertOf.get(key)!), key).toBe(false);
    // …and the day before shows its own.
    const before = await getTeamNow({ db: ctx.handle.db, actor: mgr, now: NOW }, { from: BEFORE, to: BEFORE });
    expect(before.alerts.map((a) => a.id)).toEqual([alertOf.get("before")]);
  });

  it("keeps today's panel live: the team's open alerts, whatever day raised them", async () => {
    const today = await getTeamNow({ db: ctx.handle.db, actor: mgr, now: NOW }, {});
    expect(today.live).toBe(true);
    expect(today.alerts.map((a) => a.id)).toEqual([alertOf.get("today"), alertOf.get("c"), alertOf.get("before")]);
    expect(today.alerts.every((a) => a.acknowledged_at === null)).toBe(true);
  });

  it("has no alerts for a day that has not begun", async () => {
    const tomorrow = await getTeamNow({ db: ctx.handle.db, actor: mgr, now: NOW }, { from: "2026-03-11", to: "2026-03-11" });
    expect(tomorrow.alerts).toEqual([]);
  });
});
