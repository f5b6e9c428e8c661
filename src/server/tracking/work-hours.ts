import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { zoneOffsetMinutes } from "@/lib/time";

export type WorkHours = { timeZone: string; startMin: number; endMin: number; workDays: number[] };

const DEFAULT_HOURS: WorkHours = { timeZone: "Asia/Kolkata", startMin: 9 * 60, endMin: 19 * 60, workDays: [1, 2, 3, 4, 5, 6] };

const toMinutes = (t: string) => {
  const [h, m] = t.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/** The organisation's calendar (org_settings row 1), or the column defaults when the row is missing. */
export async function loadWorkHours(db: Db): Promise<WorkHours> {
  const [row] = await queryRows<{ time_zone: string; work_day_start: string; work_day_end: string; work_days: number[] | string }>(
    db,
    sql`SELECT time_zone, work_day_start::text AS work_day_start, work_day_end::text AS work_day_end, work_days FROM org_settings WHERE id = 1`,
  );
  if (!row) return DEFAULT_HOURS;
  // postgres.js parses int[]; PGlite too, but be tolerant of the text form "{1,2,3}".
  const days = Array.isArray(row.work_days) ? row.work_days.map(Number) : String(row.work_days).replace(/[{}]/g, "").split(",").filter(Boolean).map(Number);
  return { timeZone: row.time_zone, startMin: toMinutes(row.work_day_start), endMin: toMinutes(row.work_day_end), workDays: days };
}

/**
 * The org-local calendar date of an instant, and whether it falls inside work hours (start and end inclusive).
 * Date, weekday and minutes all come from the wall clock `instant + zone offset` (the offset is remembered per
 * quarter hour, lib/time.ts): this runs for every fix of a ping batch, where formatting a date with Intl each time
 * was the batch's largest single cost in the profile (bench/profile.ts). A unit test holds it equal to `localDate`.
 */
export function placeInWorkDay(instant: Date, hours: WorkHours): { date: string; inWorkHours: boolean } {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(instant, hours.timeZone) * 60_000);
  const date = local.toISOString().slice(0, 10);
  const weekday = local.getUTCDay() || 7;
  const minutes = local.getUTCHours() * 60 + local.getUTCMinutes() + local.getUTCSeconds() / 60;
  const inWorkHours = hours.workDays.includes(weekday) && minutes >= hours.startMin && minutes <= hours.endMin;
  return { date, inWorkHours };
}
