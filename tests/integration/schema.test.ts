import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { describeEachDriver } from "../support/db";

/** The seed schema, column by column: name → information_schema data_type (udt_name for user types). */
const SEED_SCHEMA: Record<string, Record<string, string>> = {
  personnel: { id: "integer", name: "character varying", email: "character varying", phone: "character varying", employee_id: "character varying", manager_id: "integer", active: "boolean", created_at: "timestamp with time zone" },
  locations: { id: "integer", name: "character varying", address: "text", coordinates: "geography", geofence_radius: "integer", location_type: "character varying", created_at: "timestamp with time zone" },
  visits: {
    id: "integer", personnel_id: "integer", location_id: "integer", planned_date: "date", check_in_time: "timestamp with time zone", check_in_coords: "geography",
    check_out_time: "timestamp with time zone", check_out_coords: "geography", duration_minutes: "integer", selfie_url: "text", selfie_metadata: "jsonb",
    notes: "text", validated: "boolean", validation_status: "character varying", created_at: "timestamp with time zone",
  },
  daily_sessions: { id: "integer", personnel_id: "integer", session_date: "date", login_time: "timestamp with time zone", logout_time: "timestamp with time zone", total_visits: "integer", total_travel_km: "numeric", status: "character varying", created_at: "timestamp with time zone" },
  location_validations: { id: "integer", visit_id: "integer", validation_type: "character varying", is_valid: "boolean", distance_from_location: "numeric", validation_details: "jsonb", validated_at: "timestamp with time zone" },
};

describeEachDriver("migrated schema", (ctx) => {
  it("has every table and column of the seed schema with its type", async () => {
    const cols = await queryRows<{ table_name: string; column_name: string; data_type: string; udt_name: string }>(
      ctx.handle.db,
      sql`SELECT table_name, column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = 'public'`,
    );
    for (const [table, columns] of Object.entries(SEED_SCHEMA)) {
      for (const [column, type] of Object.entries(columns)) {
        const found = cols.find((c) => c.table_name === table && c.column_name === column);
        expect(found, `${table}.${column}`).toBeDefined();
        expect(found!.data_type === "USER-DEFINED" ? found!.udt_name : found!.data_type, `${table}.${column}`).toBe(type);
      }
    }
  });

  it("stores coordinates as GEOGRAPHY(POINT, 4326)", async () => {
    const rows = await queryRows<{ f_table_name: string; f_geography_column: string; srid: number; type: string }>(
      ctx.handle.db,
      sql`SELECT f_table_name, f_geography_column, srid, type FROM geography_columns ORDER BY 1, 2`,
    );
    // location_pings is partitioned by day (migration 0019): each day's partition inherits the parent's column exactly.
    const partitions = rows.filter((r) => /^location_pings_p\d{8}$/.test(r.f_table_name));
    for (const p of partitions) expect([p.f_geography_column, Number(p.srid), p.type]).toEqual(["coords", 4326, "Point"]);
    expect(rows.filter((r) => !partitions.includes(r)).map((r) => [r.f_table_name, r.f_geography_column, Number(r.srid), r.type])).toEqual([
      ["location_pings", "coords", 4326, "Point"],
      ["locations", "coordinates", 4326, "Point"],
      ["visits", "check_in_coords", 4326, "Point"],
      ["visits", "check_out_coords", 4326, "Point"],
    ]);
  });

  it("has the seed indexes, GiST on locations.coordinates", async () => {
    const idx = await queryRows<{ indexname: string; indexdef: string }>(ctx.handle.db, sql`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'`);
    const def = (name: string) => idx.find((i) => i.indexname === name)?.indexdef ?? "";
    expect(def("idx_location_coords")).toMatch(/USING gist \(coordinates\)/);
    expect(def("idx_visits_personnel_date")).toMatch(/\(personnel_id, planned_date\)/);
    expect(def("idx_visits_location")).toMatch(/\(location_id\)/);
    expect(def("idx_visits_check_in")).toMatch(/\(check_in_time\)/);
    // The check-in's speed check reads a rep's latest check-in and check-out through these, whatever their history.
    expect(def("idx_visits_personnel_check_in")).toMatch(/\(personnel_id, check_in_time\)/);
    expect(def("idx_visits_personnel_check_out")).toMatch(/\(personnel_id, check_out_time\) WHERE \(check_out_time IS NOT NULL\)/);
  });

  it("enforces the seed's uniques and defaults", async () => {
    const uniques = await queryRows<{ table_name: string; column_name: string }>(
      ctx.handle.db,
      sql`SELECT tc.table_name, kcu.column_name FROM information_schema.table_constraints tc
          JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
          WHERE tc.constraint_type = 'UNIQUE' AND tc.table_schema = 'public'`,
    );
    expect(uniques).toEqual(expect.arrayContaining([{ table_name: "personnel", column_name: "email" }, { table_name: "personnel", column_name: "employee_id" }]));
    const [radius] = await queryRows<{ column_default: string }>(
      ctx.handle.db,
      sql`SELECT column_default FROM information_schema.columns WHERE table_name = 'locations' AND column_name = 'geofence_radius'`,
    );
    expect(radius?.column_default).toBe("50");
    const [tz] = await queryRows<{ time_zone: string }>(ctx.handle.db, sql`SELECT time_zone FROM org_settings WHERE id = 1`);
    expect(tz?.time_zone).toBe("Asia/Kolkata");
  });

  it("has PostGIS computing spheroid distances", async () => {
    // 1° of latitude at the equator on WGS84 (GeographicLib): 110574.3886 m; a sphere would say 111195 m.
    const [row] = await queryRows<{ d: number }>(ctx.handle.db, sql`SELECT ST_Distance('SRID=4326;POINT(0 0)'::geography, 'SRID=4326;POINT(0 1)'::geography) AS d`);
    expect(Number(row?.d)).toBeCloseTo(110574.3886, 3);
  });
});
