import "server-only";
import { sql } from "drizzle-orm";
import type { DayFigures, PersonnelSummary, TimelineItem } from "@/contracts/dashboard";
import { stopState } from "@/contracts/field-rules";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, requirePersonnelInScope } from "../auth/scope";
import { queryRows } from "../db/client";
import { iso, num, numOrNull, resolveRange, type DayRange } from "./dashboard-range";
import { teamKpis } from "./kpis.queries";
import { checkInOnTimeSql, P, stopDueSql } from "./stop-due";

const TIMELINE_LIMIT = 500;

/** GET /api/v1/dashboard/personnel/{id} and the rep view: KPIs, per-day figures and the visit timeline of a range. */
export async function getPersonnelSummary(ctx: Ctx, personnelId: number, q: { from?: string; to?: string }): Promise<PersonnelSummary> {
  requirePermission(ctx.actor, "team.read");
  await requirePersonnelInScope(ctx, personnelId, "Rep");
  const [person] = await queryRows<PersonnelSummary["person"]>(
    ctx.db,
    sql`SELECT p.id, p.name, p.email, p.role::text AS role, m.name AS manager_name FROM personnel p LEFT JOIN personnel m ON m.id = p.manager_id WHERE p.id = ${personnelId}`,
  );
  if (!person) throw notFound("Rep");
  const r = await resolveRange(ctx, q);
  // Independent reads: in parallel on a pool (PGlite and a transaction simply queue them).
  const [kpis, perDay, items] = await Promise.all([teamKpis(ctx.db, sql`SELECT ${personnelId}::int AS id`, r), days(ctx, personnelId, r), timeline(ctx, personnelId, r)]);
  return { person, from: r.from, to: r.to, time_zone: r.settings.timeZone, kpis, days: perDay, timeline: items };
}

async function days(ctx: Ctx, id: number, r: DayRange): Promise<DayFigures[]> {
  const tz = r.settings.timeZone;
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`WITH d AS (SELECT generate_series(${r.from}::date, ${r.to}::date, interval '1 day')::date AS day),
      pv AS (SELECT p.planned_date AS day, count(*) AS planned,
               count(*) FILTER (WHERE p.planned_time IS NOT NULL AND ${stopDueSql(P.date, P.time, sql`p.visit_id IS NOT NULL`, r.now, r.settings)}) AS timed,
               count(*) FILTER (WHERE p.planned_time IS NOT NULL AND ${checkInOnTimeSql(P.date, P.time, sql`v.check_in_time`, r.settings)}) AS on_time
             FROM planned_visits p LEFT JOIN visits v ON v.id = p.visit_id
             WHERE p.personnel_id = ${id} AND p.planned_date BETWEEN ${r.from}::date AND ${r.to}::date GROUP BY 1),
      vv AS (SELECT (check_in_time AT TIME ZONE ${tz})::date AS day, count(*) AS visits, count(check_out_time) AS completed,
               avg(duration_minutes) FILTER (WHERE check_out_time IS NOT NULL) AS avg_min
             FROM visits WHERE personnel_id = ${id}
               AND check_in_time >= ${r.start.toISOString()}::timestamptz AND check_in_time < ${r.end.toISOString()}::timestamptz GROUP BY 1),
      ss AS (SELECT session_date AS day, sum(total_travel_km) AS km FROM daily_sessions
             WHERE personnel_id = ${id} AND session_date BETWEEN ${r.from}::date AND ${r.to}::date GROUP BY 1)
      SELECT d.day::text AS date, pv.planned, pv.timed, pv.on_time, vv.visits, vv.completed, vv.avg_min, ss.km
      FROM d LEFT JOIN pv ON pv.day = d.day LEFT JOIN vv ON vv.day = d.day LEFT JOIN ss ON ss.day = d.day ORDER BY d.day`,
  );
  return rows.map((x) => ({
    date: String(x.date),
    planned: num(x.planned),
    visits: num(x.visits),
    completed: num(x.completed),
    on_time: num(x.on_time),
    timed: num(x.timed),
    avg_visit_minutes: numOrNull(x.avg_min),
    km: Math.round(num(x.km) * 10) / 10,
  }));
}

