import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows, type Db } from "../db/client";
import { events, locationValidations, visits, type ValidationStatus } from "../db/schema";
import { AppError } from "../errors";
import { geofenceStatus } from "../geo/verdict";
import { withIdempotency } from "../idempotency";
import { fenceDistanceSql } from "../locations/locations.queries";
import { ensureOpenSession } from "../sessions/ensure-open-session";
import { localDate } from "@/lib/time";
import { gpsValidationRow, judgeFix } from "./judge-fix";
import {
  decodeStoredBody,
  isUniqueViolation,
  orgTimeZoneOrDefault,
  orgTimeZoneSql,
  previousFixSql,
  repeatedCoordsSql,
  requireAcceptableCaptureTime,
  speedKmh,
} from "./plausibility";
import { findOpenVisitId, openVisitIdSql, toVisit, visitAlreadyOpen, visitColumns } from "./visits.queries";
import type { CheckInInput, VisitResult } from "@/contracts/visits";

/**
 * Check in at a customer: the actor's own visit, verdict and flags computed in PostGIS, all written in one
 * transaction (visit, GPS validation row, planned-visit link, daily session, outbox event). The planned-visit link
 * is the given planned_visit_id, else the rep's first open stop at this location on that day (so a stop shows done
 * whether or not the client knew its id).
 * Idempotent on client_id: a replay answers the first body unchanged (`created: false`).
 * `check_in_time` is the fix's captured_at (when the rep was there); `check_in_received_at` the server time.
 */
export async function checkIn(ctx: Ctx, input: CheckInInput): Promise<{ body: VisitResult; created: boolean }> {
  requirePermission(ctx.actor, "visits.write");
  try {
    const { result, replayed } = await withIdempotency(ctx, input.client_id, "visits.check_in", async (tx) => JSON.stringify(await record(ctx, tx, input)), input);
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
  const facts = await readCheckInFacts(tx, me, input, capturedAt);
  const fence = facts.fence;
  if (!fence) throw new AppError("NOT_FOUND", "Location not found.", { status: 404, field: "location_id" });
  if (input.planned_visit_id !== undefined) await requirePlannedVisit(tx, input.planned_visit_id, me, input.location_id);
  if (facts.openVisitId !== null) throw visitAlreadyOpen(facts.openVisitId);

  const fixInput = {
    radiusM: fence.radius,
    accuracyM: input.accuracy_m,
    capturedAt,
    receivedAt: ctx.now,
    offlineReplay: input.offline_replay ?? false,
    speedKmh: facts.speedKmh,
    repeatedCoords: facts.repeatedCoords,
  };
  const judged = judgeFix(fence, fixInput);
  const { flags, valid, validation } = judged;

  const date = localDate(capturedAt, facts.tz);
  const reopenIfClosed = date === localDate(ctx.now, facts.tz);
  const session = await ensureOpenSession(tx, { personnelId: me, date, at: capturedAt, countVisit: true, reopenIfClosed, how: { via: "check_in" } });

  // The visit, its GPS validation and its outbox event in one statement; the visit comes back as API JSON.
  const visitId = sql`(SELECT id FROM v)`;
  const insertVisit = tx
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
      evidenceScore: validation.evidence_score,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning();
  const insertValidation = tx.insert(locationValidations).values(gpsValidationRow(visitId, "check_in", judged, fixInput));
  const insertEvent = tx.insert(events).values({
    type: "visit.checked_in",
    personnelId: me,
    visitId,
    locationId: input.location_id,
    payload: { session_id: session.id, status: fence.status, distance: fence.distance, flags, evidence_score: validation.evidence_score, check_in_time: capturedAt.toISOString(), position: { lat: input.lat, lon: input.lon } },
  });
  // Without an explicit planned_visit_id, the first still-open stop of this rep at this location on the visit's date.
  const plannedId =
    input.planned_visit_id ??
    sql`(SELECT id FROM planned_visits WHERE personnel_id = ${me} AND planned_date = ${date} AND location_id = ${input.location_id} AND visit_id IS NULL ORDER BY sequence LIMIT 1)`;
  // Only the rep's own stop: a planned_visit_id of someone else's route links nothing.
  const linkPlanned = sql`, pv AS (UPDATE planned_visits SET visit_id = ${visitId} WHERE id = ${plannedId} AND personnel_id = ${me} AND visit_id IS NULL)`;
  const [row] = await queryRows<Record<string, unknown>>(
    tx,
    sql`WITH v AS (${insertVisit.getSQL()}), val AS (${insertValidation.getSQL()}), ev AS (${insertEvent.getSQL()})${linkPlanned}
        SELECT ${visitColumns} FROM v`,
  );
  return { visit: toVisit(row!), validation };
}

type CheckInFacts = {
  /** Null when the location does not exist or is inactive. */
  fence: { radius: number; distance: number; status: ValidationStatus } | null;
  openVisitId: number | null;
  speedKmh: number | null;
  repeatedCoords: boolean;
  tz: string;
};

/**
 * Everything the check-in reads before writing, in one round trip: the fence (active location, spheroid distance),
 * the rep's open visit, the previous fix (speed), repeated coordinates and the organisation's time zone.
 * The same SQL as checkFence, findOpenVisitId, speedFromPreviousFixKmh, hasRepeatedCoords and orgTimeZone.
 */
async function readCheckInFacts(tx: Db, me: number, input: CheckInInput, capturedAt: Date): Promise<CheckInFacts> {
  const [row] = await queryRows<{ radius: unknown; distance: unknown; open_visit_id: unknown; m: unknown; s: unknown; repeated: unknown; tz: unknown }>(
    tx,
    sql`SELECT f.radius, f.distance, ${openVisitIdSql(me)} AS open_visit_id, prev.m, prev.s,
          ${repeatedCoordsSql(input.location_id, input.lat, input.lon, null)} AS repeated, ${orgTimeZoneSql} AS tz
        FROM (SELECT 1) AS one
        LEFT JOIN LATERAL (
          SELECT l.geofence_radius AS radius, ${fenceDistanceSql(sql`l.coordinates`, input.lat, input.lon)} AS distance
          FROM locations l WHERE l.id = ${input.location_id} AND l.active
        ) AS f ON true
        LEFT JOIN LATERAL (${previousFixSql(me, input.lat, input.lon, capturedAt)}) AS prev ON true`,
  );
  if (!row) throw new Error("the check-in read returned no row");
  let fence: CheckInFacts["fence"] = null;
  if (row.radius !== null && row.radius !== undefined) {
    const distance = Number(row.distance);
    const radius = Number(row.radius);
    fence = { radius, distance, status: geofenceStatus(distance, radius) };
  }
  return {
    fence,
    openVisitId: row.open_visit_id === null || row.open_visit_id === undefined ? null : Number(row.open_visit_id),
    speedKmh: row.m === null || row.m === undefined ? null : speedKmh(row.m, row.s),
    repeatedCoords: Boolean(row.repeated),
    tz: orgTimeZoneOrDefault(row.tz),
  };
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
