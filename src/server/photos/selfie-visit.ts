import "server-only";
import { sql } from "drizzle-orm";
import { notFound } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { AppError } from "../errors";
import { fenceDistanceSql } from "../locations/locations.queries";
import { orgTimeZoneOrDefault, orgTimeZoneSql } from "../visits/plausibility";

/** A rep may add the selfie to their open visit, or up to this long after checking out (an offline queue catching up). */
export const SELFIE_AFTER_CHECK_OUT_MS = 30 * 60_000;

export type SelfieVisit = { id: number; locationId: number; checkInAt: Date };

/**
 * The actor's own visit that may still take a selfie: another person's visit answers 404 (never leak that it exists),
 * a visit closed longer than SELFIE_AFTER_CHECK_OUT_MS ago or one that already has its selfie 409.
 */
export async function requireSelfieVisit(db: Db, visitId: number, personnelId: number, now: Date, lock: boolean): Promise<SelfieVisit> {
  const [row] = await queryRows<{ id: number; location_id: number; check_in_ms: unknown; closed_ms: unknown; has_selfie: boolean }>(
    db,
    sql`SELECT id, location_id, (extract(epoch FROM check_in_time) * 1000)::float8 AS check_in_ms,
               (extract(epoch FROM coalesce(check_out_received_at, check_out_time)) * 1000)::float8 AS closed_ms, selfie_url IS NOT NULL AS has_selfie
        FROM visits WHERE id = ${visitId} AND personnel_id = ${personnelId} ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  if (!row || row.check_in_ms === null) throw notFound("Visit");
  if (row.has_selfie) throw new AppError("SELFIE_ALREADY_UPLOADED", "This visit already has its selfie (one per visit, so evidence cannot be retaken until it looks right).");
  if (row.closed_ms !== null && Number(row.closed_ms) < now.getTime() - SELFIE_AFTER_CHECK_OUT_MS) {
    throw new AppError("VISIT_CLOSED", `This visit was checked out more than ${SELFIE_AFTER_CHECK_OUT_MS / 60_000} minutes ago.`);
  }
  return { id: Number(row.id), locationId: Number(row.location_id), checkInAt: new Date(Number(row.check_in_ms)) };
}

export type PhotoPlaceFacts = { radiusM: number; exifGpsDistanceM: number | null; captureFixDistanceM: number | null; tz: string };

const pointOrNull = (p: { lat: number; lon: number } | null) => (p ? fenceDistanceSql(sql`l.coordinates`, p.lat, p.lon) : sql`NULL::numeric`);

/** Spheroid distances (PostGIS, the same expression as the check-in's verdict) of the EXIF GPS and the capture fix, in one read. */
export async function readPhotoPlaceFacts(db: Db, locationId: number, exifGps: { lat: number; lon: number } | null, fix: { lat: number; lon: number } | null): Promise<PhotoPlaceFacts> {
  const [row] = await queryRows<{ radius: unknown; exif_d: unknown; fix_d: unknown; tz: unknown }>(
    db,
    sql`SELECT l.geofence_radius AS radius, ${pointOrNull(exifGps)} AS exif_d, ${pointOrNull(fix)} AS fix_d, ${orgTimeZoneSql} AS tz
        FROM locations l WHERE l.id = ${locationId}`,
  );
  if (!row) throw notFound("Location");
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { radiusM: Number(row.radius), exifGpsDistanceM: n(row.exif_d), captureFixDistanceM: n(row.fix_d), tz: orgTimeZoneOrDefault(row.tz) };
}
