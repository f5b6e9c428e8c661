import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import type { ValidationStatus } from "../db/schema";
import { AppError } from "../errors";
import { geofenceStatus } from "../geo/verdict";
import { assertSameRequest, hashRequest, type PriorKey } from "../idempotency";
import { fenceDistanceSql, pointSql } from "../locations/locations.queries";
import { ensureOpenSession } from "../sessions/ensure-open-session";
import { localDate } from "@/lib/time";
import type { FlagInput } from "./evidence";
import { gpsValidationRow, judgeFix, type FixJudgement } from "./judge-fix";
import {
  decodeStoredBody,
  isUniqueViolation,
  DEFAULT_TIME_ZONE,
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
 * Check in at a customer: the actor's own visit, verdict and flags computed in PostGIS, all written atomically
 * (visit, GPS validation row, planned-visit link, daily session count, outbox event, idempotency key). The
 * planned-visit link is the given planned_visit_id, else the rep's first open stop at this location on that day
 * (so a stop shows done whether or not the client knew its id).
 * Idempotent on client_id: a replay answers the first body unchanged (`created: false`).
 * `check_in_time` is the fix's captured_at (when the rep was there); `check_in_received_at` the server time.
 *
 * Round trips (docs/decisions/0013-hot-path.md): one read of everything the check-in needs, then — when the rep's
 * day is already open and no planned_visit_id is given, i.e. every check-in after the day's first — ONE statement
 * that writes it all (atomic on its own, no BEGIN/COMMIT). Otherwise a transaction that opens the day first.
 * A concurrent request that committed first (same client_id, or another open visit) surfaces as a unique
 * violation; the check-in then reads again and answers as if it had come second.
 */
export async function checkIn(ctx: Ctx, input: CheckInInput): Promise<{ body: VisitResult; created: boolean }> {
  requirePermission(ctx.actor, "visits.write");
  const capturedAt = requireAcceptableCaptureTime(input.captured_at, ctx.now);
  const requestHash = hashRequest(OPERATION, input);
  for (let attempt = 0; ; attempt++) {
    try {
      return await attemptCheckIn(ctx, input, capturedAt, requestHash);
    } catch (err) {
      const raced = RACE_CONSTRAINTS.some((c) => isUniqueViolation(err, c));
      if (raced && attempt < 2) continue; // the next read sees what the other request committed
      if (isUniqueViolation(err, "visits_one_open_per_rep")) throw visitAlreadyOpen((await findOpenVisitId(ctx.db, ctx.actor.id)) ?? 0);
      // A visit carries this client_id but no stored request does (e.g. imported history): not ours to replay.
      if (isUniqueViolation(err, "visits_client_id_unique")) throw new AppError("CLIENT_ID_REUSED", "This client_id was already used for another request.", { field: "client_id" });
      throw err;
    }
  }
}

const OPERATION = "visits.check_in";
const RACE_CONSTRAINTS = ["visits_one_open_per_rep", "idempotency_keys_pkey", "visits_client_id_unique"];

async function attemptCheckIn(ctx: Ctx, input: CheckInInput, capturedAt: Date, requestHash: string): Promise<{ body: VisitResult; created: boolean }> {
  const me = ctx.actor.id;
  const facts = await readCheckInFacts(ctx.db, me, input, capturedAt);
  if (facts.prior) {
    assertSameRequest(facts.prior, me, OPERATION, requestHash);
    return { body: decodeCheckInBody(facts.prior.response), created: false };
  }
  const fence = facts.fence;
  if (!fence) throw new AppError("NOT_FOUND", "Location not found.", { field: "location_id" });
  if (facts.openVisitId !== null) throw visitAlreadyOpen(facts.openVisitId);

  const fixInput = {
    radiusM: fence.radius,
    accuracyM: input.accuracy_m,
    capturedAt,
    receivedAt: ctx.now,
    offlineReplay: input.offline_replay ?? false,
    queuedAt: input.offline_replay && input.queued_at ? new Date(input.queued_at) : null,
    speedKmh: facts.speedKmh,
    repeatedCoords: facts.repeatedCoords,
  };
  const judged = judgeFix(fence, fixInput);
  const date = localDate(capturedAt, facts.tz);
  const reopenIfClosed = date === localDate(ctx.now, facts.tz);
  const write = { ctx, input, capturedAt, requestHash, judged, fixInput, date, status: fence.status, distance: fence.distance, reopenIfClosed, sessionId: null };

  // The day is open (or a past day that stays closed): count the visit on it in the same statement.
  if (input.planned_visit_id === undefined && facts.sessionDate === date && facts.sessionStatus !== null && (facts.sessionStatus === "OPEN" || !reopenIfClosed)) {
    const row = await writeCheckIn(ctx.db, write, true);
    // No row: the day changed in between (ended elsewhere); nothing was written, so take the general path.
    if (row) return { body: row, created: true };
  }
  const body = await ctx.db.transaction(async (tx) => {
    if (input.planned_visit_id !== undefined) await requirePlannedVisit(tx as unknown as Db, input.planned_visit_id, me, input.location_id);
    const opened = await ensureOpenSession(tx as unknown as Db, { personnelId: me, date, at: capturedAt, countVisit: true, reopenIfClosed, how: { via: "check_in" } });
    const row = await writeCheckIn(tx as unknown as Db, { ...write, sessionId: opened.id }, false);
    if (!row) throw new Error("the check-in write returned no row");
    return row;
  });
  return { body, created: true };
}

type CheckInWrite = {
  ctx: Ctx;
  input: CheckInInput;
  capturedAt: Date;
  requestHash: string;
  judged: FixJudgement;
  fixInput: FlagInput;
  date: string;
  status: ValidationStatus;
  distance: number;
  /** The fix's date is today (org time zone): a closed day is reopened rather than counted on. */
  reopenIfClosed: boolean;
  /** The day opened in the transaction (the general path), or null (the open-day path). */
  sessionId: number | null;
};

/**
 * The visit, its GPS validation, its outbox event, the planned-visit link and the idempotency key (with the
 * answer) in one statement, all selected FROM the session CTE `s` (`dayOpen`: the day's count in the same statement;
 * else the day `w.sessionId` opened by the caller): when `s` has no row, nothing is written and null comes back. The stored answer is the visit's API row plus the validation as text, so a replay rebuilds
 * the first body byte for byte (jsonb alone would reorder keys).
 */
async function writeCheckIn(db: Db, w: CheckInWrite, dayOpen: boolean): Promise<VisitResult | null> {
  const { ctx, input, judged } = w;
  const me = ctx.actor.id;
  const { flags, valid, validation } = judged;
  const now = ctx.now.toISOString();
  const t = w.capturedAt.toISOString();
  const gps = gpsValidationRow(0, "check_in", judged, w.fixInput);
  const payload = { status: w.status, distance: w.distance, flags, evidence_score: validation.evidence_score, check_in_time: t, position: { lat: input.lat, lon: input.lon } };
  const values = {
    me,
    location_id: input.location_id,
    date: w.date,
    t,
    now,
    lat: input.lat,
    lon: input.lon,
    notes: input.notes ?? null,
    valid,
    status: w.status,
    client_id: input.client_id,
    accuracy_m: input.accuracy_m,
    // Flags are fixed identifiers (FIX_FLAGS), so an array literal is safe.
    flags: arrayLiteral(flags),
    evidence_score: validation.evidence_score,
    gps_type: gps.validationType,
    gps_valid: gps.isValid,
    gps_distance: gps.distanceFromLocation,
    gps_details: JSON.stringify(gps.validationDetails),
    payload: JSON.stringify(payload),
    planned_visit_id: input.planned_visit_id ?? null,
    request_hash: w.requestHash,
    reopen_if_closed: w.reopenIfClosed,
    validation_text: JSON.stringify(validation),
  };
  const [row] = dayOpen ? await writeOnOpenDay<Record<string, unknown>>(db, values) : await writeOnSession<Record<string, unknown>>(db, { ...values, session_id: w.sessionId });
  return row ? { visit: toVisit(row), validation } : null;
}

/**
 * The write of writeCheckIn after the session CTE `s`. Without an explicit planned_visit_id, the planned-visit link
 * is the first still-open stop of this rep at this location on the visit's date.
 */
const checkInWriteSql = (session: SQL) => sql`WITH ${session},
      v AS (
        INSERT INTO visits (personnel_id, location_id, planned_date, check_in_time, check_in_coords, notes, validated, validation_status,
                            client_id, check_in_captured_at, check_in_received_at, check_in_accuracy_m, flags, evidence_score, created_at, updated_at)
        SELECT ${ph("me")}, ${ph("location_id")}, ${ph("date")}::date, ${ph("t")}::timestamptz, ${pointSql(ph("lat"), ph("lon"))}, ${ph("notes")}::text, ${ph("valid")}::boolean, ${ph("status")}::varchar,
               ${ph("client_id")}::uuid, ${ph("t")}::timestamptz, ${ph("now")}::timestamptz, ${ph("accuracy_m")}::real, ${ph("flags")}::text[], ${ph("evidence_score")}::smallint, ${ph("now")}::timestamptz, ${ph("now")}::timestamptz
        FROM s
        RETURNING *),
      val AS (
        INSERT INTO location_validations (visit_id, validation_type, is_valid, distance_from_location, validation_details, validated_at)
        SELECT v.id, ${ph("gps_type")}::varchar, ${ph("gps_valid")}::boolean, ${ph("gps_distance")}::numeric, ${ph("gps_details")}::jsonb, ${ph("now")}::timestamptz FROM v),
      ev AS (
        INSERT INTO events (type, personnel_id, visit_id, location_id, payload)
        SELECT 'visit.checked_in', ${ph("me")}, v.id, ${ph("location_id")}, jsonb_build_object('session_id', s.id) || ${ph("payload")}::jsonb FROM v, s),
      pv AS (
        -- Only the rep's own stop: a planned_visit_id of someone else's route links nothing.
        UPDATE planned_visits SET visit_id = (SELECT id FROM v)
        WHERE id = COALESCE(${ph("planned_visit_id")}::int,
                            (SELECT id FROM planned_visits WHERE personnel_id = ${ph("me")} AND planned_date = ${ph("date")}::date AND location_id = ${ph("location_id")} AND visit_id IS NULL ORDER BY sequence LIMIT 1))
          AND personnel_id = ${ph("me")} AND visit_id IS NULL AND EXISTS (SELECT 1 FROM v)),
      api AS (SELECT ${visitColumns} FROM v),
      ik AS (
        INSERT INTO idempotency_keys (client_id, actor_id, operation, created_at, request_hash, response)
        SELECT ${ph("client_id")}::uuid, ${ph("me")}, ${OPERATION}, ${ph("now")}::timestamptz, ${ph("request_hash")}::text,
               jsonb_build_object('visit_row', to_jsonb(api), 'validation_text', ${ph("validation_text")}::text) FROM api)
      SELECT * FROM api`;

/** The rep's day is open (or a past day that stays closed): the visit is counted on it in the same statement. */
const writeOnOpenDay = preparedStatement(
  "check_in_write_open_day",
  () =>
    checkInWriteSql(sql`s AS (UPDATE daily_sessions SET total_visits = total_visits + 1, updated_at = now()
        WHERE personnel_id = ${ph("me")} AND session_date = ${ph("date")}::date AND (status = 'OPEN' OR NOT ${ph("reopen_if_closed")}::boolean) RETURNING id)`),
);

/** Inside the transaction that opened (and counted) the day first. */
const writeOnSession = preparedStatement("check_in_write_session", () => checkInWriteSql(sql`s AS (SELECT ${ph("session_id")}::int AS id)`));


/**
 * A stored check-in answer: `{ visit_row, validation_text }` (see writeCheckIn), or, for keys written before
 * that, the body's JSON text. Either way the body comes back as first sent.
 */
function decodeCheckInBody(stored: unknown): VisitResult {
  const value = decodeStoredBody<unknown>(stored as string);
  if (value && typeof value === "object" && "visit_row" in value && "validation_text" in value) {
    const v = value as { visit_row: Record<string, unknown>; validation_text: string };
    return { visit: toVisit(v.visit_row), validation: JSON.parse(v.validation_text) as VisitResult["validation"] };
  }
  return value as VisitResult;
}

type CheckInFacts = {
  /** Null when the location does not exist or is inactive. */
  fence: { radius: number; distance: number; status: ValidationStatus } | null;
  openVisitId: number | null;
  speedKmh: number | null;
  repeatedCoords: boolean;
  tz: string;
  /** The idempotency key of this client_id, if a request with it committed. */
  prior: PriorKey | undefined;
  /** The rep's day of this fix (in the organisation's time zone, as SQL sees it) and its status, if it exists. */
  sessionDate: string | null;
  sessionStatus: string | null;
};

/**
 * Everything the check-in reads before writing, in one round trip: the fence (active location, spheroid distance),
 * the rep's open visit, the previous fix (speed), repeated coordinates, the organisation's time zone, a prior
 * request with this client_id and the rep's day. The same SQL pieces as checkFence, findOpenVisitId, the check-out's read
 * (previousFixSql, repeatedCoordsSql) and orgTimeZone; built once (preparedStatement).
 */
const readFacts = preparedStatement(
  "check_in_read",
  () =>
    sql`SELECT f.radius, f.distance, ${openVisitIdSql(ph("me"))} AS open_visit_id, prev.m, prev.s,
          ${repeatedCoordsSql(ph("location_id"), ph("lat"), ph("lon"), null)} AS repeated, z.tz,
          ik.actor_id AS prior_actor_id, ik.operation AS prior_operation, ik.request_hash AS prior_request_hash, ik.response AS prior_response,
          ds.session_date::text AS session_date, ds.status AS session_status
        FROM (SELECT ${orgTimeZoneSql} AS tz) AS z
        LEFT JOIN LATERAL (
          SELECT l.geofence_radius AS radius, ${fenceDistanceSql(sql`l.coordinates`, ph("lat"), ph("lon"))} AS distance
          FROM locations l WHERE l.id = ${ph("location_id")} AND l.active
        ) AS f ON true
        LEFT JOIN LATERAL (${previousFixSql(ph("me"), ph("lat"), ph("lon"), ph("t"))}) AS prev ON true
        LEFT JOIN idempotency_keys ik ON ik.client_id = ${ph("client_id")}::uuid
        LEFT JOIN daily_sessions ds ON ds.personnel_id = ${ph("me")}
          AND ds.session_date = (${ph("t")}::timestamptz AT TIME ZONE COALESCE(z.tz, ${DEFAULT_TIME_ZONE}))::date`,
);

async function readCheckInFacts(db: Db, me: number, input: CheckInInput, capturedAt: Date): Promise<CheckInFacts> {
  const [row] = await readFacts<Record<string, unknown>>(db, {
    me,
    location_id: input.location_id,
    lat: input.lat,
    lon: input.lon,
    t: capturedAt.toISOString(),
    client_id: input.client_id,
  });
  if (!row) throw new Error("the check-in read returned no row");
  let fence: CheckInFacts["fence"] = null;
  if (row.radius !== null && row.radius !== undefined) {
    const distance = Number(row.distance);
    const radius = Number(row.radius);
    fence = { radius, distance, status: geofenceStatus(distance, radius) };
  }
  const prior: PriorKey | undefined =
    row.prior_actor_id == null
      ? undefined
      : { actorId: Number(row.prior_actor_id), operation: String(row.prior_operation), requestHash: row.prior_request_hash == null ? null : String(row.prior_request_hash), response: row.prior_response };
  return {
    fence,
    openVisitId: row.open_visit_id === null || row.open_visit_id === undefined ? null : Number(row.open_visit_id),
    speedKmh: row.m === null || row.m === undefined ? null : speedKmh(row.m, row.s),
    repeatedCoords: Boolean(row.repeated),
    tz: orgTimeZoneOrDefault(row.tz),
    prior,
    sessionDate: row.session_date == null ? null : String(row.session_date),
    sessionStatus: row.session_status == null ? null : String(row.session_status),
  };
}

/** The planned visit must be the actor's (else 404, like any record out of scope), for this location, and not yet done. */
async function requirePlannedVisit(tx: Db, id: number, personnelId: number, locationId: number): Promise<void> {
  const [row] = await queryRows<{ location_id: number; visit_id: number | null }>(
    tx,
    sql`SELECT location_id, visit_id FROM planned_visits WHERE id = ${id} AND personnel_id = ${personnelId} FOR UPDATE`,
  );
  if (!row) throw new AppError("NOT_FOUND", "Planned visit not found.", { field: "planned_visit_id" });
  if (Number(row.location_id) !== locationId) throw new AppError("PLANNED_VISIT_MISMATCH", "This planned visit is for another location.", { field: "planned_visit_id" });
  if (row.visit_id !== null) throw new AppError("PLANNED_VISIT_DONE", `This planned visit already has visit ${row.visit_id}.`, { field: "planned_visit_id" });
}
