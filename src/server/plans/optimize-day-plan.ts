import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { queryRows, type Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { idempotent } from "../idempotency";
import { serverMatrix } from "../routing/optimize-route";
import { dayRoutingOf, loadRoutingSettings } from "../routing/routing-settings";
import { localDate, zonedInstant } from "@/lib/time";
import type { Point } from "@/lib/geo/distance";
import { dayRouteInput, optimiseDay, type DayStop } from "@/lib/routing/day-route";
import { formatHhmm, parseHhmm } from "@/lib/routing/time";
import type { OptimizePlanRequest, OptimizePlanResponse } from "@/contracts/plans";
import { authorizePlanWrite, readDayPlan, replacePendingStops } from "./day-plan";

type StopRow = { id: number; location_id: number; planned_time: string | null; lat: number; lon: number };

/** Where the rep is: their last fix that day, else the last stop they visited, else null (the route starts at its first stop). */
async function startPoint(db: Db, personnelId: number, date: string, timeZone: string): Promise<Point | null> {
  const from = zonedInstant(date, 0, timeZone).toISOString();
  const [fix] = await queryRows<{ lat: number; lon: number }>(
    db,
    sql`SELECT ST_Y(coords::geometry) AS lat, ST_X(coords::geometry) AS lon FROM location_pings
        WHERE personnel_id = ${personnelId} AND captured_at >= ${from}::timestamptz AND captured_at < ${from}::timestamptz + interval '1 day'
        ORDER BY captured_at DESC LIMIT 1`,
  );
  if (fix) return { lat: Number(fix.lat), lon: Number(fix.lon) };
  const [visited] = await queryRows<{ lat: number; lon: number }>(
    db,
    sql`SELECT ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        WHERE pv.personnel_id = ${personnelId} AND pv.planned_date = ${date}::date AND pv.visit_id IS NOT NULL ORDER BY pv.sequence DESC LIMIT 1`,
  );
  return visited ? { lat: Number(visited.lat), lon: Number(visited.lon) } : null;
}

/**
 * Reorders one day's pending stops with the route optimiser and saves the new order (the day becomes hand-edited).
 * A stop's planned_time is an appointment: service begins between it and the late-check-in grace after it. Stops whose
 * appointment cannot be met keep their place at the end and are reported. Used by POST …/optimize and by
 * beats-materialize (with `db` its own transaction).
 */
export async function reorderDay(
  db: Db,
  actorId: number | null,
  personnelId: number,
  date: string,
  now: Date,
  opts: { start?: Point | null; source: "beat" | "manual"; beatId?: number | null },
): Promise<Omit<OptimizePlanResponse, "plan">> {
  const timeZone = (await getOrgSettings(db)).time_zone;
  await db.execute(sql`SELECT id FROM planned_visits WHERE personnel_id = ${personnelId} AND planned_date = ${date}::date FOR UPDATE`);
  const rows = await queryRows<StopRow>(
    db,
    sql`SELECT pv.id, pv.location_id, substr(pv.planned_time::text, 1, 5) AS planned_time, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        WHERE pv.personnel_id = ${personnelId} AND pv.planned_date = ${date}::date AND pv.visit_id IS NULL ORDER BY pv.sequence`,
  );
  if (rows.length === 0) return { km_before: 0, km_after: 0, minutes_before: 0, minutes_after: 0, unassigned: [] };
  const start = opts.start ?? (await startPoint(db, personnelId, date, timeZone)) ?? { lat: Number(rows[0]!.lat), lon: Number(rows[0]!.lon) };
  const settings = await loadRoutingSettings(db);
  const routing = dayRoutingOf(settings);
  const stops: DayStop[] = rows.map((r) => ({ key: String(r.id), lat: Number(r.lat), lon: Number(r.lon), planned_time: r.planned_time }));
  // Today the route starts now (or at the day's start, if later); another day at the day's start.
  const nowMin = localDate(now, timeZone) === date ? Math.ceil((now.getTime() - zonedInstant(date, 0, timeZone).getTime()) / 60_000) : 0;
  const dayStart = parseHhmm(settings.day_start) ?? 9 * 60;
  const startTime = formatHhmm(Math.min(Math.max(dayStart, nowMin), 23 * 60 + 59));
  // The phone's function with the organisation's numbers (the plan response carries them to the phone as `routing`).
  const matrix = await serverMatrix(dayRouteInput(stops, start, startTime, routing));
  const { order, before, after, unassigned } = optimiseDay(stops, start, startTime, { routing, matrix });
  const byId = new Map(rows.map((r) => [String(r.id), r]));
  await replacePendingStops(
    db,
    actorId,
    personnelId,
    date,
    order.map((id) => ({ location_id: Number(byId.get(id)!.location_id), planned_time: byId.get(id)!.planned_time })),
    opts.source,
    opts.beatId ?? null,
  );
  return {
    km_before: before.km,
    km_after: after.km,
    minutes_before: before.minutes,
    minutes_after: after.minutes,
    unassigned: unassigned.map((u) => ({ location_id: Number(byId.get(u.key)!.location_id), reason: u.reason })),
  };
}

/** POST /api/v1/plans/{personnel_id}/{date}/optimize. */
export async function optimizeDayPlan(ctx: Ctx, personnelId: number, date: string, input: OptimizePlanRequest): Promise<OptimizePlanResponse> {
  const { timeZone } = await authorizePlanWrite(ctx, personnelId, date);
  const { result } = await idempotent(
    ctx,
    { scope: "plans.optimize", clientId: input.client_id, request: { personnel_id: personnelId, date, start: input.start ?? null } },
    async (tx) => {
      const measured = await reorderDay(tx, ctx.actor.id, personnelId, date, ctx.now, { start: input.start ?? null, source: "manual" });
      return { plan: await readDayPlan(tx, personnelId, date, timeZone), ...measured };
    },
  );
  return result;
}
