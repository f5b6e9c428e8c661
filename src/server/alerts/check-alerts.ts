import "server-only";
import type { Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { lateCheckIns, missingCheckOuts, notTracked, riskyVisits } from "./alert-rules";
import { raiseAlerts } from "./raise-alert";

/**
 * The scheduled alert check (every minute, one instance at a time through the job queue): raises what is due
 * at `now`. Idempotent — an alert already raised is never raised again — so a repeated or overlapping run is harmless,
 * and a check-in that never happens still raises "late".
 */
export async function checkAlerts(db: Db, now: Date): Promise<{ raised: number }> {
  const s = await getOrgSettings(db);
  const rules = {
    timeZone: s.time_zone,
    lateMinutes: s.alert_late_check_in_minutes,
    openVisitMinutes: s.alert_open_visit_minutes,
    untrackedMinutes: s.alert_untracked_minutes,
    workStart: s.work_start,
    workEnd: s.work_end,
    workDays: s.work_days,
  };
  // Set-based: one read and one INSERT … SELECT per rule (never a statement per alert), in one transaction.
  return db.transaction(async (tx) => {
    let raised = 0;
    raised += await raiseAlerts(tx, await lateCheckIns(tx, now, rules), now);
    raised += await raiseAlerts(tx, await missingCheckOuts(tx, now, rules), now);
    raised += await raiseAlerts(tx, await riskyVisits(tx, now), now);
    raised += await raiseAlerts(tx, await notTracked(tx, now, rules), now);
    return { raised };
  });
}

/** On a visit event (check-in, check-out, review, photo flags): raise its risk alert at once, not at the next minute. */
export async function checkVisitAlerts(db: Db, visitId: number, now: Date): Promise<{ raised: number }> {
  return { raised: await raiseAlerts(db, await riskyVisits(db, now, [visitId]), now) };
}
