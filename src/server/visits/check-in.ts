import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows, type Db } from "../db/client";
import { locationValidations, visits } from "../db/schema";
import { AppError } from "../errors";
import { isValidStatus } from "../geo/verdict";
import { withIdempotency } from "../idempotency";
import { checkFence } from "../locations/locations.queries";
import { emitEvent } from "../realtime/outbox";
import { ensureOpenSession } from "../sessions/ensure-open-session";
import { localDate } from "@/lib/time";
import { computeFlags, scoreEvidence } from "./evidence";
import { decodeStoredBody, hasRepeatedCoords, isUniqueViolation, orgTimeZone, requireAcceptableCaptureTime, speedFromPreviousFixKmh } from "./plausibility";
import { findOpenVisitId, loadVisitJson, visitAlreadyOpen } from "./visits.queries";
import type { CheckInInput, ValidationResult, VisitResult } from "./visits.schemas";

/**
 * Check in at a customer: the actor's own visit, verdict and flags computed in PostGIS, all written in one
 * transaction (visit, GPS validation row, planned-visit link, daily session, outbox event).
 * Idempotent on client_id: a replay answers the first body unchanged (`created: false`).
 * `check_in_time` is the fix's captured_at (when the rep was there); `check_in_received_at` the server time.
 */
export async function checkIn(ctx: Ctx, input: CheckInInput): Promise<{ body: VisitResult; created: boolean }> {
  requirePermission(ctx.actor, "visits.write");
  try {
    const { result, replayed } = await withIdempotency(ctx, input.client_id, "visits.check_in", async (tx) => JSON.stringify(await record(ctx, tx, input)));
    return { body: decodeStoredBody<VisitResult>(result), created: !replayed };
  } catch (err) {
    // Last line of defence: a concurrent check-in of the same rep committed first.
    if (isUniqueViolation(err, "visits_one_open_per_rep")) throw visitAlreadyOpen((await findOpenVisitId(ctx.db, ctx.actor.id)) ?? 0);
    throw err;
  }
}

async function record(ctx: Ctx, tx: Db, input: CheckInInput): Promise<VisitResult> {
  const me = ctx.actor.id;
  const capturedAt = requireAcceptableCaptureTime(input.captured_at, ctx.now);
  const fence = await checkFence(tx, input.location_id, input.lat, input.lon);
  if (input.planned_visit_id !== undefined) await requirePlannedVisit(tx, input.planned_visit_id, me, input.location_id);
  const openVisitId = await findOpenVisitId(tx, me);
  if (openVisitId !== null) throw visitAlreadyOpen(openVisitId);

  const fixInput = {
    radiusM: fence.radius,
    accuracyM: input.accuracy_m,
    capturedAt,
    receivedAt: ctx.now,
    offlineReplay: input.offline_replay ?? false,
    speedKmh: await speedFromPreviousFixKmh(tx, me, input.lat, input.lon, capturedAt),
    repeatedCoords: await hasRepeatedCoords(tx, input.location_id, input.lat, input.lon, null),
  };
  const flags = computeFlags(fixInput);
  const evidence = scoreEvidence({ ...fixInput, status: fence.status, distanceM: fence.distance, flags });
  const valid = isValidStatus(fence.status);
  const validation: ValidationResult = {
    status: fence.status,
    valid,
    distance: fence.distance,
    radius: fence.radius,
    flags,
    evidence_score: evidence.score,
    reasons: evidence.reasons,
  };

  const tz = await orgTimeZone(tx);
  const date = localDate(capturedAt, tz);
  const reopenIfClosed = date === localDate(ctx.now, tz);
  const session = await ensureOpenSession(tx, { personnelId: me, date, at: capturedAt, countVisit: true, reopenIfClosed, how: { via: "check_in" } });
  const [visit] = await tx
    .insert(visits)
    .values({
      personnelId: me,
      locationId: input.location_id,
      plannedDate: date,
      checkInTime: capturedAt,
      checkInCoords: { lat: input.lat, lng: input.lon },
      notes: input.notes ?? null,
      validated: valid,
      validationStatus: fence.status,
      clientId: input.client_id,
      checkInCapturedAt: capturedAt,
      checkInReceivedAt: ctx.now,
      checkInAccuracyM: input.accuracy_m,
      flags,
      evidenceScore: evidence.score,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning({ id: visits.id });
  const visitId = visit!.id;
  await tx.insert(locationValidations).values({
    visitId,
    validationType: "GPS",
    isValid: valid,
    distanceFromLocation: fence.distance.toFixed(2),
    validationDetails: {
      phase: "check_in",
      ...validation,
      accuracy_m: input.accuracy_m,
      captured_at: capturedAt.toISOString(),
      received_at: ctx.now.toISOString(),
      offline_replay: fixInput.offlineReplay,
      speed_kmh: fixInput.speedKmh === null ? null : Math.round(fixInput.speedKmh * 10) / 10,
    },
    validatedAt: ctx.now,
  });
  if (input.planned_visit_id !== undefined) await tx.execute(sql`UPDATE planned_visits SET visit_id = ${visitId} WHERE id = ${input.planned_visit_id}`);
  await emitEvent(tx, {
    type: "visit.checked_in",
    personnelId: me,
    visitId,
    locationId: input.location_id,
    payload: { session_id: session.id, status: fence.status, distance: fence.distance, flags, evidence_score: evidence.score, check_in_time: capturedAt.toISOString() },
  });
  const json = await loadVisitJson(tx, visitId);
  return { visit: json!, validation };
}

/** The planned visit must be the actor's (else 404, like any record out of scope), for this location, and not yet done. */
async function requirePlannedVisit(tx: Db, id: number, personnelId: number, locationId: number): Promise<void> {
  const [row] = await queryRows<{ location_id: number; visit_id: number | null }>(
    tx,
    sql`SELECT location_id, visit_id FROM planned_visits WHERE id = ${id} AND personnel_id = ${personnelId} FOR UPDATE`,
  );
  if (!row) throw new AppError("NOT_FOUND", "Planned visit not found.", { status: 404, field: "planned_visit_id" });
  if (Number(row.location_id) !== locationId) throw new AppError("PLANNED_VISIT_MISMATCH", "This planned visit is for another location.", { field: "planned_visit_id" });
  if (row.visit_id !== null) throw new AppError("PLANNED_VISIT_DONE", `This planned visit already has visit ${row.visit_id}.`, { status: 409, field: "planned_visit_id" });
}
