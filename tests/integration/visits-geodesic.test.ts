/**
 * Geodesic truth: Karney's GeodTest short pairs (GeographicLib, exact to 0.1 µm), shifted to Bengaluru's
 * longitude and mirrored to the southern hemisphere. A location at point 1 (r = 50 m), a check-in at point 2:
 * the check-in's distance must be the reference within 1 mm and its status the §6 verdict for r = 50.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { locations } from "../../src/server/db/schema";
import { distanceSql, geofenceStatus } from "../../src/server/geo/verdict";
import { pointExprSql } from "../../src/server/locations/locations.queries";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { ctxFor, fixturesDir, hasFixtures, makeLocation, makePerson, uuid } from "../support/visits-world";

const SHIFT = 77.5946;
const R = 50;
/** DESIGN §6 written out independently of geofenceStatus (so a mutation of the rule cannot pass its own test). */
const expectedStatus = (d: number, r: number) => (d <= r ? "VALID" : d <= 2 * r ? "WARNING" : "INVALID");
const BOUNDARY_LINES = [3089, 3109, 3713, 3405, 3735, 3157];
type Pair = { line: number; lat1: number; lon1: number; lat2: number; lon2: number; distance: number; hemi: "N" | "S" };

function loadPairs(): Pair[] {
  const text = readFileSync(path.join(fixturesDir(), "geodesic/geodtest-short-pairs.csv"), "utf8");
  const rows = text.trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
  const pairs: Pair[] = [];
  for (const [line, lat1, lon1, lat2, lon2, distance] of rows as number[][] as [number, number, number, number, number, number][]) {
    pairs.push({ line, lat1, lon1: lon1 + SHIFT, lat2, lon2: lon2 + SHIFT, distance, hemi: "N" });
    pairs.push({ line, lat1: -lat1, lon1: lon1 + SHIFT, lat2: -lat2, lon2: lon2 + SHIFT, distance, hemi: "S" });
  }
  return pairs;
}

const present = hasFixtures("geodesic/geodtest-short-pairs.csv");
if (!present) console.warn("visits-geodesic: ../shared/fixtures/geodesic is absent (set FIXTURES_DIR): geodesic truth tests skipped");

