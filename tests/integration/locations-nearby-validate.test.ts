import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as nearbyRoute } from "../../src/app/api/v1/locations/nearby/route";
import { POST as validateRoute } from "../../src/app/api/v1/locations/validate/route";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, hasFixtures, makeLocation, makePerson, photoFix, writeCounts } from "../support/visits-world";

describeEachDriver("locations: nearby and validate", (ctx) => {
  let rep: Actor, admin: Actor;
  const centre = { lat: 12.9716, lon: 77.5946 };
  const placed: Array<{ id: number; d: number; active: boolean }> = [];

  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    rep = await makePerson(db, "rep");
    admin = await makePerson(db, "admin");
    // Places at known geodesic distances (ST_Project on the spheroid) in varied directions, one inactive.
    const spec = [[120, 10], [950, 80], [2_400, 200], [4_990, 300], [5_050, 45], [30_000, 170], [60_000, 10], [300, 260, false]] as const;
    for (const [d, az, active = true] of spec) {
      const [p] = await queryRows<{ lat: number; lon: number }>(
        db,
        sql`SELECT ST_Y(g::geometry) AS lat, ST_X(g::geometry) AS lon FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(${centre.lon}::float8, ${centre.lat}::float8), 4326)::geography, ${d}::float8, radians(${az}::float8)) AS g) t`,
      );
      placed.push({ id: await makeLocation(db, Number(p!.lat), Number(p!.lon), 50, active), d, active });
    }
  });
  afterEach(() => useDbHandle(ctx.handle));

  const nearby = (qs: string, as = rep.id) => call(nearbyRoute, `/api/v1/locations/nearby${qs}`, { as });

  it("defaults to 5 km / 20: active places within the radius, nearest first, with exact distances", async () => {
    const r = await nearby(`?lat=${centre.lat}&lon=${centre.lon}`);
    expect(r.status).toBe(200);
    const want = placed.filter((p) => p.active && p.d <= 5_000);
    expect(r.body.locations.map((l: { id: number }) => l.id)).toEqual(want.map((p) => p.id));
    r.body.locations.forEach((l: { distance_m: number }, i: number) => expect(Math.abs(l.distance_m - want[i]!.d)).toBeLessThanOrEqual(0.01));
    expect(r.body.locations[0]).toMatchObject({ geofence_radius: 50, lat: expect.any(Number), lon: expect.any(Number), name: expect.any(String) });
  });

  it("honours radius and limit", async () => {
    const wide = await nearby(`?lat=${centre.lat}&lon=${centre.lon}&radius=50000&limit=3`);
    expect(wide.body.locations.map((l: { id: number }) => l.id)).toEqual(placed.filter((p) => p.active).sort((x, y) => x.d - y.d).slice(0, 3).map((p) => p.id));
    const all = await nearby(`?lat=${centre.lat}&lon=${centre.lon}&radius=50000&limit=100`);
    expect(all.body.locations).toHaveLength(6); // 60 km one is out, the inactive one never shows
    const small = await nearby(`?lat=${centre.lat}&lon=${centre.lon}&radius=100`);
    expect(small.body.locations).toEqual([]);
  });

  it.each([
    ["?lon=77.59", "lat"],
    ["?lat=91&lon=77.59", "lat"],
    ["?lat=abc&lon=77.59", "lat"],
    ["?lat=12.9&lon=Infinity", "lon"],
    ["?lat=12.9&lon=77.5&radius=50001", "radius"],
    ["?lat=12.9&lon=77.5&radius=0", "radius"],
    ["?lat=12.9&lon=77.5&limit=101", "limit"],
    ["?lat=12.9&lon=77.5&limit=2.5", "limit"],
  ])("nearby %s → 400 on %s", async (qs, field) => {
    const r = await nearby(qs);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: "VALIDATION_FAILED", field });
  });

  it("nearby needs credentials", async () => {
    expect((await call(nearbyRoute, `/api/v1/locations/nearby?lat=1&lon=1`)).status).toBe(401);
  });

  it.runIf(hasFixtures("photos"))("validate answers { valid, distance, status } like validate_check_in, for any role, writing nothing", async () => {
    const db = ctx.handle.db;
    const a = photoFix("ianare-gps-DSCN0012.jpg");
    const b = photoFix("ianare-gps-DSCN0021.jpg");
    const id = await makeLocation(db, a.lat, a.lon, 50);
    const before = await writeCounts(db);
    for (const as of [rep.id, admin.id]) {
      const r = await call(validateRoute, "/api/v1/locations/validate", { as, body: { lat: b.lat, lon: b.lon, location_id: id } });
      expect(r.status).toBe(200);
      expect(Object.keys(r.body).sort()).toEqual(["distance", "status", "valid"]);
      expect(r.body).toMatchObject({ valid: true, status: "WARNING" });
      expect(Math.abs(r.body.distance - 69.821)).toBeLessThanOrEqual(0.01);
    }
    expect(await writeCounts(db)).toEqual(before);
  });

  it.each([
    [{ lat: 12.9, lon: 77.5, location_id: 99_999_999 }, 404, "location_id"],
    [{ lat: 12.9, lon: 200, location_id: 1 }, 400, "lon"],
    [{ lat: "12.9", lon: 77.5, location_id: 1 }, 400, "lat"],
    [{ lat: 12.9, lon: 77.5 }, 400, "location_id"],
  ])("validate %j → %i on %s", async (body, status, field) => {
    const r = await call(validateRoute, "/api/v1/locations/validate", { as: rep.id, body });
    expect(r.status).toBe(status);
    expect(r.body.error.field).toBe(field);
  });

  it("validate refuses an inactive location (404) and a non-JSON body (415)", async () => {
    const inactive = placed.find((p) => !p.active)!.id;
    expect((await call(validateRoute, "/api/v1/locations/validate", { as: rep.id, body: { lat: 1, lon: 1, location_id: inactive } })).status).toBe(404);
    expect((await call(validateRoute, "/api/v1/locations/validate", { as: rep.id, raw: "lat=1", contentType: "application/x-www-form-urlencoded" })).status).toBe(415);
  });
});
