/**
 * Day plans by date, beats, the beats-materialize job and route optimisation (issue #19), through the real route
 * handlers on a fresh database per driver.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { GET as getPlan, PUT as putPlan } from "../../src/app/api/v1/plans/[personnel_id]/[date]/route";
import { POST as optimizePlan } from "../../src/app/api/v1/plans/[personnel_id]/[date]/optimize/route";
import { GET as todayPlan } from "../../src/app/api/v1/plans/today/route";
import { POST as optimizeRoute } from "../../src/app/api/v1/routes/optimize/route";
import { GET as listBeats, POST as createBeat } from "../../src/app/api/v1/beats/route";
import { PATCH as patchSettings } from "../../src/app/api/v1/settings/route";
import { DELETE as deleteBeat, GET as getBeat, PATCH as patchBeat } from "../../src/app/api/v1/beats/[id]/route";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { JOBS } from "../../src/server/jobs/registry";
import { materializeBeats } from "../../src/server/plans/materialize-beats";
import { addDays, isoWeekday, localDate } from "../../src/lib/time";
import { optimiseDay, type DayRouting } from "../../src/lib/routing/day-route";
import { describeEachDriver } from "../support/db";
import { call as callAt, makeLocation, makePerson } from "../support/visits-world";

const TZ = "Asia/Kolkata";
/**
 * The test's clock, injected into every request (X-Fieldbeat-Test-Now) and job: noon in the organisation's zone. On the
 * wall clock, "today" taken in beforeAll and the server's "today" of a later request differed once the org's midnight
 * passed in between (a past date refused, 14 materialised days off by one).
 */
const T = new Date("2031-07-15T06:30:00.000Z");
const call: typeof callAt = (handler, url, o = {}) => callAt(handler, url, { now: T, ...o });