/** Planned stops (with the visit made there, if any) and unplanned visits, newest first. */
async function timeline(ctx: Ctx, id: number, r: DayRange): Promise<TimelineItem[]> {
  const tz = r.settings.timeZone;
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`SELECT * FROM (
        SELECT p.id AS planned_visit_id, v.id AS visit_id, p.planned_date::text AS date, p.sequence, l.name AS location_name,
               to_char(p.planned_time, 'HH24:MI') AS planned_time, v.check_in_time, v.check_out_time, v.duration_minutes,
               v.validation_status, coalesce(v.flags, '{}') AS flags,
               CASE WHEN p.planned_time IS NOT NULL AND v.check_in_time IS NOT NULL
                 THEN floor(extract(epoch FROM v.check_in_time - ((p.planned_date + p.planned_time) AT TIME ZONE ${tz})) / 60)::int END AS late_minutes,
               ST_Y(v.check_in_coords::geometry) AS check_in_lat, ST_X(v.check_in_coords::geometry) AS check_in_lon
        FROM planned_visits p JOIN locations l ON l.id = p.location_id LEFT JOIN visits v ON v.id = p.visit_id
        WHERE p.personnel_id = ${id} AND p.planned_date BETWEEN ${r.from}::date AND ${r.to}::date
        UNION ALL
        SELECT NULL, v.id, (v.check_in_time AT TIME ZONE ${tz})::date::text, NULL, l.name, NULL, v.check_in_time, v.check_out_time, v.duration_minutes,
               v.validation_status, v.flags, NULL, ST_Y(v.check_in_coords::geometry), ST_X(v.check_in_coords::geometry)
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE v.personnel_id = ${id} AND v.check_in_time >= ${r.start.toISOString()}::timestamptz AND v.check_in_time < ${r.end.toISOString()}::timestamptz
          -- personnel_id first: planned_visits has no index on visit_id alone, but one leading with personnel_id
          AND NOT EXISTS (SELECT 1 FROM planned_visits p2 WHERE p2.personnel_id = ${id} AND p2.visit_id = v.id)
      ) t ORDER BY date DESC, coalesce(check_in_time, ((date::date + coalesce(planned_time, '23:59')::time) AT TIME ZONE ${tz})) DESC
      LIMIT ${TIMELINE_LIMIT}`,
  );
  return rows.map((x) => ({
    planned_visit_id: x.planned_visit_id == null ? null : num(x.planned_visit_id),
    // The stop-due rule (contracts/field-rules.ts), the same the KPIs count with: missed only after planned time + threshold.
    state: stopState({ date: String(x.date), planned_time: x.planned_time == null ? null : String(x.planned_time), checked_in: x.check_in_time != null }, r.now, r.settings),
    visit_id: x.visit_id == null ? null : num(x.visit_id),
    date: String(x.date),
    sequence: x.sequence == null ? null : num(x.sequence),
    location_name: String(x.location_name),
    planned_time: x.planned_time == null ? null : String(x.planned_time),
    check_in_time: iso(x.check_in_time),
    check_out_time: iso(x.check_out_time),
    duration_minutes: x.duration_minutes == null ? null : num(x.duration_minutes),
    validation_status: x.validation_status == null ? null : String(x.validation_status),
    flags: Array.isArray(x.flags) ? x.flags.map(String) : [],
    late_minutes: x.late_minutes == null ? null : num(x.late_minutes),
    check_in_lat: x.check_in_lat == null ? null : Number(x.check_in_lat),
    check_in_lon: x.check_in_lon == null ? null : Number(x.check_in_lon),
  }));
}
