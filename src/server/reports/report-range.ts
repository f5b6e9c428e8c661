import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { addDays, localDate, zonedInstant } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { requirePersonnelInScope, subtreeIds, visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import { readDashboardSettings, type DashboardSettings } from "../dashboard/dashboard-range";
import { validationFailed } from "../errors";

export const MAX_REPORT_DAYS = 366;

/**
 * The organisation settings reports need (time zone, late threshold). The one place this module reads them:
 * when the typed settings object lands (issue #18), only this line changes.
 */
export const readReportSettings = (ctx: Pick<Ctx, "db">): Promise<DashboardSettings> => readDashboardSettings(ctx);

export type ReportRange = {
  from: string;
  to: string;
  days: number;
  /** Half-open instant range [start, end) covering the org-local days. */
  start: Date;
  end: Date;
  today: string;
  settings: DashboardSettings;
};

/** from/to (already calendar-checked) → the instants they cover; reversed or longer than a year is a 400 naming the field. */
export async function reportRange(ctx: Ctx, q: { from: string; to: string }): Promise<ReportRange> {
  if (q.to < q.from) throw validationFailed("to must not be before from.", "to");
  const days = Math.round((Date.parse(q.to) - Date.parse(q.from)) / 86_400_000) + 1;
  if (days > MAX_REPORT_DAYS) throw validationFailed(`At most ${MAX_REPORT_DAYS} days per report.`, "to");
  const settings = await readReportSettings(ctx);
  const tz = settings.timeZone;
  return { from: q.from, to: q.to, days, settings, today: localDate(ctx.now, tz), start: zonedInstant(q.from, 0, tz), end: zonedInstant(addDays(q.to, 1), 0, tz) };
}

export type ReportScope = { ids: SQL; team: string };

/**
 * Whose rows a report holds, decided here in the domain layer: one person of the caller's scope (anyone else → 404,
 * like a missing one) — a rep alone, a manager with their reporting subtree — else the caller's scope (a rep: themself; a manager: their reporting subtree; an admin: all).
 */
export async function reportScope(ctx: Ctx, personnelId: number | undefined): Promise<ReportScope> {
  if (personnelId !== undefined) {
    await requirePersonnelInScope(ctx, personnelId, "Person");
    const [p] = await queryRows<{ name: string; role: string }>(ctx.db, sql`SELECT name, role FROM personnel WHERE id = ${personnelId}`);
    if (p?.role === "rep") return { ids: sql`SELECT ${personnelId}::int AS id`, team: p.name };
    // A manager (or admin) stands for their team: them and everyone reporting to them, at any depth (inside the caller's scope).
    return { ids: subtreeIds(personnelId), team: `${p?.name ?? ""}'s team` };
  }
  const team = ctx.actor.role === "admin" ? "Everyone" : ctx.actor.role === "rep" ? ctx.actor.name : `${ctx.actor.name}'s team`;
  return { ids: visiblePersonnelIds(ctx.actor), team };
}

/** The teams (managers) and reps of the caller's scope, the caller aside (the Reports page's team/rep filter). */
export async function reportPeople(ctx: Ctx): Promise<{ id: number; name: string; role: "rep" | "manager" }[]> {
  return queryRows<{ id: number; name: string; role: "rep" | "manager" }>(
    ctx.db,
    sql`SELECT id, name, role FROM personnel WHERE id IN (${visiblePersonnelIds(ctx.actor)}) AND role IN ('rep', 'manager') AND id <> ${ctx.actor.id} ORDER BY name`,
  );
}

/** The org's today (reports' presets) and its time zone (schedules' send times). */
export async function reportToday(ctx: Ctx): Promise<string> {
  return localDate(ctx.now, (await readReportSettings(ctx)).timeZone);
}
export async function reportTimeZone(ctx: Ctx): Promise<string> {
  return (await readReportSettings(ctx)).timeZone;
}
