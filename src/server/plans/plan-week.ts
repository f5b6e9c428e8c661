import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import { listLocations } from "../locations/customers.queries";
import { addDays } from "@/lib/time";
import type { PlanWeek } from "@/contracts/plan-week";
import { listBeats } from "./beats";
import { orgDay } from "./day-plan";


export const PLAN_WEEK_DAYS = 7;

/**
 * The manager's Plans page: every active rep in the actor's scope (a manager's subtree, an admin everyone) with their
 * beats and, for the 7 days from `from` (default: the organisation's today), how many stops each day holds and who
 * wrote it; plus the active customers to pick stops from.
 */
export async function getPlanWeek(ctx: Ctx, from?: string): Promise<PlanWeek> {
  requirePermission(ctx.actor, "beats.manage");
  const { today, timeZone } = await orgDay(ctx.db, ctx.now);
  const start = from ?? today;
  const dates = Array.from({ length: PLAN_WEEK_DAYS }, (_, k) => addDays(start, k));
  const reps = await queryRows<{ id: number; name: string }>(
    ctx.db,
    sql`SELECT id, name FROM personnel WHERE role = 'rep' AND active AND id IN (${visiblePersonnelIds(ctx.actor)}) ORDER BY lower(name), id`,
  );
  const ids = reps.map((r) => Number(r.id));
  const cells = ids.length
    ? await queryRows<{ personnel_id: number; date: string; stops: number; visited: number; source: "beat" | "manual" | null }>(
        ctx.db,
        sql`SELECT pv.personnel_id, pv.planned_date::text AS date, count(*)::int AS stops, count(pv.visit_id)::int AS visited, max(d.source) AS source
            FROM planned_visits pv LEFT JOIN plan_days d ON d.personnel_id = pv.personnel_id AND d.plan_date = pv.planned_date
            WHERE pv.personnel_id IN (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) AND pv.planned_date >= ${start}::date AND pv.planned_date <= ${dates.at(-1)!}::date
            GROUP BY pv.personnel_id, pv.planned_date`,
      )
    : [];
  const beats = await listBeats(ctx);
  const customers = await listLocations(ctx, { active: true, limit: 1000 });
  return {
    today,
    from: start,
    dates,
    time_zone: timeZone,
    reps: reps.map((r) => ({
      id: Number(r.id),
      name: r.name,
      beats: beats.filter((b) => b.personnel_id === Number(r.id)),
      days: Object.fromEntries(
        cells.filter((c) => Number(c.personnel_id) === Number(r.id)).map((c) => [c.date, { stops: Number(c.stops), visited: Number(c.visited), source: c.source ?? "manual" }]),
      ),
    })),
    customers: customers.items.map((c) => ({ id: c.id, name: c.name, address: c.address, lat: c.lat, lon: c.lon })),
  };
}
