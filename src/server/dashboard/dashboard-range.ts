import "server-only";
import { addDays, localDate, zonedInstant } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { AppError } from "../errors";
import { getOrgSettings } from "../settings/org-settings";

export type DashboardSettings = { timeZone: string; lateMinutes: number; openVisitMinutes: number; untrackedMinutes: number; retentionDays: number };

export async function readDashboardSettings(ctx: Pick<Ctx, "db">): Promise<DashboardSettings> {
  const s = await getOrgSettings(ctx.db);
  return {
    timeZone: s.time_zone,
    lateMinutes: s.alert_late_check_in_minutes,
    openVisitMinutes: s.alert_open_visit_minutes,
    untrackedMinutes: s.alert_untracked_minutes,
    retentionDays: s.events_retention_days,
  };
}

export type DayRange = { from: string; to: string; today: string; start: Date; end: Date; days: number; settings: DashboardSettings; /** the request's clock: which planned stops are due yet */ now: Date };

const MAX_DAYS = 366;

/** ?from&to as organisation-local dates (default today, to defaults to from) and the half-open instant range they cover. */
export async function resolveRange(ctx: Ctx, q: { from?: string; to?: string }): Promise<DayRange> {
  const settings = await readDashboardSettings(ctx);
  const today = localDate(ctx.now, settings.timeZone);
  const from = q.from ?? (q.to && q.to < today ? q.to : today);
  const to = q.to ?? from;
  if (to < from) throw new AppError("VALIDATION_FAILED", "to must not be before from.", { field: "to" });
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days > MAX_DAYS) throw new AppError("VALIDATION_FAILED", `At most ${MAX_DAYS} days per request.`, { field: "to" });
  return { from, to, today, days, settings, now: ctx.now, start: zonedInstant(from, 0, settings.timeZone), end: zonedInstant(addDays(to, 1), 0, settings.timeZone) };
}

export const num = (v: unknown): number => (v == null ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v == null ? null : Math.round(Number(v) * 10) / 10);
export const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
export const iso = (v: unknown): string | null => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());
