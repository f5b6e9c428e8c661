import { sql, type SQL } from "drizzle-orm";
import type { ValidationStatus } from "../db/schema";

/**
 * The geofence verdict, exactly as the seed schema's validate_check_in:
 * VALID within r, WARNING within 2r (still counted valid), INVALID beyond 2r.
 * Distances are metres on the WGS84 spheroid, rounded to 0.01 m before comparing.
 */
export function geofenceStatus(distanceM: number, radiusM: number): ValidationStatus {
  if (distanceM <= radiusM) return "VALID";
  if (distanceM <= 2 * radiusM) return "WARNING";
  return "INVALID";
}

export const isValidStatus = (s: ValidationStatus) => s !== "INVALID";

/** The same rule as SQL, for set-based writes; `distance` and `radius` are SQL expressions. */
export function geofenceStatusSql(distance: SQL, radius: SQL): SQL<ValidationStatus> {
  return sql<ValidationStatus>`CASE WHEN ${distance} <= ${radius} THEN 'VALID' WHEN ${distance} <= 2 * ${radius} THEN 'WARNING' ELSE 'INVALID' END`;
}

/** Geodesic distance in metres (spheroid), rounded to 0.01 m. */
export function distanceSql(a: SQL, b: SQL): SQL<number> {
  return sql<number>`round(ST_Distance(${a}, ${b})::numeric, 2)`;
}