describeEachDriver("planning: day plans, beats, beats-materialize, route optimisation", (ctx) => {
  let admin: Actor, mgrA: Actor, mgrB: Actor, repA: Actor, repB: Actor;
  const locs: number[] = [];
  let today = "";
  const db = () => ctx.handle.db;
  const planUrl = (rep: number, date: string) => ({ url: `/api/v1/plans/${rep}/${date}`, params: { personnel_id: String(rep), date } });
  const pending = async (rep: number, date: string) =>
    (await queryRows<{ location_id: number }>(db(), sql`SELECT location_id FROM planned_visits WHERE personnel_id = ${rep} AND planned_date = ${date}::date AND visit_id IS NULL ORDER BY sequence`)).map((r) =>
      Number(r.location_id),
    );
  const snapshot = async (rep: number) =>
    JSON.stringify(
      await queryRows(db(), sql`SELECT planned_date::text, sequence, location_id, planned_time::text, visit_id FROM planned_visits WHERE personnel_id = ${rep} ORDER BY planned_date, sequence`),
    );

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    admin = await makePerson(db(), "admin");
    mgrA = await makePerson(db(), "manager", admin.id);
    mgrB = await makePerson(db(), "manager", admin.id);
    repA = await makePerson(db(), "rep", mgrA.id);
    repB = await makePerson(db(), "rep", mgrB.id);
    // Six customers on a west–east line, 0.01° (≈ 1.1 km) apart: the best order from the west end is west to east.
    for (let i = 0; i < 6; i++) locs.push(await makeLocation(db(), 12.97, 77.55 + i * 0.01));
    today = localDate(T, TZ);
  });

  it("PUT writes a day by hand, GET reads it (plans/today is the special case), and the rep's app gets plan.changed", async () => {
    const day = planUrl(repA.id, today);
    const put = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: locs[2]! }, { location_id: locs[0]!, planned_time: "11:00" }] } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ personnel_id: repA.id, date: today, source: "manual" });
    expect(put.body.stops.map((s: { location: { id: number } }) => s.location.id)).toEqual([locs[2], locs[0]]);
    expect(put.body.stops[1]).toMatchObject({ planned_time: "11:00", status: "PENDING" });
    const read = await call(getPlan, day.url, { as: repA.id, params: day.params });
    expect(read.body).toEqual(put.body);
    const t = await call(todayPlan, "/api/v1/plans/today", { as: repA.id });
    expect(t.body.stops).toEqual(put.body.stops);
    const [ev] = await queryRows<{ type: string; payload: unknown }>(db(), sql`SELECT type, payload FROM events WHERE personnel_id = ${repA.id} AND type = 'plan.changed' ORDER BY id DESC LIMIT 1`);
    expect(ev).toMatchObject({ type: "plan.changed" });
  });

  it("scope: another team's manager and rep get 404; the admin may; a rep only reorders their own pending stops; past days are refused", async () => {
    const day = planUrl(repA.id, today);
    expect((await call(getPlan, day.url, { as: mgrB.id, params: day.params })).status).toBe(404);
    expect((await call(getPlan, day.url, { as: repB.id, params: day.params })).status).toBe(404);
    expect((await call(putPlan, day.url, { as: mgrB.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [] } })).status).toBe(404);
    expect((await call(getPlan, day.url, { as: admin.id, params: day.params })).status).toBe(200);
    const add = await call(putPlan, day.url, { as: repA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: locs[2]! }, { location_id: locs[0]! }, { location_id: locs[5]! }] } });
    expect(add.status).toBe(403);
    const reorder = await call(putPlan, day.url, { as: repA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: locs[0]!, planned_time: "11:00" }, { location_id: locs[2]! }] } });
    expect(reorder.status).toBe(200);
    expect(await pending(repA.id, today)).toEqual([locs[0], locs[2]]);
    const past = planUrl(repA.id, addDays(today, -1));
    expect((await call(putPlan, past.url, { as: mgrA.id, method: "PUT", params: past.params, body: { client_id: randomUUID(), stops: [] } })).status).toBe(400);
    const unknown = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: 999999 }] } });
    expect(unknown).toMatchObject({ status: 400, body: { error: { field: "stops.0.location_id" } } });
  });

  it("a replayed client_id answers the first result; the same id with another body is 409", async () => {
    const day = planUrl(repA.id, addDays(today, 1));
    const body = { client_id: randomUUID(), stops: [{ location_id: locs[1]! }] };
    const first = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body });
    const again = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body });
    expect(again.body).toEqual(first.body);
    const other = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { ...body, stops: [{ location_id: locs[2]! }] } });
    expect(other).toMatchObject({ status: 409, body: { error: { code: "CLIENT_ID_REUSED" } } });
  });

  it("visited stops stay as they are when the pending ones are replaced", async () => {
    const day = planUrl(repA.id, today);
    const [stop] = await queryRows<{ id: number; location_id: number }>(db(), sql`SELECT id, location_id FROM planned_visits WHERE personnel_id = ${repA.id} AND planned_date = ${today}::date ORDER BY sequence LIMIT 1`);
    const [visit] = await queryRows<{ id: number }>(
      db(),
      sql`INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_out_time, check_in_coords, client_id, validation_status, validated)
          VALUES (${repA.id}, ${stop!.location_id}, ${today}::date, now() - interval '1 hour', now() - interval '30 minutes', ST_SetSRID(ST_MakePoint(77.55, 12.97), 4326)::geography, ${randomUUID()}, 'VALID', true) RETURNING id`,
    );
    await db().execute(sql`UPDATE planned_visits SET visit_id = ${visit!.id} WHERE id = ${stop!.id}`);
    const put = await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: locs[4]! }, { location_id: locs[3]! }] } });
    expect(put.body.stops.map((s: { status: string; location: { id: number } }) => [s.status, s.location.id])).toEqual([
      ["DONE", stop!.location_id],
      ["PENDING", locs[4]],
      ["PENDING", locs[3]],
    ]);
  });

  it("optimize reorders the pending stops from the given start and answers km before and after", async () => {
    const date = addDays(today, 2);
    const day = planUrl(repA.id, date);
    const zigzag = [5, 0, 4, 1, 3, 2].map((i) => ({ location_id: locs[i]! }));
    await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: zigzag } });
    const opt = await call(optimizePlan, `${day.url}/optimize`, { as: mgrA.id, params: day.params, body: { client_id: randomUUID(), start: { lat: 12.97, lon: 77.54 } } });
    expect(opt.status).toBe(200);
    expect(opt.body.km_after).toBeLessThan(opt.body.km_before);
    expect(await pending(repA.id, date)).toEqual(locs);
    expect(opt.body.plan.stops.map((s: { location: { id: number } }) => s.location.id)).toEqual(locs);
    expect(opt.body.unassigned).toEqual([]);
    expect((await call(optimizePlan, `${day.url}/optimize`, { as: mgrB.id, params: day.params, body: { client_id: randomUUID() } })).status).toBe(404);
  });

  it("optimize on today at 23:40 organisation time still orders the stops without an appointment (the route may run past midnight)", async () => {
    const late = new Date("2031-07-15T18:10:00.000Z"); // 23:40 in Asia/Kolkata, the same local date as T
    expect(localDate(late, TZ)).toBe(today);
    const day = planUrl(repB.id, today);
    const zigzag = [5, 0, 4, 1, 3, 2].map((i) => ({ location_id: locs[i]! }));
    expect((await call(putPlan, day.url, { as: mgrB.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: zigzag }, now: late })).status).toBe(200);
    const opt = await call(optimizePlan, `${day.url}/optimize`, { as: mgrB.id, params: day.params, body: { client_id: randomUUID(), start: { lat: 12.97, lon: 77.54 } }, now: late });
    expect(opt.status).toBe(200);
    expect(opt.body.unassigned).toEqual([]);
    expect(await pending(repB.id, today)).toEqual(locs);
    expect(opt.body.km_after).toBeLessThan(opt.body.km_before);
  });

  it("POST /routes/optimize answers the documented shape for any signed-in role", async () => {
    const stops = [5, 0, 3].map((i) => ({ id: `c${i}`, lat: 12.97, lon: 77.55 + i * 0.01, service_minutes: 10 }));
    const res = await call(optimizeRoute, "/api/v1/routes/optimize", { as: repB.id, body: { start: { lat: 12.97, lon: 77.54 }, start_time: "09:00", stops } });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual(["input_km", "legs", "order", "stops", "total_km", "total_minutes", "unassigned"]);
    expect(res.body.order).toEqual(["c0", "c3", "c5"]);
    expect(res.body.total_km).toBeLessThan(res.body.input_km);
    expect(res.body.stops[0]).toEqual({ id: "c0", arrival: expect.stringMatching(/^09:0\d$/), departure: expect.stringMatching(/^09:1\d$/) });
    expect((await call(optimizeRoute, "/api/v1/routes/optimize", { body: { start: { lat: 0, lon: 0 }, stops: [] } })).status).toBe(401);
    const bad = await call(optimizeRoute, "/api/v1/routes/optimize", { as: repB.id, body: { start: { lat: 0, lon: 0 }, stops: [{ id: "a", lat: 0, lon: 0, window: { start: "10:00", end: "09:00" } }] } });
    expect(bad.status).toBe(400);
  });

  it("beats: a manager creates one, the next 14 days are written and optimised; rerunning the job changes nothing; hand edits survive PATCH and DELETE", async () => {
    expect(JOBS.map((j) => j.name)).toContain("beats-materialize");
    const rep = await makePerson(db(), "rep", mgrA.id);
    const stops = [3, 0, 5, 1].map((i) => ({ location_id: locs[i]! }));
    const created = await call(createBeat, "/api/v1/beats", {
      as: mgrA.id,
      body: { client_id: randomUUID(), personnel_id: rep.id, name: "Every day", weekdays: [1, 2, 3, 4, 5, 6, 7], every_weeks: 1, starts_on: today, stops },
    });
    expect(created.status).toBe(201);
    const beatId = created.body.id as number;
    const days = await queryRows<{ plan_date: string; source: string }>(db(), sql`SELECT plan_date::text, source FROM plan_days WHERE personnel_id = ${rep.id} ORDER BY plan_date`);
    expect(days.map((d) => d.plan_date)).toEqual(Array.from({ length: 14 }, (_, k) => addDays(today, k)));
    expect(days.every((d) => d.source === "beat")).toBe(true);
    // Optimised (not the beat's order): the day starts at the first stop and sweeps the line.
    expect((await pending(rep.id, addDays(today, 1))).length).toBe(4);
    expect(await pending(rep.id, addDays(today, 1))).not.toEqual(stops.map((s) => s.location_id));

    const before = await snapshot(rep.id);
    const job = JOBS.find((j) => j.name === "beats-materialize")!;
    expect(await job.run(db(), T)).toEqual({ days: 0, stops: 0 });
    expect(await snapshot(rep.id)).toBe(before);

    // A manager edits one day by hand: the job and a beat change leave it alone.
    const edited = addDays(today, 3);
    const day = planUrl(rep.id, edited);
    await call(putPlan, day.url, { as: mgrA.id, method: "PUT", params: day.params, body: { client_id: randomUUID(), stops: [{ location_id: locs[2]! }] } });
    const patch = await call(patchBeat, `/api/v1/beats/${beatId}`, { as: mgrA.id, method: "PATCH", params: { id: String(beatId) }, body: { client_id: randomUUID(), stops: [{ location_id: locs[4]! }], keep_order: true } });
    expect(patch).toMatchObject({ status: 200, body: { keep_order: true, stops: [{ location_id: locs[4], planned_time: null }] } });
    expect(await pending(rep.id, addDays(today, 1))).toEqual([locs[4]]);
    expect(await pending(rep.id, edited)).toEqual([locs[2]]);
    expect(await materializeBeats(db(), T)).toEqual({ days: 0, stops: 0 });

    // Scope of beats.
    expect((await call(getBeat, `/api/v1/beats/${beatId}`, { as: mgrB.id, params: { id: String(beatId) } })).status).toBe(404);
    expect((await call(getBeat, `/api/v1/beats/${beatId}`, { as: rep.id, params: { id: String(beatId) } })).status).toBe(200);
    expect((await call(listBeats, "/api/v1/beats", { as: rep.id })).body.items.map((b: { id: number }) => b.id)).toEqual([beatId]);
    expect((await call(listBeats, "/api/v1/beats", { as: mgrB.id })).body.items).toEqual([]);
    expect((await call(createBeat, "/api/v1/beats", { as: rep.id, body: { client_id: randomUUID(), personnel_id: rep.id, name: "x", weekdays: [1], starts_on: today, stops } })).status).toBe(403);
    expect((await call(createBeat, "/api/v1/beats", { as: mgrB.id, body: { client_id: randomUUID(), personnel_id: rep.id, name: "x", weekdays: [1], starts_on: today, stops } })).status).toBe(404);
    expect((await call(deleteBeat, `/api/v1/beats/${beatId}`, { as: mgrB.id, method: "DELETE", params: { id: String(beatId) } })).status).toBe(404);

    const del = await call(deleteBeat, `/api/v1/beats/${beatId}`, { as: mgrA.id, method: "DELETE", params: { id: String(beatId) } });
    expect(del.status).toBe(204);
    const left = await queryRows<{ plan_date: string }>(db(), sql`SELECT plan_date::text FROM plan_days WHERE personnel_id = ${rep.id}`);
    expect(left.map((d) => d.plan_date)).toEqual([edited]);
    expect(await pending(rep.id, edited)).toEqual([locs[2]]);
  });

  it("every_weeks: a fortnightly Monday beat falls on alternate Mondays from its first week", async () => {
    const rep = await makePerson(db(), "rep", mgrA.id);
    const monday = addDays(today, (8 - isoWeekday(today)) % 7); // the next Monday (today when it is one)
    const res = await call(createBeat, "/api/v1/beats", {
      as: admin.id,
      body: { client_id: randomUUID(), personnel_id: rep.id, name: "Fortnight", weekdays: [1], every_weeks: 2, starts_on: monday, stops: [{ location_id: locs[0]!, planned_time: "10:00" }], keep_order: true },
    });
    expect(res.status).toBe(201);
    const days = await queryRows<{ plan_date: string }>(db(), sql`SELECT plan_date::text FROM plan_days WHERE personnel_id = ${rep.id} ORDER BY plan_date`);
    expect(days.map((d) => d.plan_date)).toEqual([monday]);
    const [pv] = await queryRows<{ planned_time: string }>(db(), sql`SELECT planned_time::text FROM planned_visits WHERE personnel_id = ${rep.id}`);
    expect(pv!.planned_time).toBe("10:00:00");
  });

  it("the plan carries the organisation's routing numbers after a settings change, and the phone's optimiser with them answers as the server does", async () => {
    const day = planUrl(repA.id, addDays(today, 5));
    const before = await call(getPlan, day.url, { as: repA.id, params: day.params });
    expect(before.body.routing).toEqual({ travel_speed_kmh: 30, route_detour_factor: 1.3, default_service_minutes: 20, appointment_minutes: 30 });
    const patch = (body: Record<string, unknown>) => call(patchSettings, "/api/v1/settings", { as: admin.id, method: "PATCH", body: { client_id: randomUUID(), ...body } });
    expect((await patch({ travel_speed_kmh: 12, route_detour_factor: 1.4, default_service_minutes: 45, alert_late_check_in_minutes: 20 })).status).toBe(200);
    try {
      const slow: DayRouting = { travel_speed_kmh: 12, route_detour_factor: 1.4, default_service_minutes: 45, appointment_minutes: 20 };
      expect((await call(getPlan, day.url, { as: repA.id, params: day.params })).body.routing).toEqual(slow);
      expect((await call(todayPlan, "/api/v1/plans/today", { as: repA.id })).body.routing).toEqual(slow);

      // A near customer without appointment and a far one at 10:00: with the default numbers near-first fits, with the
      // organisation's slow ones only far-first does (the phone with the defaults would answer another order).
      const near = await makeLocation(db(), 12.97 + 2 / 111, 77.54);
      const far = await makeLocation(db(), 12.97 + 10 / 111, 77.54);
      const mid = await makeLocation(db(), 12.97 + 5 / 111, 77.545);
      const start = { lat: 12.97, lon: 77.54 };
      const put = await call(putPlan, day.url, {
        as: mgrA.id,
        method: "PUT",
        params: day.params,
        body: { client_id: randomUUID(), stops: [{ location_id: near }, { location_id: mid }, { location_id: far, planned_time: "10:00" }] },
      });
      const plan = put.body as { work_hours: { start: string }; routing: DayRouting; stops: { planned_time: string | null; location: { id: number; lat: number; lon: number } }[] };
      expect(plan.routing).toEqual(slow);
      const phoneStops = plan.stops.map((s) => ({ key: String(s.location.id), lat: s.location.lat, lon: s.location.lon, planned_time: s.planned_time }));
      const phone = optimiseDay(phoneStops, start, plan.work_hours.start, { routing: plan.routing });
      const phoneWithDefaults = optimiseDay(phoneStops, start, plan.work_hours.start);
      expect(phone.order).not.toEqual(phoneWithDefaults.order);

      const opt = await call(optimizePlan, `${day.url}/optimize`, { as: mgrA.id, params: day.params, body: { client_id: randomUUID(), start } });
      expect(opt.status).toBe(200);
      expect(opt.body.plan.stops.map((s: { location: { id: number } }) => String(s.location.id))).toEqual(phone.order);
      expect([opt.body.km_before, opt.body.km_after, opt.body.minutes_before, opt.body.minutes_after]).toEqual([phone.before.km, phone.after.km, phone.before.minutes, phone.after.minutes]);
      expect(opt.body.unassigned).toEqual(phone.unassigned.map((u) => ({ location_id: Number(u.key), reason: u.reason })));

      // Arrival times: the server's stateless door fills the same numbers in (speed, detour, service) for the same windows.
      const windowed = phoneStops.map((s) => ({ id: s.key, lat: s.lat, lon: s.lon, window: s.planned_time ? { start: s.planned_time, end: "10:20" } : null }));
      const route = await call(optimizeRoute, "/api/v1/routes/optimize", { as: repA.id, body: { start, start_time: plan.work_hours.start, stops: windowed } });
      expect(route.body.order).toEqual(phone.result.order);
      expect(route.body.stops).toEqual(phone.result.stops);
    } finally {
      expect((await patch({ travel_speed_kmh: 30, route_detour_factor: 1.3, default_service_minutes: 20, alert_late_check_in_minutes: 30 })).status).toBe(200);
    }
  });
});
