import "server-only";
import { addDays, localDate, zonedInstant } from "@/lib/time";
import type { Ctx } from "../auth/actor";
import { getOrgSettings } from "../settings/org-settings";

/** The organisation's "today" (its time zone, not the server's) as a date and a half-open instant range. */
export async function orgToday(ctx: Ctx): Promise<{ date: string; start: Date; end: Date; timeZone: string }> {
  const timeZone = (await getOrgSettings(ctx.db)).time_zone;
  const date = localDate(ctx.now, timeZone);
  return { date, start: zonedInstant(date, 0, timeZone), end: zonedInstant(addDays(date, 1), 0, timeZone), timeZone };
}
