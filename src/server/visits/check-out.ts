import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { locationValidations } from "../db/schema";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { checkFence, pointSql } from "../locations/locations.queries";
import { PHOTO_FLAG_PENALTY } from "../photos/photo-evidence";
import { missingRequiredSelfieSql } from "../photos/selfie-policy";
import { emitEvent } from "../realtime/outbox";
import { getOrgSettings } from "../settings/org-settings";
import { gpsValidationRow, judgeFix } from "./judge-fix";
import { decodeStoredBody, hasRepeatedCoords, requireAcceptableCaptureTime, speedFromPreviousFixKmh } from "./plausibility";
import { loadVisitJson } from "./visits.queries";
import { settleAll } from "@/lib/settle-all";
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
  const { result } = await idempotent(ctx, { scope: "visits.check_out", clientId: input.client_id, request: input }, async (tx) => JSON.stringify(await record(ctx, tx, input)));
  return decodeStoredBody<VisitResult>(result);
}

type OpenVisit = { id: number; personnel_id: number; location_id: number; check_in_ms: number; check_out_client_id: string | null; closed: boolean };

async function record(ctx: Ctx, tx: Db, input: CheckOutInput): Promise<VisitResult> {
  const capturedAt = requireAcceptableCaptureTime(input.captured_at, ctx.now);
  const noSelfie = missingRequiredSelfieSql((await getOrgSettings(ctx.db)).selfie_required_types);
  const visit = await lockOwnVisit(tx, input.visit_id, ctx.actor.id);
  if (visit.closed) throw new AppError("VISIT_ALREADY_CLOSED", `Visit ${visit.id} is already checked out.`, { field: "visit_id" });
  if (capturedAt.getTime() < visit.check_in_ms) throw new AppError("VALIDATION_FAILED", "captured_at: check-out cannot be before the check-in.", { field: "captured_at" });

  // The three reads are independent: queued together on the transaction's connection (one round trip).
  const [fence, speedKmh, repeatedCoords] = await settleAll([
    checkFence(tx, visit.location_id, input.lat, input.lon, { activeOnly: false }),
    speedFromPreviousFixKmh(tx, ctx.actor.id, input.lat, input.lon, capturedAt),
    hasRepeatedCoords(tx, visit.location_id, input.lat, input.lon, visit.id),
  ] as const);
  const fixInput = {
    radiusM: fence.radius,
    accuracyM: input.accuracy_m,
    capturedAt,
    receivedAt: ctx.now,
    offlineReplay: input.offline_replay ?? false,
    speedKmh,
    repeatedCoords,
  };
  const judged = judgeFix(fence, fixInput);
  const { flags, validation } = judged;
  const durationMinutes = Math.round((capturedAt.getTime() - visit.check_in_ms) / 60_000);
  // Flags are fixed identifiers (FIX_FLAGS), so an array literal is safe.
  const flagsLiteral = arrayLiteral(flags);

  // A selfie the location type requires (Settings → Photos) and the visit lacks: NO_SELFIE, scored like the photo flags.
  // The visit's update, its validation row and the outbox event are independent writes: queued together too.
  await settleAll([
    tx.execute(sql`
    UPDATE visits v SET
      check_out_time = ${capturedAt.toISOString()}::timestamptz, check_out_coords = ${pointSql(input.lat, input.lon)},
      check_out_client_id = ${input.client_id}::uuid, check_out_captured_at = ${capturedAt.toISOString()}::timestamptz,
      check_out_received_at = ${ctx.now.toISOString()}::timestamptz, check_out_accuracy_m = ${input.accuracy_m},
      check_out_distance_m = ${fence.distance.toFixed(2)}::numeric, check_out_status = ${fence.status},
      duration_minutes = ${durationMinutes}, outcome = coalesce(${input.outcome ?? null}, outcome),
      notes = CASE WHEN ${input.notes ?? null}::text IS NULL THEN notes WHEN notes IS NULL THEN ${input.notes ?? null}::text ELSE notes || E'\n' || ${input.notes ?? null}::text END,
      flags = ARRAY(SELECT DISTINCT f FROM unnest(flags || ${flagsLiteral}::text[] || CASE WHEN ${noSelfie} THEN '{NO_SELFIE}'::text[] ELSE '{}'::text[] END) f ORDER BY f),
      evidence_score = greatest(0, least(coalesce(evidence_score, 100), ${validation.evidence_score}) - CASE WHEN ${noSelfie} THEN ${PHOTO_FLAG_PENALTY.NO_SELFIE} ELSE 0 END),
      updated_at = ${ctx.now.toISOString()}::timestamptz
    WHERE id = ${visit.id}`),
    tx.insert(locationValidations).values(gpsValidationRow(visit.id, "check_out", judged, fixInput)),
    emitEvent(tx, {
      type: "visit.checked_out",
      personnelId: ctx.actor.id,
      visitId: visit.id,
      locationId: visit.location_id,
      payload: { status: fence.status, distance: fence.distance, flags, evidence_score: validation.evidence_score, duration_minutes: durationMinutes, outcome: input.outcome ?? null, position: { lat: input.lat, lon: input.lon } },
    }),
  ] as const);
  const json = await loadVisitJson(tx, visit.id);
  return { visit: json!, validation };
}

/** Only one's own visit can be checked out: anyone else's answers 404 (never leak that it exists). */
async function lockOwnVisit(tx: Db, visitId: number, personnelId: number): Promise<OpenVisit> {
  const [row] = await queryRows<{ id: number; personnel_id: number; location_id: number; check_in_ms: number | null; check_out_client_id: string | null; closed: boolean }>(
    tx,
    sql`SELECT id, personnel_id, location_id, (extract(epoch FROM check_in_time) * 1000)::float8 AS check_in_ms,
               check_out_client_id::text AS check_out_client_id, check_out_time IS NOT NULL AS closed
        FROM visits WHERE id = ${visitId} AND personnel_id = ${personnelId} FOR UPDATE`,
  );
  if (!row || row.check_in_ms === null) throw new AppError("NOT_FOUND", "Visit not found.", { field: "visit_id" });
  return { ...row, id: Number(row.id), location_id: Number(row.location_id), check_in_ms: Number(row.check_in_ms), closed: Boolean(row.closed) };
}
