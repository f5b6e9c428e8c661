import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { canSeePersonnel } from "../auth/scope";
import { queryRows, type Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { forbidden, notFound, validationFailed } from "../errors";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import { loadWorkHours } from "../tracking/work-hours";
import { dayRoutingOf, routingSettingsOf } from "../routing/routing-settings";
import { addDays, localDate } from "@/lib/time";
import { formatHhmm } from "@/lib/routing/time";
import type { DayPlanResponse, PlannedStopJson, PutPlanRequest } from "@/contracts/plans";

type Row = {
  planned_visit_id: number;
  sequence: number;
  planned_time: string | null;
  location_id: number;
  name: string;
  address: string | null;
  lat: number;
  lon: number;
  geofence_radius: number;
  active: boolean;
  visit_id: number | null;
  check_in_time: string | null;
  check_out_time: string | null;
  validation_status: "VALID" | "WARNING" | "INVALID" | null;
  flags: string[] | null;
  outcome: string | null;
};

const iso = (v: string | null) => (v === null ? null : new Date(v).toISOString());

function toStop(r: Row): PlannedStopJson {
  const visit =
    r.visit_id === null
      ? null
      : { id: Number(r.visit_id), check_in_time: iso(r.check_in_time), check_out_time: iso(r.check_out_time), validation_status: r.validation_status, flags: r.flags ?? [], outcome: r.outcome };
  return {
    planned_visit_id: Number(r.planned_visit_id),
    sequence: Number(r.sequence),
    planned_time: r.planned_time ? r.planned_time.slice(0, 5) : null,
    status: !visit ? "PENDING" : visit.check_out_time ? "DONE" : "IN_PROGRESS",
    location: { id: Number(r.location_id), name: r.name, address: r.address, lat: Number(r.lat), lon: Number(r.lon), geofence_radius: Number(r.geofence_radius), active: Boolean(r.active) },
    visit,
  };
}

/** The organisation's time zone and today. */
export async function orgDay(db: Db, now: Date): Promise<{ timeZone: string; today: string }> {
  const timeZone = (await getOrgSettings(db)).time_zone;
  return { timeZone, today: localDate(now, timeZone) };
}

/** One rep's planned stops on a date, in route order, with location, fence, status and linked visit. No scope check. */
export async function readDayPlan(db: Db, personnelId: number, date: string, timeZone: string): Promise<DayPlanResponse> {
  const rows = await queryRows<Row>(
    db,
    sql`SELECT pv.id AS planned_visit_id, pv.sequence, pv.planned_time::text AS planned_time,
          l.id AS location_id, l.name, l.address, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
          l.geofence_radius, l.active,
          v.id AS visit_id, v.check_in_time::text AS check_in_time, v.check_out_time::text AS check_out_time, v.validation_status, v.flags, v.outcome
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        LEFT JOIN visits v ON v.id = pv.visit_id
        WHERE pv.personnel_id = ${personnelId} AND pv.planned_date = ${date}
        ORDER BY pv.sequence`,
  );
  const [day] = await queryRows<{ source: "beat" | "manual" }>(db, sql`SELECT source FROM plan_days WHERE personnel_id = ${personnelId} AND plan_date = ${date}::date`);
  const hours = await loadWorkHours(db);
  const settings = await getOrgSettings(db);
  const { tracking_interval_seconds } = settings;
  const routing = dayRoutingOf(routingSettingsOf(settings));
  return {
    personnel_id: personnelId,
    date,
    time_zone: timeZone,
    work_hours: { start: formatHhmm(hours.startMin), end: formatHhmm(hours.endMin), days: hours.workDays },
    tracking_interval_seconds,
    routing,
    stops: rows.map(toStop),
    source: day?.source ?? (rows.length ? "manual" : "none"),
  };
}

/** 404 unless the caller may see this person (themself, a manager's subtree, an admin anyone who exists). */
async function requirePlanScope(ctx: Ctx, personnelId: number): Promise<void> {
  if (!(await canSeePersonnel(ctx, personnelId))) throw notFound("Rep not found.");
}

/** GET /api/v1/plans/{personnel_id}/{date}: plans/today is this for the organisation's today. */
export async function getDayPlan(ctx: Ctx, personnelId: number, date: string): Promise<DayPlanResponse> {
  requirePermission(ctx.actor, "visits.read");
  await requirePlanScope(ctx, personnelId);
  const { timeZone } = await orgDay(ctx.db, ctx.now);
  return readDayPlan(ctx.db, personnelId, date, timeZone);
}

/** Furthest ahead a day may be planned. */
const MAX_DAYS_AHEAD = 366;

/** Who may change this day: managers their subtree, admins anyone, a rep only their own (and only reorder). */
export async function authorizePlanWrite(ctx: Ctx, personnelId: number, date: string): Promise<{ timeZone: string }> {
  requirePermission(ctx.actor, "plans.write");
  await requirePlanScope(ctx, personnelId);
  const { timeZone, today } = await orgDay(ctx.db, ctx.now);
  if (date < today) throw validationFailed("A past day's plan cannot be changed.", "date");
  if (date > addDays(today, MAX_DAYS_AHEAD)) throw validationFailed(`Plans reach at most ${MAX_DAYS_AHEAD} days ahead.`, "date");
  return { timeZone };
}

type Pending = { location_id: number; planned_time: string | null };

/**
 * Replaces the day's pending (not yet visited) stops by `stops`, in that order, after the visited ones (which stay),
 * marks the day as written by hand (`source`), and emits plan.changed so the rep's open app reloads it. Runs in the
 * caller's transaction.
 */
export async function replacePendingStops(tx: Db, actorId: number | null, personnelId: number, date: string, stops: Pending[], source: "beat" | "manual", beatId: number | null = null): Promise<void> {
  await tx.execute(sql`SELECT id FROM planned_visits WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date FOR UPDATE`);
  await tx.execute(sql`DELETE FROM planned_visits WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date AND visit_id IS NULL`);
  const [kept] = await queryRows<{ max: number | null }>(tx, sql`SELECT max(sequence) AS max FROM planned_visits WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date`);
  const base = Number(kept?.max ?? 0);
  for (const [i, s] of stops.entries()) {
    await tx.execute(
      sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time) VALUES (${personnelId}, ${s.location_id}, ${date}::date, ${base + i + 1}, ${s.planned_time}::time)`,
    );
  }
  await tx.execute(
    sql`INSERT INTO plan_days (personnel_id, plan_date, source, beat_id, updated_by, updated_at) VALUES (${personnelId}, ${date}::date, ${source}, ${beatId}, ${actorId}, now())
        ON CONFLICT (personnel_id, plan_date) DO UPDATE SET source = EXCLUDED.source, updated_by = EXCLUDED.updated_by, updated_at = now()`,
  );
  await emitEvent(tx, { type: "plan.changed", personnelId, payload: { date, source } });
}

/** Pending stops of a day, in order (locked by the caller's transaction when it needs to be). */
export async function pendingStops(db: Db, personnelId: number, date: string): Promise<Pending[]> {
  const rows = await queryRows<{ location_id: number; planned_time: string | null }>(
    db,
    sql`SELECT location_id, substr(planned_time::text, 1, 5) AS planned_time FROM planned_visits
        WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date AND visit_id IS NULL ORDER BY sequence`,
  );
  return rows.map((r) => ({ location_id: Number(r.location_id), planned_time: r.planned_time }));
}

const sortedIds = (xs: Pending[]) => xs.map((x) => x.location_id).sort((a, b) => a - b).join(",");

/** PUT /api/v1/plans/{personnel_id}/{date}. */
export async function putDayPlan(ctx: Ctx, personnelId: number, date: string, input: PutPlanRequest): Promise<DayPlanResponse> {
  const { timeZone } = await authorizePlanWrite(ctx, personnelId, date);
  const stops = input.stops.map((s) => ({ location_id: s.location_id, planned_time: s.planned_time ?? null }));
  const { result } = await idempotent(
    ctx,
    { scope: "plans.put", clientId: input.client_id, request: { personnel_id: personnelId, date, stops } },
    async (tx) => {
      if (stops.length) {
        const ids = [...new Set(stops.map((s) => s.location_id))];
        const found = await queryRows<{ id: number }>(tx, sql`SELECT id FROM locations WHERE id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`);
        const known = new Set(found.map((r) => Number(r.id)));
        const bad = stops.findIndex((s) => !known.has(s.location_id));
        if (bad >= 0) throw validationFailed("No such location.", `stops.${bad}.location_id`);
      }
      if (ctx.actor.role === "rep") {
        // A rep may reorder their own pending stops, not add or drop customers.
        if (sortedIds(await pendingStops(tx, personnelId, date)) !== sortedIds(stops)) throw forbidden("A rep may only reorder their own pending stops.");
      }
      await replacePendingStops(tx, ctx.actor.id, personnelId, date, stops, "manual");
      return readDayPlan(tx, personnelId, date, timeZone);
    },
  );
  return result;
}
