import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral } from "../db/array-literal";
import type { Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import { AppError } from "../errors";
import { geofenceStatus } from "../geo/verdict";
import { idempotent } from "../idempotency";
import { fenceDistanceSql, pointSql } from "../locations/locations.queries";
import { PHOTO_FLAG_PENALTY } from "../photos/photo-evidence";
import { missingRequiredSelfieSql, selfieTypesLiteral } from "../photos/selfie-policy";
import { getOrgSettings } from "../settings/org-settings";
import { gpsValidationRow, judgeFix } from "./judge-fix";
import { decodeStoredBody, previousFixSql, repeatedCoordsSql, requireAcceptableCaptureTime, speedKmh } from "./plausibility";
import { toVisit, visitColumns } from "./visits.queries";
import type { CheckOutInput, VisitResult } from "@/contracts/visits";

/**
 * Check out of one's own open visit, with its own fence verdict and flags (validation row, phase check_out).
 * The visit keeps its check-in verdict (validated / validation_status); check_out_distance_m / check_out_status
 * hold the exit fix, `flags` becomes the union of both fixes' flags and `evidence_score` the weaker of the two.
 * A visit at a location type that requires a selfie (the settings' selfie_required_types) and has none gets NO_SELFIE.
 * Replays with the same client_id answer the first body; a different client_id on a closed visit is a 409.
 */
export async function checkOut(ctx: Ctx, input: CheckOutInput): Promise<VisitResult> {
  requirePermission(ctx.actor, "visits.write");
  // Settings are read before the transaction: on the embedded database (one connection) a read on ctx.db while the
  // transaction holds it would wait forever; on PostgreSQL it is the process's cached copy.
  const selfieTypes = (await getOrgSettings(ctx.db)).selfie_required_types;
  const { result } = await idempotent(ctx, { scope: "visits.check_out", clientId: input.client_id, request: input }, async (tx) => JSON.stringify(await record(ctx, tx, input, selfieTypes)));
  return decodeStoredBody<VisitResult>(result);
}

type OpenVisit = { id: number; personnel_id: number; location_id: number; check_in_ms: number; check_out_client_id: string | null; closed: boolean };

async function record(ctx: Ctx, tx: Db, input: CheckOutInput, selfieTypes: readonly string[]): Promise<VisitResult> {
  const capturedAt = requireAcceptableCaptureTime(input.captured_at, ctx.now);
  const visit = await lockOwnVisit(tx, input.visit_id, ctx.actor.id);
  if (visit.closed) throw new AppError("VISIT_ALREADY_CLOSED", `Visit ${visit.id} is already checked out.`, { field: "visit_id" });
  if (capturedAt.getTime() < visit.check_in_ms) throw new AppError("VALIDATION_FAILED", "captured_at: check-out cannot be before the check-in.", { field: "captured_at" });

  const t = capturedAt.toISOString();
  // The fence (active or not: a visit begun before a deactivation can still end), the previous fix and repeated
  // coordinates: one statement.
  const [facts] = await readFacts<{ radius: number | null; distance: string | null; m: unknown; s: unknown; repeated: boolean }>(tx, {
    me: ctx.actor.id,
    location_id: visit.location_id,
    visit_id: visit.id,
    lat: input.lat,
    lon: input.lon,
    t,
  });
  if (!facts || facts.radius == null) throw new AppError("NOT_FOUND", "Location not found.", { field: "location_id" });
  const distance = Number(facts.distance);
  const radius = Number(facts.radius);
  const fence = { radius, distance, status: geofenceStatus(distance, radius) };
  const fixInput = {
    radiusM: radius,
    accuracyM: input.accuracy_m,
    capturedAt,
    receivedAt: ctx.now,
    offlineReplay: input.offline_replay ?? false,
    queuedAt: input.offline_replay && input.queued_at ? new Date(input.queued_at) : null,
    speedKmh: facts.m == null ? null : speedKmh(facts.m, facts.s),
    repeatedCoords: Boolean(facts.repeated),
  };
  const judged = judgeFix(fence, fixInput);
  const { flags, validation } = judged;
  const durationMinutes = Math.round((capturedAt.getTime() - visit.check_in_ms) / 60_000);
  const gps = gpsValidationRow(visit.id, "check_out", judged, fixInput);
  const payload = { status: fence.status, distance: fence.distance, flags, evidence_score: validation.evidence_score, duration_minutes: durationMinutes, outcome: input.outcome ?? null, position: { lat: input.lat, lon: input.lon } };
  const [row] = await writeCheckOut<Record<string, unknown>>(tx, {
    id: visit.id,
    me: ctx.actor.id,
    location_id: visit.location_id,
    t,
    now: ctx.now.toISOString(),
    lat: input.lat,
    lon: input.lon,
    client_id: input.client_id,
    accuracy_m: input.accuracy_m,
    distance: fence.distance.toFixed(2),
    status: fence.status,
    duration: durationMinutes,
    outcome: input.outcome ?? null,
    notes: input.notes ?? null,
    // Flags are fixed identifiers (FIX_FLAGS), so an array literal is safe.
    flags: arrayLiteral(flags),
    evidence_score: validation.evidence_score,
    gps_valid: gps.isValid,
    gps_distance: gps.distanceFromLocation,
    gps_details: JSON.stringify(gps.validationDetails),
    payload: JSON.stringify(payload),
    selfie_types: selfieTypesLiteral(selfieTypes),
  });
  if (!row) throw new Error("the check-out write returned no row");
  return { visit: toVisit(row), validation };
}

const readFacts = preparedStatement(
  "check_out_read",
  () =>
    sql`SELECT f.radius, f.distance, prev.m, prev.s, ${repeatedCoordsSql(ph("location_id"), ph("lat"), ph("lon"), ph("visit_id"))} AS repeated
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
          SELECT l.geofence_radius AS radius, ${fenceDistanceSql(sql`l.coordinates`, ph("lat"), ph("lon"))} AS distance FROM locations l WHERE l.id = ${ph("location_id")}
        ) AS f ON true
        LEFT JOIN LATERAL (${previousFixSql(ph("me"), ph("lat"), ph("lon"), ph("t"))}) AS prev ON true`,
);

/**
 * The visit's check-out, its GPS validation row and its outbox event in one statement, answering the visit's API row.
 * A selfie the location type requires (Settings → Photos) and the visit lacks: NO_SELFIE, scored like the photo flags.
 */
const writeCheckOut = preparedStatement(
  "check_out_write",
  () =>
    sql`WITH v AS (
      UPDATE visits v SET
        check_out_time = ${ph("t")}::timestamptz, check_out_coords = ${pointSql(ph("lat"), ph("lon"))},
        check_out_client_id = ${ph("client_id")}::uuid, check_out_captured_at = ${ph("t")}::timestamptz,
        check_out_received_at = ${ph("now")}::timestamptz, check_out_accuracy_m = ${ph("accuracy_m")}::real,
        check_out_distance_m = ${ph("distance")}::numeric, check_out_status = ${ph("status")}::varchar,
        duration_minutes = ${ph("duration")}::int, outcome = coalesce(${ph("outcome")}::varchar, outcome),
        notes = CASE WHEN ${ph("notes")}::text IS NULL THEN notes WHEN notes IS NULL THEN ${ph("notes")}::text ELSE notes || E'\n' || ${ph("notes")}::text END,
        flags = ARRAY(SELECT DISTINCT f FROM unnest(flags || ${ph("flags")}::text[] || CASE WHEN ${missingRequiredSelfieSql(sql`${ph("selfie_types")}`)} THEN '{NO_SELFIE}'::text[] ELSE '{}'::text[] END) f ORDER BY f),
        evidence_score = greatest(0, least(coalesce(evidence_score, 100), ${ph("evidence_score")}::int) - CASE WHEN ${missingRequiredSelfieSql(sql`${ph("selfie_types")}`)} THEN ${PHOTO_FLAG_PENALTY.NO_SELFIE} ELSE 0 END),
        updated_at = ${ph("now")}::timestamptz
      WHERE id = ${ph("id")}
      RETURNING *),
    val AS (
      INSERT INTO location_validations (visit_id, validation_type, is_valid, distance_from_location, validation_details, validated_at)
      SELECT v.id, 'GPS', ${ph("gps_valid")}::boolean, ${ph("gps_distance")}::numeric, ${ph("gps_details")}::jsonb, ${ph("now")}::timestamptz FROM v),
    ev AS (
      INSERT INTO events (type, personnel_id, visit_id, location_id, payload)
      SELECT 'visit.checked_out', ${ph("me")}, v.id, ${ph("location_id")}, ${ph("payload")}::jsonb FROM v)
    SELECT ${visitColumns} FROM v`,
);

/** Only one's own visit can be checked out: anyone else's answers 404 (never leak that it exists). */
async function lockOwnVisit(tx: Db, visitId: number, personnelId: number): Promise<OpenVisit> {
  const [row] = await lockVisit<{ id: number; personnel_id: number; location_id: number; check_in_ms: number | null; check_out_client_id: string | null; closed: boolean }>(tx, {
    id: visitId,
    me: personnelId,
  });
  if (!row || row.check_in_ms === null) throw new AppError("NOT_FOUND", "Visit not found.", { field: "visit_id" });
  return { ...row, id: Number(row.id), location_id: Number(row.location_id), check_in_ms: Number(row.check_in_ms), closed: Boolean(row.closed) };
}

const lockVisit = preparedStatement(
  "check_out_lock",
  () =>
    sql`SELECT id, personnel_id, location_id, (extract(epoch FROM check_in_time) * 1000)::float8 AS check_in_ms,
               check_out_client_id::text AS check_out_client_id, check_out_time IS NOT NULL AS closed
        FROM visits WHERE id = ${ph("id")} AND personnel_id = ${ph("me")} FOR UPDATE`,
);
