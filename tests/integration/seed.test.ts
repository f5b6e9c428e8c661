import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { seedDemoData, SeedRefusedError, type SeedSummary } from "../../db/seed";
import { queryRows, type Db } from "../../src/server/db/client";
import { describeEachDriver, freshDb } from "../support/db";

const FIXTURES = path.resolve(process.env.FIXTURES_DIR ?? path.join(__dirname, "../../../shared/fixtures"));
const NOW = new Date("2026-03-18T06:30:00Z"); // a Wednesday, noon in Kolkata
const opts = { now: NOW, password: "fieldbeat-demo", fixturesDir: FIXTURES };

/** Everything the seed decides, in a stable order; passwords (salted) and row timestamps excluded. */
async function fingerprint(db: Db): Promise<string> {
  const parts = await Promise.all([
    queryRows(db, sql`SELECT id, name, email, phone, employee_id, manager_id, role FROM personnel ORDER BY id`),
    queryRows(db, sql`SELECT id, name, ST_AsText(coordinates) c, geofence_radius, location_type, external_ref FROM locations ORDER BY id`),
    queryRows(db, sql`SELECT id, personnel_id, location_id, planned_date::text, check_in_time, ST_AsText(check_in_coords) c, check_out_time, duration_minutes, validation_status, client_id FROM visits ORDER BY id`),
    queryRows(db, sql`SELECT visit_id, is_valid, distance_from_location::text FROM location_validations ORDER BY id`),
    queryRows(db, sql`SELECT personnel_id, location_id, planned_date::text, sequence, visit_id FROM planned_visits ORDER BY id`),
    queryRows(db, sql`SELECT personnel_id, session_date::text, login_time, logout_time, total_visits, total_travel_km::text FROM daily_sessions ORDER BY id`),
  ]);
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}

