/**
 * The check-in writes its visit, validation, outbox event, planned-visit link and session in few statements
 * (bench/count-round-trips.ts): these pin down that the rows and the answer are exactly what a row-by-row
 * write and a reload would give.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as getVisitRoute } from "../../src/app/api/v1/visits/[id]/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { localDate } from "../../src/lib/time";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";

/**
 * The test's clock, injected into every request (X-Fieldbeat-Test-Now): noon in the organisation's zone, so "today" here
 * and the day the server gives a check-in are one date (on the wall clock they differed across the org's midnight).
 */
const T = new Date("2031-07-15T06:30:00.000Z");

describeEachDriver("check-in: the rows it writes in few statements", (ctx) => {
  afterEach(() => useDbHandle(undefined));
  beforeAll(() => useDbHandle(ctx.handle));

  const checkIn = (as: number, body: Record<string, unknown>) => call(checkInRoute, "/api/v1/visits/check-in", { as, body, now: T });
  const checkOut = (as: number, visitId: number, lat: number, lon: number) =>
    call(checkOutRoute, "/api/v1/visits/check-out", { as, now: T, body: { client_id: uuid(), visit_id: visitId, lat, lon, accuracy_m: 5, captured_at: isoAgo(1_000, T) } });
  const orgTz = async () => (await queryRows<{ tz: string | null }>(ctx.handle.db, sql`SELECT time_zone AS tz FROM org_settings WHERE id = 1`))[0]?.tz ?? "Asia/Kolkata";

  it("answers the visit exactly as it is read back; one validation and one visit.checked_in event naming the session", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9716, 77.5946, 50);
    const res = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, lat: 12.97171, lon: 77.59462, accuracy_m: 7.5, captured_at: isoAgo(30_000, T), notes: "dock 3" });
    expect(res.status).toBe(201);
    const id = res.body.visit.id as number;

    const read = await call(getVisitRoute, `/api/v1/visits/${id}`, { as: rep.id, now: T, params: { id: String(id) } });
    expect(read.status).toBe(200);
    expect(res.body.visit).toStrictEqual(read.body.visit);
    expect(read.body.validations).toHaveLength(1);
    expect(read.body.validations[0]).toMatchObject({ validation_type: "GPS", is_valid: true, distance_from_location: res.body.validation.distance });
    expect(read.body.validations[0].details).toMatchObject({ phase: "check_in", status: res.body.validation.status, accuracy_m: 7.5 });

    const sessions = await queryRows<{ id: number; total_visits: number; status: string }>(db, sql`SELECT id, total_visits, status FROM daily_sessions WHERE personnel_id = ${rep.id}`);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({ total_visits: 1, status: "OPEN" });
    const evs = await queryRows<{ type: string; visit_id: number | null; location_id: number | null; payload: Record<string, unknown> }>(
      db,
      sql`SELECT type, visit_id, location_id, payload FROM events WHERE personnel_id = ${rep.id} ORDER BY id`,
    );
    expect(evs.map((e) => e.type)).toEqual(["session.started", "visit.checked_in"]);
    expect(evs[1]).toMatchObject({ visit_id: id, location_id: locationId });
    expect(evs[1]!.payload).toMatchObject({ session_id: Number(sessions[0]!.id), status: res.body.validation.status, flags: res.body.validation.flags });
  });

  it("a second check-in the same day counts on the open day without another session.started", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9716, 77.5946, 50);
    const first = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, lat: 12.97161, lon: 77.59461, accuracy_m: 5, captured_at: isoAgo(20_000, T) });
    expect(first.status).toBe(201);
    expect((await checkOut(rep.id, first.body.visit.id, 12.97162, 77.59462)).status).toBe(200);
    const second = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, lat: 12.97163, lon: 77.59463, accuracy_m: 5, captured_at: isoAgo(500, T) });
    expect(second.status).toBe(201);
    const [s] = await queryRows<{ n: number; total_visits: number }>(db, sql`SELECT count(*) OVER ()::int AS n, total_visits FROM daily_sessions WHERE personnel_id = ${rep.id}`);
    expect(s).toMatchObject({ n: 1, total_visits: 2 });
    const started = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM events WHERE personnel_id = ${rep.id} AND type = 'session.started'`);
    expect(started[0]!.n).toBe(1);
  });

  it("reopens today's ended day (session.started, reopened) and counts the visit there", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9716, 77.5946, 50);
    const today = localDate(T, await orgTz());
    await db.execute(
      sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, logout_time, status, total_visits, end_client_id)
          VALUES (${rep.id}, ${today}::date, ${T.toISOString()}::timestamptz - interval '2 hours', ${T.toISOString()}::timestamptz - interval '1 hour', 'CLOSED', 3, ${uuid()}::uuid)`,
    );
    const res = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, lat: 12.97161, lon: 77.59461, accuracy_m: 5, captured_at: isoAgo(1_000, T) });
    expect(res.status).toBe(201);
    const [s] = await queryRows<{ id: number; status: string; logout_time: unknown; end_client_id: unknown; total_visits: number }>(
      db,
      sql`SELECT id, status, logout_time, end_client_id, total_visits FROM daily_sessions WHERE personnel_id = ${rep.id}`,
    );
    expect(s).toMatchObject({ status: "OPEN", logout_time: null, end_client_id: null, total_visits: 4 });
    const evs = await queryRows<{ type: string; payload: Record<string, unknown> }>(db, sql`SELECT type, payload FROM events WHERE personnel_id = ${rep.id} ORDER BY id`);
    expect(evs.map((e) => e.type)).toEqual(["session.started", "visit.checked_in"]);
    expect(evs[0]!.payload).toMatchObject({ session_id: Number(s!.id), reopened: true, via: "check_in" });
  });

  it("links the planned visit; checking in on it again is 409 PLANNED_VISIT_DONE and writes nothing", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9716, 77.5946, 50);
    const today = localDate(T, await orgTz());
    const [plan] = await queryRows<{ id: number }>(
      db,
      sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence) VALUES (${rep.id}, ${locationId}, ${today}::date, 1) RETURNING id`,
    );
    const planId = Number(plan!.id);
    const first = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, planned_visit_id: planId, lat: 12.97161, lon: 77.59461, accuracy_m: 5, captured_at: isoAgo(20_000, T) });
    expect(first.status).toBe(201);
    const [linked] = await queryRows<{ visit_id: number | null }>(db, sql`SELECT visit_id FROM planned_visits WHERE id = ${planId}`);
    expect(Number(linked!.visit_id)).toBe(first.body.visit.id);

    expect((await checkOut(rep.id, first.body.visit.id, 12.97162, 77.59462)).status).toBe(200);
    const visitsBefore = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM visits WHERE personnel_id = ${rep.id}`);
    const again = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, planned_visit_id: planId, lat: 12.97163, lon: 77.59463, accuracy_m: 5, captured_at: isoAgo(500, T) });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: "PLANNED_VISIT_DONE", field: "planned_visit_id" });
    const visitsAfter = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM visits WHERE personnel_id = ${rep.id}`);
    expect(visitsAfter[0]!.n).toBe(visitsBefore[0]!.n);
  });
});
