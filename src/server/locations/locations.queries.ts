import "server-only";
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { AppError } from "../errors";
import { distanceSql, geofenceStatus } from "../geo/verdict";
import type { ValidationStatus } from "../db/schema";

/** A WGS84 point as geography; lon/lat travel as float8 parameters (exact doubles, no text rounding). */
export function pointSql(lat: number | Placeholder, lon: number | Placeholder): SQL {
  return pointExprSql(sql`${lat}::float8`, sql`${lon}::float8`);
}

/** The same point from SQL expressions (columns), for set-based queries. */
export function pointExprSql(lat: SQL, lon: SQL): SQL {
  return sql`ST_SetSRID(ST_MakePoint(${lon}, ${lat}), 4326)::geography`;
}

/** The one distance expression of the check-in/out and validate paths (tests run it set-based with pointExprSql). */
export function fenceDistanceSql(locationCoords: SQL, lat: number | Placeholder, lon: number | Placeholder): SQL<number> {
  return distanceSql(locationCoords, pointSql(lat, lon));
}

export type FenceCheck = { locationId: number; name: string; radius: number; distance: number; status: ValidationStatus };

/**
 * Distance (PostGIS, spheroid, 0.01 m) from an active location to a fix, with the §6 verdict.
 * Unknown and (with activeOnly, the default) inactive locations answer 404 on `field`: inactive ones are gone for new
 * check-ins, but a visit begun before a deactivation can still be checked out (activeOnly: false).
 */
export async function checkFence(db: Db, locationId: number, lat: number, lon: number, opts: { field?: string; activeOnly?: boolean } = {}): Promise<FenceCheck> {
  const { field = "location_id", activeOnly = true } = opts;
  const [row] = await queryRows<{ id: number; name: string; radius: number; distance: string }>(
    db,
    sql`SELECT l.id, l.name, l.geofence_radius AS radius, ${fenceDistanceSql(sql`l.coordinates`, lat, lon)} AS distance
        FROM locations l WHERE l.id = ${locationId} AND (l.active OR NOT ${activeOnly})`,
  );
  if (!row) throw new AppError("NOT_FOUND", "Location not found.", { field });
  const distance = Number(row.distance);
  const radius = Number(row.radius);
  return { locationId: row.id, name: row.name, radius, distance, status: geofenceStatus(distance, radius) };
}

/** The location types in use (for the selfie policy's checkboxes). */
export async function listLocationTypes(db: Db): Promise<string[]> {
  const rows = await queryRows<{ t: string }>(db, sql`SELECT DISTINCT location_type AS t FROM locations WHERE location_type IS NOT NULL ORDER BY 1 LIMIT 100`);
  return rows.map((r) => r.t);
}
