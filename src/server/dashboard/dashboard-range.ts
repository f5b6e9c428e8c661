import "server-only";
import { sql } from "drizzle-orm";
import { addDays, localDate, zonedInstant } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { queryRows } from "../db/client";
import { AppError } from "../errors";

export type DashboardSettings = { timeZone: string; lateMinutes: number; openVisitMinutes: number; untrackedMinutes: number; retentionDays: number };

export async function readDashboardSettings(ctx: Pick<Ctx, "db">): Promise<DashboardSettings> {
  const [s] = await queryRows<{ tz: string; late: number; open: number; untracked: number; retention: number }>(
    ctx.db,
    sql`SELECT time_zone AS tz, alert_late_check_in_minutes AS late, alert_open_visit_minutes AS open,
          alert_untracked_minutes AS untracked, events_retention_days AS retention FROM org_settings WHERE id = 1`,
  );
  if (!s) throw new Error("org_settings row 1 is missing: run the migrations");
  return { timeZone: s.tz, lateMinutes: s.late, openVisitMinutes: s.open, untrackedMinutes: s.untracked, retentionDays: s.retention };
}

export type DayRange = { from: string; to: string; today: string; start: Date; end: Date; days: number; settings: DashboardSettings; /** the request's clock: which planned stops are due yet */ now: Date };

const MAX_DAYS = 366;

/** ?from&to as organisation-local dates (default today, to defaults to from) and the half-open instant range they cover. */
export async function resolveRange(ctx: Ctx, q: { from?: string; to?: string }): Promise<DayRange> {
  const settings = await readDashboardSettings(ctx);
  const today = localDate(ctx.now, settings.timeZone);
  const from = q.from ?? (q.to && q.to < today ? q.to : today);
  const to = q.to ?? from;
  if (to < from) throw new AppError("VALIDATION_FAILED", "to must not be before from.", { status: 400, field: "to" });
  const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
  if (days > MAX_DAYS) throw new AppError("VALIDATION_FAILED", `At most ${MAX_DAYS} days per request.`, { status: 400, field: "to" });
  return { from, to, today, days, settings, now: ctx.now, start: zonedInstant(from, 0, settings.timeZone), end: zonedInstant(addDays(to, 1), 0, settings.timeZone) };
}

export const num = (v: unknown): number => (v == null ? 0 : Number(v));
export const numOrNull = (v: unknown): number | null => (v == null ? null : Math.round(Number(v) * 10) / 10);
export const pct = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
export const iso = (v: unknown): string | null => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());
