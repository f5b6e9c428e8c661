import "server-only";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { zoneOffsetMinutes } from "@/lib/time";
import { minutesOfDay } from "@/contracts/settings";

export type WorkHours = { timeZone: string; startMin: number; endMin: number; workDays: number[] };

/** The organisation's calendar, from the one settings reader. */
export async function loadWorkHours(db: Db): Promise<WorkHours> {
  const s = await getOrgSettings(db);
  return { timeZone: s.time_zone, startMin: minutesOfDay(s.work_start), endMin: minutesOfDay(s.work_end), workDays: s.work_days };
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