describeEachDriver("check-in distance against GeographicLib (GeodTest short pairs)", (ctx) => {
  afterEach(() => useDbHandle(undefined));

  // Every pair runs set-based through the use-case's own SQL (locations written by the same drizzle type, distance by
  // distanceSql ∘ pointExprSql, verdict by geofenceStatus); the boundary rows and a sample also run the full check-in.
  // Measured: a full check-in costs 15–50 ms here (2 cores, both drivers), 1,000 of them per driver took 15–50 s.
  it.runIf(present)("every pair, both hemispheres, with the check-in's distance SQL: within 1 mm of the reference, right status for r = 50", async () => {
    const pairs = loadPairs();
    expect(pairs).toHaveLength(1000);
    const db = ctx.handle.db;
    const ids = await db
      .insert(locations)
      .values(pairs.map((p, i) => ({ name: `geod-${p.line}${p.hemi}-${i}`, coordinates: { lat: p.lat1, lng: p.lon1 }, geofenceRadius: R })))
      .returning({ id: locations.id });
    const values = sql.join(pairs.map((p, i) => sql`(${ids[i]!.id}::int, ${i}::int, ${p.lat2}::float8, ${p.lon2}::float8)`), sql`, `);
    const rows = await queryRows<{ i: number; d: string; raw: number }>(
      db,
      sql`SELECT t.i, ${distanceSql(sql`l.coordinates`, pointExprSql(sql`t.lat`, sql`t.lon`))} AS d,
                 ST_Distance(l.coordinates, ${pointExprSql(sql`t.lat`, sql`t.lon`)}) AS raw
          FROM (VALUES ${values}) AS t(id, i, lat, lon) JOIN locations l ON l.id = t.id ORDER BY t.i`,
    );
    expect(rows).toHaveLength(1000);
    const failures: string[] = [];
    let worstRaw = 0;
    for (const r of rows) {
      const p = pairs[Number(r.i)]!;
      const reference = Math.round(p.distance * 100) / 100;
      const d = Number(r.d);
      worstRaw = Math.max(worstRaw, Math.abs(Number(r.raw) - p.distance));
      if (Math.abs(d - reference) > 0.001 || geofenceStatus(d, R) !== expectedStatus(reference, R)) failures.push(`${p.line}${p.hemi}: ${d} vs ${p.distance}`);
    }
    console.info(`[${ctx.driver}] 1000 pairs set-based; worst unrounded error ${(worstRaw * 1000).toFixed(4)} mm`);
    expect(failures).toEqual([]);
    expect(worstRaw).toBeLessThan(0.001);
  });

  it.runIf(present)("the fence-boundary rows and every 25th pair, both hemispheres, through the full check-in use-case", async () => {
    const pairs = loadPairs().filter((p, i) => BOUNDARY_LINES.includes(p.line) || Math.floor(i / 2) % 25 === 0);
    expect(pairs.filter((p) => BOUNDARY_LINES.includes(p.line))).toHaveLength(12);
    const db = ctx.handle.db;
    const failures: string[] = [];
    for (const p of pairs) {
      const rep = await makePerson(db, "rep");
      const locationId = await makeLocation(db, p.lat1, p.lon1, R);
      const now = new Date();
      const { body } = await checkIn(ctxFor(db, rep, now), { client_id: uuid(), location_id: locationId, lat: p.lat2, lon: p.lon2, accuracy_m: 5, captured_at: now.toISOString() });
      // The API rounds to 0.01 m (DESIGN §6): compare with the reference rounded the same way, within 1 mm.
      const reference = Math.round(p.distance * 100) / 100;
      const expected = expectedStatus(reference, R);
      if (Math.abs(body.validation.distance - reference) > 0.001 || body.validation.status !== expected || body.visit.validation_status !== expected) {
        failures.push(`${p.line}${p.hemi}: ${body.validation.distance} vs ${p.distance} (${body.validation.status}, want ${expected})`);
      }
    }
    expect(failures).toEqual([]);
  });

  it.each([
    [49.99, "VALID", 50],
    [50, "VALID", 50],
    [50.01, "WARNING", 50],
    [99.99, "WARNING", 50],
    [100, "WARNING", 50],
    [100.01, "INVALID", 50],
    // Another radius: the rule scales with r, it is not "50 and 100" hard-coded.
    [100, "VALID", 100],
    [100.01, "WARNING", 100],
    [200, "WARNING", 100],
    [200.01, "INVALID", 100],
  ] as const)("boundary: a fix %f m from the centre → %s (r = %i m)", async (d, status, radius) => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const centre = { lat: 12.9716, lon: 77.5946 };
    // The fix is placed on the spheroid with PostGIS's direct geodesic (ST_Project), 37° azimuth.
    const [p] = await queryRows<{ lat: number; lon: number }>(
      db,
      sql`SELECT ST_Y(g::geometry) AS lat, ST_X(g::geometry) AS lon
          FROM (SELECT ST_Project(ST_SetSRID(ST_MakePoint(${centre.lon}::float8, ${centre.lat}::float8), 4326)::geography, ${d}::float8, radians(37)) AS g) t`,
    );
    const rep = await makePerson(db, "rep");
    const locationId = await makeLocation(db, centre.lat, centre.lon, radius);
    const now = new Date();
    const { body } = await checkIn(ctxFor(db, rep, now), { client_id: uuid(), location_id: locationId, lat: Number(p!.lat), lon: Number(p!.lon), accuracy_m: 5, captured_at: now.toISOString() });
    expect(body.validation.distance).toBe(d);
    expect(status).toBe(expectedStatus(d, radius));
    expect(body.validation.status).toBe(status);
    expect(body.validation.valid).toBe(status !== "INVALID");
  });
});
