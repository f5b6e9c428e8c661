import "server-only";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { hhmmMinutes, type WorkHours } from "@/contracts/field-rules";
export { placeInWorkDay, type WorkHours } from "@/contracts/field-rules";

/** The organisation's calendar, from the one settings reader (the rule that judges an instant: contracts/field-rules.ts). */
export async function loadWorkHours(db: Db): Promise<WorkHours> {
  const s = await getOrgSettings(db);
  return { timeZone: s.time_zone, startMin: hhmmMinutes(s.work_start), endMin: hhmmMinutes(s.work_end), workDays: s.work_days };
}
