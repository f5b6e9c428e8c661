import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { requirePersonnelInScope } from "../auth/scope";
import { queryRows } from "../db/client";
import { orgToday } from "../team/team.queries";
import { loadWorkHours } from "../tracking/work-hours";
import type { PlannedStopJson, TodayPlanQuery, TodayPlanResponse } from "@/contracts/plans";

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

/**
 * A rep's planned stops for the organisation's today, in route order, with each stop's location (coordinates and
 * fence, so the PWA can measure distances offline) and the visit linked to it. Default: the caller's own plan;
 * a manager may read their subtree's, an admin anyone's (out of scope answers 404).
 */
export async function getTodayPlan(ctx: Ctx, input: TodayPlanQuery): Promise<TodayPlanResponse> {
  requirePermission(ctx.actor, "visits.read");
  const personnelId = input.personnel_id ?? ctx.actor.id;
  if (personnelId !== ctx.actor.id) await requirePersonnelInScope(ctx, personnelId, "Rep");
  const today = await orgToday(ctx);
  const rows = await queryRows<Row>(
    ctx.db,
    sql`SELECT pv.id AS planned_visit_id, pv.sequence, pv.planned_time::text AS planned_time,
          l.id AS location_id, l.name, l.address, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
          l.geofence_radius, l.active,
          v.id AS visit_id, v.check_in_time::text AS check_in_time, v.check_out_time::text AS check_out_time, v.validation_status, v.flags, v.outcome
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        LEFT JOIN visits v ON v.id = pv.visit_id
        WHERE pv.personnel_id = ${personnelId} AND pv.planned_date = ${today.date}
        ORDER BY pv.sequence`,
  );
  const hours = await loadWorkHours(ctx.db);
  const hhmm = (min: number) => `${String(Math.floor(min / 60)).padStart(2, "0")}:${String(min % 60).padStart(2, "0")}`;
  return {
    personnel_id: personnelId,
    date: today.date,
    time_zone: today.timeZone,
    work_hours: { start: hhmm(hours.startMin), end: hhmm(hours.endMin), days: hours.workDays },
    stops: rows.map(toStop),
  };
}
