import "server-only";
import type { Db } from "../db/client";
import { readDashboardSettings } from "../dashboard/dashboard-range";
import { lateCheckIns, missingCheckOuts, notTracked, riskyVisits } from "./alert-rules";
import { raiseAlerts } from "./raise-alert";

/**
 * The scheduled alert check (every minute, one instance at a time through the job queue): raises what is due
 * at `now`. Idempotent — an alert already raised is never raised again — so a repeated or overlapping run is harmless,
 * and a check-in that never happens still raises "late".
 */
export async function checkAlerts(db: Db, now: Date): Promise<{ raised: number }> {
  const s = await readDashboardSettings({ db });
  const rules = { timeZone: s.timeZone, lateMinutes: s.lateMinutes, openVisitMinutes: s.openVisitMinutes, untrackedMinutes: s.untrackedMinutes };
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
