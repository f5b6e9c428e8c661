import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { PlannedPlace, RepNow, RepState, TeamSummary, TeamSummaryQuery } from "@/contracts/dashboard";
import type { Actor, Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { requirePersonnelInScope, visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import { iso, num, resolveRange, type DayRange } from "./dashboard-range";
import { teamKpis } from "./kpis.queries";

/** Reps of a manager's reporting subtree (any depth); an admin without manager_id: every rep. */
export function teamReps(ctx: Ctx, managerId: number | null): SQL {
  const root: Actor = managerId === null ? ctx.actor : { ...ctx.actor, id: managerId, role: "manager" };
  return sql`SELECT id FROM personnel WHERE role = 'rep' AND id IN (${visiblePersonnelIds(root)})`;
}

/** A fix this recent with speed ≥ 1 m/s counts as travelling. */
const MOVING_WINDOW_MS = 10 * 60_000;

/**
 * GET /api/v1/dashboard/team-summary and the Team now page: KPIs of the range, each rep's state and last
 * known position now, and the planned stops of the range's first day (the map's geofences).
 */
export async function getTeamSummary(ctx: Ctx, q: TeamSummaryQuery): Promise<TeamSummary> {
  requirePermission(ctx.actor, "team.read");
  if (q.manager_id !== undefined) await requirePersonnelInScope(ctx, q.manager_id, "Manager");
  const managerId = q.manager_id ?? (ctx.actor.role === "admin" ? null : ctx.actor.id);
  const r = await resolveRange(ctx, q);
  const team = teamReps(ctx, managerId);
  // Independent reads: in parallel on a pool (PGlite and a transaction simply queue them).
  const [kpis, reps, planned_places] = await Promise.all([teamKpis(ctx.db, team, r), repsNow(ctx, team, r), plannedPlaces(ctx, team, r.from)]);
  return { from: r.from, to: r.to, today: r.today, time_zone: r.settings.timeZone, manager_id: managerId, kpis, reps, planned_places };
}

async function repsNow(ctx: Ctx, team: SQL, r: DayRange): Promise<RepNow[]> {
  // A past day's view shows each rep as that day left them: the day's session, and the last fix before its end.
  const past = r.to < r.today;
  const day = past ? r.to : r.today;
  const until = past ? r.end.toISOString() : "infinity";
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`WITH team AS (${team})
      SELECT p.id, p.name, p.email, s.status AS session_status,
        lp.lat AS ping_lat, lp.lon AS ping_lon, lp.captured_at AS ping_at, lp.speed AS ping_speed,
        lv.id AS visit_id, lv.check_in_time, lv.check_out_time, lv.in_lat, lv.in_lon, lv.out_lat, lv.out_lon,
        coalesce(pc.planned, 0) AS planned, coalesce(pc.done, 0) AS planned_done, coalesce(vc.visits, 0) AS visits, coalesce(sc.km, 0) AS km
      FROM personnel p
      LEFT JOIN daily_sessions s ON s.personnel_id = p.id AND s.session_date = ${day}::date
      LEFT JOIN LATERAL (SELECT ST_Y(coords::geometry) AS lat, ST_X(coords::geometry) AS lon, captured_at, speed
        FROM location_pings WHERE personnel_id = p.id AND captured_at < ${until}::timestamptz ORDER BY captured_at DESC LIMIT 1) lp ON true
      LEFT JOIN LATERAL (SELECT id, check_in_time, CASE WHEN check_out_time < ${until}::timestamptz THEN check_out_time END AS check_out_time,
          ST_Y(check_in_coords::geometry) AS in_lat, ST_X(check_in_coords::geometry) AS in_lon,
          ST_Y(check_out_coords::geometry) AS out_lat, ST_X(check_out_coords::geometry) AS out_lon
        FROM visits WHERE personnel_id = p.id AND check_in_time IS NOT NULL AND check_in_time < ${until}::timestamptz ORDER BY check_in_time DESC LIMIT 1) lv ON true
      LEFT JOIN (SELECT personnel_id, count(*) AS planned, count(visit_id) AS done FROM planned_visits
        WHERE personnel_id IN (SELECT id FROM team) AND planned_date BETWEEN ${r.from}::date AND ${r.to}::date GROUP BY 1) pc ON pc.personnel_id = p.id
      LEFT JOIN (SELECT personnel_id, count(*) AS visits FROM visits WHERE personnel_id IN (SELECT id FROM team)
        AND check_in_time >= ${r.start.toISOString()}::timestamptz AND check_in_time < ${r.end.toISOString()}::timestamptz GROUP BY 1) vc ON vc.personnel_id = p.id
      LEFT JOIN (SELECT personnel_id, sum(total_travel_km) AS km FROM daily_sessions WHERE personnel_id IN (SELECT id FROM team)
        AND session_date BETWEEN ${r.from}::date AND ${r.to}::date GROUP BY 1) sc ON sc.personnel_id = p.id
      WHERE p.id IN (SELECT id FROM team)
      ORDER BY p.name`,
  );
  return rows.map((row) => toRepNow(row, past ? r.end : ctx.now, r.settings.untrackedMinutes));
}

type Fix = NonNullable<RepNow["last_fix"]>;

function lastFix(row: Record<string, unknown>): Fix | null {
  const candidates: Fix[] = [];
  const add = (lat: unknown, lon: unknown, at: unknown, source: Fix["source"]) => {
    if (lat != null && lon != null && at != null) candidates.push({ lat: Number(lat), lon: Number(lon), at: iso(at)!, source });
  };
  add(row.ping_lat, row.ping_lon, row.ping_at, "ping");
  add(row.in_lat, row.in_lon, row.check_in_time, "check_in");
  add(row.out_lat, row.out_lon, row.check_out_time, "check_out");
  return candidates.sort((a, b) => b.at.localeCompare(a.at))[0] ?? null;
}

/** The rep's state now: a visit open beats everything; then the day's session; then how fresh and fast the last fix is. */
export function repState(row: Record<string, unknown>, fix: Fix | null, now: Date, untrackedMinutes: number): RepState {
  if (row.check_in_time != null && row.check_out_time == null) return "in_visit";
  if (row.session_status == null) return "day_not_started";
  if (row.session_status !== "OPEN") return "day_ended";
  const age = fix ? now.getTime() - Date.parse(fix.at) : Infinity;
  if (age > untrackedMinutes * 60_000) return "not_tracked";
  if (fix?.source === "ping" && age <= MOVING_WINDOW_MS && num(row.ping_speed) >= 1) return "travelling";
  return "idle";
}

function toRepNow(row: Record<string, unknown>, now: Date, untrackedMinutes: number): RepNow {
  const fix = lastFix(row);
  const state = repState(row, fix, now, untrackedMinutes);
  return {
    id: num(row.id),
    name: String(row.name),
    email: String(row.email),
    state,
    last_fix: fix,
    open_visit_id: state === "in_visit" ? num(row.visit_id) : null,
    planned: num(row.planned),
    planned_done: num(row.planned_done),
    visits: num(row.visits),
    km: Math.round(num(row.km) * 10) / 10,
  };
}

async function plannedPlaces(ctx: Ctx, team: SQL, date: string): Promise<PlannedPlace[]> {
  const rows = await queryRows<Record<string, unknown>>(
    ctx.db,
    sql`SELECT pv.id AS planned_visit_id, pv.personnel_id, l.id AS location_id, l.name, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon,
          l.geofence_radius AS radius_m, pv.planned_date::text AS planned_date, to_char(pv.planned_time, 'HH24:MI') AS planned_time, pv.visit_id
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        WHERE pv.planned_date = ${date}::date AND pv.personnel_id IN (${team})
        ORDER BY pv.personnel_id, pv.sequence`,
  );
  return rows.map((x) => ({
    planned_visit_id: num(x.planned_visit_id),
    personnel_id: num(x.personnel_id),
    location_id: num(x.location_id),
    name: String(x.name),
    lat: Number(x.lat),
    lon: Number(x.lon),
    radius_m: num(x.radius_m),
    planned_date: String(x.planned_date),
    planned_time: x.planned_time == null ? null : String(x.planned_time),
    visit_id: x.visit_id == null ? null : num(x.visit_id),
  }));
}
