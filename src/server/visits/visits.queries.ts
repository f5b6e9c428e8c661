import "server-only";
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, requirePersonnelInScope, visiblePersonnelIds } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { AppError } from "../errors";
import type { ListVisitsQuery, ListVisitsResponse, VisitDetailResponse, VisitJson } from "@/contracts/visits";

/** ISO 8601 UTC text, the same on both drivers (they parse timestamptz differently). */
export const isoSql = (col: SQL) => sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The API JSON columns of a visit aliased `v` (a table or a CTE with the visits columns, e.g. an INSERT … RETURNING *). */
export const visitColumns = sql`v.id, v.personnel_id, v.location_id, v.planned_date::text AS planned_date, v.client_id::text AS client_id,
  ${isoSql(sql`v.check_in_time`)} AS check_in_time, ${isoSql(sql`v.check_in_received_at`)} AS check_in_received_at,
  ST_Y(v.check_in_coords::geometry) AS check_in_lat, ST_X(v.check_in_coords::geometry) AS check_in_lon, v.check_in_accuracy_m,
  v.check_out_client_id::text AS check_out_client_id, ${isoSql(sql`v.check_out_time`)} AS check_out_time,
  ${isoSql(sql`v.check_out_received_at`)} AS check_out_received_at,
  ST_Y(v.check_out_coords::geometry) AS check_out_lat, ST_X(v.check_out_coords::geometry) AS check_out_lon, v.check_out_accuracy_m,
  v.check_out_distance_m, v.check_out_status, v.duration_minutes, v.notes, v.outcome, v.validated, v.validation_status,
  v.flags, v.evidence_score, ${isoSql(sql`v.created_at`)} AS created_at, ${isoSql(sql`v.updated_at`)} AS updated_at`;

type Raw = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function toVisit(r: Raw): VisitJson {
  return {
    id: Number(r.id),
    personnel_id: Number(r.personnel_id),
    location_id: Number(r.location_id),
    planned_date: str(r.planned_date),
    client_id: str(r.client_id),
    check_in_time: str(r.check_in_time),
    check_in_received_at: str(r.check_in_received_at),
    check_in_lat: num(r.check_in_lat),
    check_in_lon: num(r.check_in_lon),
    check_in_accuracy_m: num(r.check_in_accuracy_m),
    check_out_client_id: str(r.check_out_client_id),
    check_out_time: str(r.check_out_time),
    check_out_received_at: str(r.check_out_received_at),
    check_out_lat: num(r.check_out_lat),
    check_out_lon: num(r.check_out_lon),
    check_out_accuracy_m: num(r.check_out_accuracy_m),
    check_out_distance_m: num(r.check_out_distance_m),
    check_out_status: str(r.check_out_status) as VisitJson["check_out_status"],
    duration_minutes: num(r.duration_minutes),
    notes: str(r.notes),
    outcome: str(r.outcome),
    validated: Boolean(r.validated),
    validation_status: str(r.validation_status) as VisitJson["validation_status"],
    flags: Array.isArray(r.flags) ? r.flags.map(String) : [],
    evidence_score: num(r.evidence_score),
    created_at: String(r.created_at),
    updated_at: String(r.updated_at),
  };
}

/** One visit as API JSON, unscoped: callers decide who may see it. */
export async function loadVisitJson(db: Db, id: number): Promise<VisitJson | null> {
  const [row] = await queryRows<Raw>(db, sql`SELECT ${visitColumns} FROM visits v WHERE v.id = ${id}`);
  return row ? toVisit(row) : null;
}

/** The id of the person's open visit (checked in, not out), if any. */
export async function findOpenVisitId(db: Db, personnelId: number): Promise<number | null> {
  const [row] = await queryRows<{ id: number | null }>(db, sql`SELECT ${openVisitIdSql(personnelId)} AS id`);
  return row?.id == null ? null : Number(row.id);
}

/** findOpenVisitId as a scalar subquery (null when none), for the check-in's one read. */
export const openVisitIdSql = (personnelId: number | Placeholder) =>
  sql<number | null>`(SELECT id FROM visits WHERE personnel_id = ${personnelId} AND check_in_time IS NOT NULL AND check_out_time IS NULL LIMIT 1)`;

export const visitAlreadyOpen = (openVisitId: number) =>
  new AppError("VISIT_ALREADY_OPEN", `Visit ${openVisitId} is still open: check out first.`, { details: { open_visit_id: openVisitId } });

/** Keyset cursor: check_in_time + id of the last row, base64url. */
const encodeCursor = (t: string, id: number) => Buffer.from(`${t}|${id}`).toString("base64url");
function decodeCursor(c: string): { t: string; id: number } {
  const [t, id] = Buffer.from(c, "base64url").toString().split("|");
  if (!t || !id || Number.isNaN(Date.parse(t)) || !/^\d+$/.test(id)) throw new AppError("VALIDATION_FAILED", "cursor: not a cursor of this list.", { field: "cursor" });
  return { t, id: Number(id) };
}

/** Visits the actor may see (rep: own; manager: subtree; admin: all), newest check-in first. */
export async function listVisits(ctx: Ctx, q: ListVisitsQuery): Promise<ListVisitsResponse> {
  requirePermission(ctx.actor, "visits.read");
  if (q.personnel_id !== undefined) await requirePersonnelInScope(ctx, q.personnel_id);
  const where: SQL[] = [sql`v.personnel_id IN (${visiblePersonnelIds(ctx.actor)})`, sql`v.check_in_time IS NOT NULL`];
  if (q.personnel_id !== undefined) where.push(sql`v.personnel_id = ${q.personnel_id}`);
  if (q.from) where.push(sql`v.check_in_time >= ${q.from}::timestamptz`);
  if (q.to) where.push(sql`v.check_in_time < ${q.to}::timestamptz`);
  if (q.cursor) {
    const c = decodeCursor(q.cursor);
    where.push(sql`(v.check_in_time, v.id) < (${c.t}::timestamptz, ${c.id}::int)`);
  }
  const rows = await queryRows<Raw>(
    ctx.db,
    sql`SELECT ${visitColumns} FROM visits v WHERE ${sql.join(where, sql` AND `)} ORDER BY v.check_in_time DESC, v.id DESC LIMIT ${q.limit + 1}`,
  );
  const page = rows.slice(0, q.limit).map(toVisit);
  const last = page.at(-1);
  return { visits: page, next_cursor: rows.length > q.limit && last?.check_in_time ? encodeCursor(last.check_in_time, last.id) : null };
}

/** One visit with its validations; out of scope answers 404 like a missing one. */
export async function getVisit(ctx: Ctx, id: number): Promise<VisitDetailResponse> {
  requirePermission(ctx.actor, "visits.read");
  const [row] = await queryRows<Raw>(
    ctx.db,
    sql`SELECT ${visitColumns} FROM visits v WHERE v.id = ${id} AND v.personnel_id IN (${visiblePersonnelIds(ctx.actor)})`,
  );
  if (!row) throw notFound("Visit");
  const validations = await queryRows<Raw>(
    ctx.db,
    sql`SELECT id, validation_type, is_valid, distance_from_location, validation_details, ${isoSql(sql`validated_at`)} AS validated_at
        FROM location_validations WHERE visit_id = ${id} ORDER BY id`,
  );
  return {
    visit: toVisit(row),
    validations: validations.map((v) => ({
      id: Number(v.id),
      validation_type: String(v.validation_type),
      is_valid: Boolean(v.is_valid),
      distance_from_location: num(v.distance_from_location),
      details: (v.validation_details as Record<string, unknown> | null) ?? null,
      validated_at: String(v.validated_at),
    })),
  };
}

