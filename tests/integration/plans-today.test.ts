import path from "node:path";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { seedDemoData } from "../../db/seed";
import { GET as planRoute } from "../../src/app/api/v1/plans/today/route";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { getTodayPlan } from "../../src/server/plans/get-today-plan";
import { rollDemoPlanForward } from "../../src/server/plans/roll-demo-plan";
import { startSession } from "../../src/server/sessions/start-session";
import { recordPings } from "../../src/server/tracking/record-pings";
import { checkIn } from "../../src/server/visits/check-in";
import { checkOut } from "../../src/server/visits/check-out";
import { describeEachDriver } from "../support/db";
import { call } from "../support/visits-world";

const FIXTURES = path.resolve(process.env.FIXTURES_DIR ?? path.join(__dirname, "../../../shared/fixtures"));
// A Sunday, 21:30 in Kolkata: outside the documented production work days and hours.
const SUNDAY_NIGHT = new Date("2026-03-22T16:00:00Z");

describeEachDriver("plans/today, auto-linked check-ins and the any-day demo", (ctx) => {
  let rep: Actor, manager: Actor;
  beforeAll(async () => {
    await seedDemoData(ctx.handle.db, { now: SUNDAY_NIGHT, password: "fieldbeat-demo", fixturesDir: FIXTURES, historyDays: 3 });
    const people = await queryRows<{ id: number; name: string; email: string; role: Actor["role"] }>(
      ctx.handle.db,
      sql`SELECT id, name, email, role FROM personnel WHERE email IN ('rep01@fieldbeat.test', 'manager2@fieldbeat.test') ORDER BY email`,
    );
    manager = { ...people[0]!, via: "access_token", readOnly: false };
    rep = { ...people[1]!, via: "access_token", readOnly: false };
  });
  const at = (now: Date, actor = rep) => ({ db: ctx.handle.db, actor, now });

  it("the demo seed plans every rep's route on a Sunday night and keeps the production defaults out of the demo", async () => {
    const [s] = await queryRows<{ work_days: number[]; start: string; end: string; is_demo: boolean }>(
      ctx.handle.db,
      sql`SELECT work_days, work_day_start::text AS start, work_day_end::text AS end, is_demo FROM org_settings WHERE id = 1`,
    );
    expect({ ...s, work_days: s!.work_days.map(Number) }).toEqual({ work_days: [1, 2, 3, 4, 5, 6, 7], start: "00:00:00", end: "24:00:00", is_demo: true });
    const perRep = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int n FROM planned_visits WHERE planned_date = '2026-03-22' GROUP BY personnel_id`);
    expect(perRep).toHaveLength(24);
    // …and gives each of them a beat with that round, for beats-materialize to write the coming days from (issue #19).
    const beats = await queryRows<{ n: number; stops: number }>(ctx.handle.db, sql`SELECT count(*)::int n, min(jsonb_array_length(stops))::int stops FROM beats WHERE active AND every_weeks = 1`);
    expect(beats[0]!.n).toBe(24);
    expect(beats[0]!.stops).toBeGreaterThanOrEqual(4);
    // The migration's defaults (what a production organisation gets) are unchanged.
    const [d] = await queryRows<{ days: string; start: string; end: string }>(
      ctx.handle.db,
      sql`SELECT column_default AS days, (SELECT column_default FROM information_schema.columns WHERE table_name = 'org_settings' AND column_name = 'work_day_start') AS start,
                 (SELECT column_default FROM information_schema.columns WHERE table_name = 'org_settings' AND column_name = 'work_day_end') AS end
          FROM information_schema.columns WHERE table_name = 'org_settings' AND column_name = 'work_days'`,
    );
    expect(d!.days).toContain("{1,2,3,4,5,6}");
    expect(d!.start).toContain("09:00");
    expect(d!.end).toContain("19:00");
  });

  it("lists today's stops in order with location, fence and status; a check-in without planned_visit_id links the stop", async () => {
    const plan = await getTodayPlan(at(SUNDAY_NIGHT), {});
    expect(plan).toMatchObject({ personnel_id: rep.id, date: "2026-03-22", time_zone: "Asia/Kolkata", work_hours: { start: "00:00", end: "24:00", days: [1, 2, 3, 4, 5, 6, 7] } });
    expect(plan.stops.length).toBeGreaterThanOrEqual(4);
    expect(plan.stops.map((s) => s.sequence)).toEqual(plan.stops.map((_, i) => i + 1));
    expect(plan.stops[0]).toMatchObject({ planned_time: "09:30", status: "PENDING", visit: null, location: { active: true } });
    const stop = plan.stops[1]!;
    expect(stop.location.geofence_radius).toBeGreaterThan(0);

    // Sunday 21:30: the day opens and pings are accepted in the demo organisation.
    await startSession(at(SUNDAY_NIGHT), { client_id: randomUUID() });
    const pings = await recordPings(at(SUNDAY_NIGHT), { pings: [{ client_id: randomUUID(), lat: stop.location.lat, lon: stop.location.lon, accuracy_m: 10, captured_at: SUNDAY_NIGHT.toISOString() }] });
    expect(pings).toMatchObject({ accepted: 1, rejected: [] });

    const fix = { lat: stop.location.lat, lon: stop.location.lon, accuracy_m: 6, captured_at: SUNDAY_NIGHT.toISOString() };
    const ci = await checkIn(at(SUNDAY_NIGHT), { client_id: randomUUID(), location_id: stop.location.id, ...fix });
    expect(ci.body.validation.status).toBe("VALID");
    const during = await getTodayPlan(at(SUNDAY_NIGHT), {});
    expect(during.stops[1]).toMatchObject({ status: "IN_PROGRESS", visit: { id: ci.body.visit.id, validation_status: "VALID", check_out_time: null } });
    expect(during.stops.filter((s) => s.visit !== null)).toHaveLength(1);

    const later = new Date(SUNDAY_NIGHT.getTime() + 20 * 60_000);
    await checkOut(at(later), { client_id: randomUUID(), visit_id: ci.body.visit.id, ...fix, captured_at: later.toISOString(), outcome: "ORDER_TAKEN" });
    const after = await getTodayPlan(at(later), {});
    expect(after.stops[1]).toMatchObject({ status: "DONE", visit: { id: ci.body.visit.id, outcome: "ORDER_TAKEN" } });

    // A second visit at the same location the same day finds no open stop there: it links nothing.
    const again = new Date(later.getTime() + 5 * 60_000);
    const ci2 = await checkIn(at(again), { client_id: randomUUID(), location_id: stop.location.id, ...fix, captured_at: again.toISOString() });
    const final = await getTodayPlan(at(again), {});
    expect(final.stops[1]!.visit!.id).toBe(ci.body.visit.id);
    expect(final.stops.some((s) => s.visit?.id === ci2.body.visit.id)).toBe(false);
  });

  it("another team's manager gets 404 for the rep's plan; the route answers the caller's own", async () => {
    await expect(getTodayPlan(at(SUNDAY_NIGHT, manager), { personnel_id: rep.id })).rejects.toMatchObject({ status: 404 });
    useDbHandle(ctx.handle);
    const res = await call(planRoute, "/api/v1/plans/today", { as: rep.id });
    expect(res.status).toBe(200);
    expect(res.body.personnel_id).toBe(rep.id);
  });

  it("rolls the demo plan forward to a later day once (idempotent), and never for a production organisation", async () => {
    const thursday = new Date("2026-03-26T05:00:00Z");
    const added = await rollDemoPlanForward(ctx.handle.db, thursday);
    expect(added).toBeGreaterThanOrEqual(24 * 4);
    expect(await rollDemoPlanForward(ctx.handle.db, thursday)).toBe(0);
    const plan = await getTodayPlan(at(thursday), {});
    const sunday = await getTodayPlan(at(SUNDAY_NIGHT), {});
    expect(plan.stops.map((s) => s.location.id)).toEqual(sunday.stops.map((s) => s.location.id));
    expect(plan.stops.every((s) => s.status === "PENDING")).toBe(true);

    await ctx.handle.db.execute(sql`UPDATE org_settings SET is_demo = false WHERE id = 1`);
    expect(await rollDemoPlanForward(ctx.handle.db, new Date("2026-03-28T05:00:00Z"))).toBe(0);
    await ctx.handle.db.execute(sql`UPDATE org_settings SET is_demo = true WHERE id = 1`);
  });
});
