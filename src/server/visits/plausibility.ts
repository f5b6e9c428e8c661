import "server-only";
import { getOrgSettings } from "../settings/org-settings";
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { pointSql } from "../locations/locations.queries";
import { MAX_AGE_MS, MAX_FUTURE_MS } from "./evidence";

/** captured_at must be at most 7 days old (offline queue) and at most 2 minutes ahead of the server. */
export function requireAcceptableCaptureTime(capturedAtIso: string, now: Date): Date {
  const capturedAt = new Date(capturedAtIso);
  const ahead = capturedAt.getTime() - now.getTime();
  if (ahead > MAX_FUTURE_MS) {
    throw new AppError("CAPTURED_AT_IN_FUTURE", `captured_at is ${Math.round(ahead / 1000)} s ahead of the server clock (at most 120 s allowed): check the device clock.`, { field: "captured_at" });
  }
  if (-ahead > MAX_AGE_MS) throw new AppError("CAPTURED_AT_TOO_OLD", "captured_at is more than 7 days old.", { field: "captured_at" });
  return capturedAt;
}

/**
 * Speed (km/h) from metres and seconds as SQL returns them (text or number) — previousFixSql's row: from the person's
 * latest fix before this one, a check-in, a check-out or a breadcrumb ping. Simultaneous fixes count as one second
 * apart, so a jump still shows up as a huge speed.
 */
export const speedKmh = (m: unknown, s: unknown): number => (Number(m) / Math.max(Number(s), 1)) * 3.6;

/**
 * At most one row (m, s): metres and seconds from the latest earlier fix (`t`, an ISO instant) to this one. Also a
 * lateral subquery of the check-in's and check-out's reads.
 */
export function previousFixSql(personnelId: number | Placeholder, lat: number | Placeholder, lon: number | Placeholder, t: string | Placeholder): SQL {
  return sql`SELECT ST_Distance(g, ${pointSql(lat, lon)}) AS m, extract(epoch FROM (${t}::timestamptz - t))::float8 AS s
        FROM (
          (SELECT check_in_coords, check_in_time FROM visits
            WHERE personnel_id = ${personnelId} AND check_in_coords IS NOT NULL AND check_in_time < ${t}::timestamptz ORDER BY check_in_time DESC LIMIT 1)
          UNION ALL
          (SELECT check_out_coords, check_out_time FROM visits
            WHERE personnel_id = ${personnelId} AND check_out_coords IS NOT NULL AND check_out_time < ${t}::timestamptz ORDER BY check_out_time DESC LIMIT 1)
          UNION ALL
          (SELECT coords, captured_at FROM location_pings
            WHERE personnel_id = ${personnelId} AND captured_at < ${t}::timestamptz ORDER BY captured_at DESC LIMIT 1)
        ) AS fixes(g, t)
        ORDER BY t DESC LIMIT 1`;
}

/**
 * For the reads of check-in and check-out: whether another visit at the same location has exactly these coordinates
 * (check-in or check-out fix).
 * Real fixes jitter in the last digits; spoofing apps replay one fixed point. Limited to the same location
 * so the check uses idx_visits_location instead of scanning every visit (different locations with identical
 * fixes would be INVALID there anyway).
 */
export function repeatedCoordsSql(locationId: number | Placeholder, lat: number | Placeholder, lon: number | Placeholder, excludeVisitId: number | Placeholder | null): SQL<boolean> {
  return sql<boolean>`EXISTS (
          SELECT 1 FROM visits v
          WHERE v.location_id = ${locationId} AND v.id <> ${excludeVisitId ?? 0}
            AND ((ST_Y(v.check_in_coords::geometry) = ${lat}::float8 AND ST_X(v.check_in_coords::geometry) = ${lon}::float8)
              OR (ST_Y(v.check_out_coords::geometry) = ${lat}::float8 AND ST_X(v.check_out_coords::geometry) = ${lon}::float8))
        )`;
}

/** A unique violation of `constraint`, whichever driver raised it (drizzle wraps the driver error as `cause`). */
export function isUniqueViolation(err: unknown, constraint: string): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const x = e as { code?: unknown; constraint_name?: unknown; constraint?: unknown; message?: unknown };
    if (x.code === "23505" && (x.constraint_name === constraint || x.constraint === constraint || String(x.message ?? "").includes(constraint))) return true;
  }
  return false;
}

/** The organisation's time zone, through the one settings reader. */
export async function orgTimeZone(db: Db): Promise<string> {
  return (await getOrgSettings(db)).time_zone;
}

// The SQL form for hot paths that fold the zone into the query they already run (settings/read-org-settings.ts).
export { DEFAULT_TIME_ZONE, orgTimeZoneOrDefault, orgTimeZoneSql } from "../settings/read-org-settings";

/**
 * Use-cases serialise their answer once and store that text as the idempotency response, so a replay
 * answers byte-for-byte the first body (jsonb would reorder keys). Depending on the driver, drizzle hands a
 * jsonb string back already parsed once more: accept both shapes.
 */
export function decodeStoredBody<T>(stored: string | T): T {
  return (typeof stored === "string" ? JSON.parse(stored) : stored) as T;
}
