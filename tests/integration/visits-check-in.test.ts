import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, hasFixtures, isoAgo, makeLocation, makePerson, photoFix, uuid } from "../support/visits-world";

const photos = hasFixtures("photos");
if (!photos) console.warn("visits-check-in: ../shared/fixtures/photos is absent (set FIXTURES_DIR): the DSCN fence cases are skipped");

describeEachDriver("POST /api/v1/visits/check-in and check-out", (ctx) => {
  afterEach(() => useDbHandle(undefined));
  beforeAll(() => useDbHandle(ctx.handle));

  const checkIn = (as: number, body: Record<string, unknown>) => call(checkInRoute, "/api/v1/visits/check-in", { as, body });
  const checkOut = (as: number, body: Record<string, unknown>) => call(checkOutRoute, "/api/v1/visits/check-out", { as, body });

  // The DSCN walk in Arezzo: distances by GeographicLib, never by the code under test.
  it.runIf(photos).each([
    ["DSCN0010", "DSCN0012", 39.007, "VALID"],
    ["DSCN0012", "DSCN0021", 69.821, "WARNING"],
    ["DSCN0021", "DSCN0025", 274.817, "INVALID"],
  ] as const)("location at %s, check-in at %s → %f m %s", async (at, from, distance, status) => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const a = photoFix(`ianare-gps-${at}.jpg`);
    const b = photoFix(`ianare-gps-${from}.jpg`);
    const locationId = await makeLocation(db, a.lat, a.lon, 50);
    const res = await checkIn(rep.id, { client_id: uuid(), location_id: locationId, lat: b.lat, lon: b.lon, accuracy_m: 8, captured_at: isoAgo(5_000) });
    expect(res.status).toBe(201);
    expect(Math.abs(res.body.validation.distance - distance)).toBeLessThanOrEqual(0.01);
    expect(res.body.validation).toMatchObject({ status, valid: status !== "INVALID", radius: 50, flags: [] });
    expect(res.body.visit).toMatchObject({ personnel_id: rep.id, location_id: locationId, validation_status: status, validated: status !== "INVALID" });
    const [v] = await queryRows<{ is_valid: boolean; d: string; details: Record<string, unknown> }>(
      db,
      sql`SELECT is_valid, distance_from_location AS d, validation_details AS details FROM location_validations WHERE visit_id = ${res.body.visit.id}`,
    );
    expect(v).toMatchObject({ is_valid: status !== "INVALID" });
    expect(Number(v!.d)).toBe(res.body.validation.distance);
    expect(v!.details).toMatchObject({ phase: "check_in", status, radius: 50, accuracy_m: 8, flags: [], evidence_score: res.body.validation.evidence_score });
  });

  it("writes visit, validation, session and event in one go; replays answer the first body; check-out closes it", async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, 12.9716, 77.5946, 50);
    const clientId = uuid();
    const capturedAt = isoAgo(60_000);
    const body = { client_id: clientId, location_id: locationId, lat: 12.97165, lon: 77.5946, accuracy_m: 12.5, captured_at: capturedAt, notes: "front desk" };
    const first = await checkIn(rep.id, body);
    expect(first.status).toBe(201);
    expect(first.body.visit).toMatchObject({ client_id: clientId, check_in_time: capturedAt, check_in_accuracy_m: 12.5, notes: "front desk", check_out_time: null });
    expect(first.body.validation.evidence_score).toBe(100);
    expect(first.body.validation.reasons[0]).toMatch(/Inside the geofence/);
    expect(Date.parse(first.body.visit.check_in_received_at)).toBeGreaterThan(Date.parse(capturedAt));

    const replay = await checkIn(rep.id, body);
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(first.text);

    const [s] = await queryRows<{ total_visits: number; status: string; n: number }>(
      db,
      sql`SELECT total_visits, status, (SELECT count(*)::int FROM events WHERE personnel_id = ${rep.id} AND type = 'visit.checked_in') AS n
          FROM daily_sessions WHERE personnel_id = ${rep.id}`,
    );
    expect(s).toEqual({ total_visits: 1, status: "OPEN", n: 1 });

    // A second check-in while one is open.
    const other = await checkIn(rep.id, { ...body, client_id: uuid() });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: "VISIT_ALREADY_OPEN", open_visit_id: first.body.visit.id });

    const outBody = { client_id: uuid(), visit_id: first.body.visit.id, lat: 12.9717, lon: 77.5946, accuracy_m: 9, captured_at: isoAgo(1_000), outcome: "ORDER_TAKEN", notes: "paid" };
    const out = await checkOut(rep.id, outBody);
    expect(out.status).toBe(200);
    expect(out.body.visit).toMatchObject({ check_out_client_id: outBody.client_id, duration_minutes: 1, outcome: "ORDER_TAKEN", notes: "front desk\npaid", check_out_status: "VALID" });
    expect(out.body.visit.check_out_distance_m).toBe(out.body.validation.distance);
    const outReplay = await checkOut(rep.id, outBody);
    expect(outReplay.status).toBe(200);
    expect(outReplay.text).toBe(out.text);
    const again = await checkOut(rep.id, { ...outBody, client_id: uuid() });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("VISIT_ALREADY_CLOSED");
    // The check-in replay still answers its first body, even after the check-out.
    expect((await checkIn(rep.id, body)).text).toBe(first.text);

    const phases = await queryRows<{ phase: string }>(db, sql`SELECT validation_details->>'phase' AS phase FROM location_validations WHERE visit_id = ${first.body.visit.id} ORDER BY id`);
    expect(phases.map((p) => p.phase)).toEqual(["check_in", "check_out"]);
    const events = await queryRows<{ type: string }>(db, sql`SELECT type FROM events WHERE personnel_id = ${rep.id} ORDER BY id`);
    expect(events.map((e) => e.type)).toEqual(["session.started", "visit.checked_in", "visit.checked_out"]);

    // After the check-out a new check-in is allowed and counts on the same day.
    const next = await checkIn(rep.id, { ...body, client_id: uuid(), captured_at: new Date().toISOString() });
    expect(next.status).toBe(201);
    const [s2] = await queryRows<{ total_visits: number }>(db, sql`SELECT total_visits FROM daily_sessions WHERE personnel_id = ${rep.id}`);
    expect(s2!.total_visits).toBe(2);
  });
});