describeEachDriver("demo seed", (ctx) => {
  let summary: SeedSummary;
  beforeAll(async () => {
    summary = await seedDemoData(ctx.handle.db, opts);
  });

  it("creates the fixed demo logins in their hierarchy", async () => {
    const people = await queryRows<{ email: string; role: string; manager: string | null }>(
      ctx.handle.db,
      sql`SELECT p.email, p.role, m.email AS manager FROM personnel p LEFT JOIN personnel m ON m.id = p.manager_id ORDER BY p.id`,
    );
    expect(people).toHaveLength(28);
    expect(people[0]).toEqual({ email: "admin@fieldbeat.test", role: "admin", manager: null });
    for (let m = 1; m <= 3; m++) expect(people).toContainEqual({ email: `manager${m}@fieldbeat.test`, role: "manager", manager: "admin@fieldbeat.test" });
    for (let r = 1; r <= 24; r++) {
      const email = `rep${String(r).padStart(2, "0")}@fieldbeat.test`;
      expect(people).toContainEqual({ email, role: "rep", manager: `manager${Math.ceil(r / 8)}@fieldbeat.test` });
    }
  });

  it("has a hierarchy without cycles: everyone reaches the admin", async () => {
    const rows = await queryRows<{ id: number; depth: number }>(
      ctx.handle.db,
      sql`WITH RECURSIVE up(id, manager_id, depth, path) AS (
            SELECT id, manager_id, 0, ARRAY[id] FROM personnel
            UNION ALL
            SELECT up.id, p.manager_id, up.depth + 1, up.path || p.id FROM up JOIN personnel p ON p.id = up.manager_id
            WHERE NOT p.id = ANY(up.path))
          SELECT id, max(depth) AS depth FROM up WHERE manager_id IS NULL GROUP BY id`,
    );
    expect(rows).toHaveLength(28); // every person's chain ends at a root (no cycle stops it)
    expect(Math.max(...rows.map((r) => Number(r.depth)))).toBe(2);
  });

  it("hashes the demo password with argon2id", async () => {
    const [row] = await queryRows<{ password_hash: string }>(ctx.handle.db, sql`SELECT password_hash FROM personnel WHERE email = 'rep01@fieldbeat.test'`);
    expect(row?.password_hash).toMatch(/^\$argon2id\$/);
  });

  it("plans today's route for every rep and 30 days of history with every verdict", async () => {
    expect(summary.today).toBe("2026-03-18");
    const perRep = await queryRows<{ n: number }>(ctx.handle.db, sql`SELECT count(*)::int n FROM planned_visits WHERE planned_date = '2026-03-18' GROUP BY personnel_id`);
    expect(perRep).toHaveLength(24);
    for (const r of perRep) expect(r.n).toBeGreaterThanOrEqual(4);
    const statuses = await queryRows<{ validation_status: string; n: number }>(ctx.handle.db, sql`SELECT validation_status, count(*)::int n FROM visits GROUP BY 1 ORDER BY 1`);
    const by = Object.fromEntries(statuses.map((s) => [s.validation_status, s.n]));
    expect(by.VALID).toBeGreaterThan(by.WARNING ?? 0);
    expect(by.WARNING).toBeGreaterThan(0);
    expect(by.INVALID).toBeGreaterThan(0);
    const [span] = await queryRows<{ first: string; last: string }>(ctx.handle.db, sql`SELECT min(planned_date)::text first, max(planned_date)::text last FROM visits`);
    expect(span).toEqual({ first: "2026-02-16", last: "2026-03-17" });
  });

  it("has visits on every working day of last week, the Reports page's default period", async () => {
    const days = await queryRows<{ d: string }>(
      ctx.handle.db,
      sql`SELECT DISTINCT (check_in_time AT TIME ZONE 'Asia/Kolkata')::date::text d FROM visits
          WHERE check_in_time >= '2026-03-09T00:00:00+05:30' AND check_in_time < '2026-03-16T00:00:00+05:30' ORDER BY 1`,
    );
    expect(days.map((r) => r.d)).toEqual(["2026-03-09", "2026-03-10", "2026-03-11", "2026-03-12", "2026-03-13", "2026-03-14"]);
  });

  it("stores verdicts that agree with PostGIS distances and the fence rule", async () => {
    const wrong = await queryRows(
      ctx.handle.db,
      sql`SELECT v.id FROM visits v JOIN locations l ON l.id = v.location_id JOIN location_validations lv ON lv.visit_id = v.id
          WHERE lv.distance_from_location <> round(ST_Distance(v.check_in_coords, l.coordinates)::numeric, 2)
             OR v.validation_status <> CASE WHEN lv.distance_from_location <= l.geofence_radius THEN 'VALID'
                                            WHEN lv.distance_from_location <= 2 * l.geofence_radius THEN 'WARNING' ELSE 'INVALID' END
             OR v.validated <> (v.validation_status <> 'INVALID')`,
    );
    expect(wrong).toEqual([]);
  });

  it("takes customer locations from the OpenStreetMap fixture when present", async (t) => {
    if (!existsSync(path.join(FIXTURES, "poi/bengaluru_osm_poi_2015.csv"))) t.skip(`fixtures not found at ${FIXTURES} (set FIXTURES_DIR)`);
    expect(summary.locationSource).toBe("osm");
    expect(summary.locations).toBe(1715);
    const [row] = await queryRows<{ name: string; lat: number; lon: number }>(
      ctx.handle.db,
      sql`SELECT name, ST_Y(coordinates::geometry) lat, ST_X(coordinates::geometry) lon FROM locations WHERE external_ref = 'osm:node/308729154'`,
    );
    expect(row).toEqual({ name: "Citibank ATM Jayanagar 7th Block", lat: 12.923828, lon: 77.5763354 });
  });

  it("refuses to seed a database that already has people", async () => {
    await expect(seedDemoData(ctx.handle.db, opts)).rejects.toBeInstanceOf(SeedRefusedError);
  });

  it("is deterministic: a second fresh database gets identical data", async () => {
    const other = await freshDb(ctx.driver);
    try {
      await seedDemoData(other.handle.db, opts);
      expect(await fingerprint(other.handle.db)).toBe(await fingerprint(ctx.handle.db));
    } finally {
      await other.drop();
    }
  });
});
