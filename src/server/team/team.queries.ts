import "server-only";
import { sql } from "drizzle-orm";
import { addDays, localDate, zonedInstant } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, requirePersonnelInScope, visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";

/** The organisation's "today" (its time zone, not the server's) as a date and a half-open instant range. */
export async function orgToday(ctx: Ctx): Promise<{ date: string; start: Date; end: Date; timeZone: string }> {
  const timeZone = (await getOrgSettings(ctx.db)).time_zone;
  const date = localDate(ctx.now, timeZone);
  return { date, start: zonedInstant(date, 0, timeZone), end: zonedInstant(addDays(date, 1), 0, timeZone), timeZone };
}

export type TeamMemberRow = {
  id: number;
  name: string;
  email: string;
  role: string;
  active: boolean;
  manager_name: string | null;
  planned_today: number;
  visits_today: number;
};

/** Everyone the actor may see, except themself: a manager's whole reporting subtree, an admin everyone. */
export async function listTeam(ctx: Ctx): Promise<TeamMemberRow[]> {
  requirePermission(ctx.actor, "team.read");
  const today = await orgToday(ctx);
  return queryRows<TeamMemberRow>(
    ctx.db,
    sql`SELECT p.id, p.name, p.email, p.role::text AS role, p.active, m.name AS manager_name,
          (SELECT count(*) FROM planned_visits pv WHERE pv.personnel_id = p.id AND pv.planned_date = ${today.date})::int AS planned_today,
          (SELECT count(*) FROM visits v WHERE v.personnel_id = p.id
             AND v.check_in_time >= ${today.start.toISOString()}::timestamptz AND v.check_in_time < ${today.end.toISOString()}::timestamptz)::int AS visits_today
        FROM personnel p LEFT JOIN personnel m ON m.id = p.manager_id
        WHERE p.id IN (${visiblePersonnelIds(ctx.actor)}) AND p.id <> ${ctx.actor.id}
        ORDER BY CASE p.role WHEN 'manager' THEN 0 WHEN 'rep' THEN 1 ELSE 2 END, p.name`,
  );
}

export type PlannedStop = {
  sequence: number;
  location_name: string;
  address: string | null;
  visit_id: number | null;
  check_in_time: string | null;
  check_out_time: string | null;
  validation_status: string | null;
};

export type VisitRow = {
  id: number;
  location_name: string;
  check_in_time: string | null;
  check_out_time: string | null;
  validation_status: string | null;
  outcome: string | null;
  flags: string[];
};

/** A person's planned route for the organisation's today, with the visit made at each stop (if any). */
export async function plannedStopsToday(ctx: Ctx, personnelId: number): Promise<PlannedStop[]> {
  await requirePersonnelInScope(ctx, personnelId, "Rep");
  const today = await orgToday(ctx);
  return queryRows<PlannedStop>(
    ctx.db,
    sql`SELECT pv.sequence, l.name AS location_name, l.address, v.id AS visit_id,
          v.check_in_time::text AS check_in_time, v.check_out_time::text AS check_out_time, v.validation_status
        FROM planned_visits pv JOIN locations l ON l.id = pv.location_id
        LEFT JOIN visits v ON v.id = pv.visit_id
        WHERE pv.personnel_id = ${personnelId} AND pv.planned_date = ${today.date}
        ORDER BY pv.sequence`,
  );
}

export type TeamMemberDetail = {
  person: { id: number; name: string; email: string; phone: string | null; employee_id: string | null; role: string; active: boolean; manager_name: string | null };
  today: PlannedStop[];
  recent: VisitRow[];
};

/** One team member's profile, today's route and recent visits. Another team's person answers 404, like a missing one. */
export async function getTeamMemberOrThrow(ctx: Ctx, personnelId: number): Promise<TeamMemberDetail> {
  requirePermission(ctx.actor, "team.read");
  await requirePersonnelInScope(ctx, personnelId, "Rep");
  const [person] = await queryRows<TeamMemberDetail["person"]>(
    ctx.db,
    sql`SELECT p.id, p.name, p.email, p.phone, p.employee_id, p.role::text AS role, p.active, m.name AS manager_name
        FROM personnel p LEFT JOIN personnel m ON m.id = p.manager_id WHERE p.id = ${personnelId}`,
  );
  if (!person) throw notFound("Rep");
  const recent = await queryRows<VisitRow>(
    ctx.db,
    sql`SELECT v.id, l.name AS location_name, v.check_in_time::text AS check_in_time, v.check_out_time::text AS check_out_time,
          v.validation_status, v.outcome, v.flags
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE v.personnel_id = ${personnelId}
        ORDER BY v.check_in_time DESC NULLS LAST LIMIT 15`,
  );
  return { person, today: await plannedStopsToday(ctx, personnelId), recent };
}
