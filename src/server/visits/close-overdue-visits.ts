import "server-only";
import { sql } from "drizzle-orm";
import { raiseAlerts, type AlertCandidate } from "../alerts/raise-alert";
import { queryRows, type Db } from "../db/client";
import { loadWorkHours } from "../tracking/work-hours";
import { localDate, zonedInstant } from "@/lib/time";
import { AUTO_CLOSED } from "@/contracts/visit-close";
import { writeVisitClosed } from "./close-visit";

/**
 * The end-of-day job: every visit still open after the end of work hours of the day it was checked in (org time
 * zone and hours from the settings) is checked out at that end (or at its check-in, if that was later), flagged
 * AUTO_CLOSED, and its manager alerted (one `missing_check_out` alert per visit). A visit checked in after hours
 * gets an hour first. Safe to repeat: a closed visit is not open any more, and the alert's key is unique.
 */
export async function closeOverdueVisits(db: Db, now: Date): Promise<{ closed: number; alerts: number }> {
  const hours = await loadWorkHours(db);
  const candidates: AlertCandidate[] = [];
  await db.transaction(async (tx) => {
    const open = await queryRows<{ id: number; personnel_id: number; location_id: number; check_in_time: Date | string; location_name: string }>(
      tx,
      sql`SELECT v.id, v.personnel_id, v.location_id, v.check_in_time, l.name AS location_name FROM visits v JOIN locations l ON l.id = v.location_id
          WHERE v.check_in_time IS NOT NULL AND v.check_out_time IS NULL AND v.check_in_time < ${now.toISOString()}::timestamptz
          ORDER BY v.id FOR UPDATE OF v SKIP LOCKED`,
    );
    for (const r of open) {
      const checkIn = new Date(r.check_in_time);
      const workEnd = zonedInstant(localDate(checkIn, hours.timeZone), hours.endMin, hours.timeZone);
      const at = checkIn > workEnd ? checkIn : workEnd;
      const dueAt = checkIn > workEnd ? new Date(checkIn.getTime() + 3_600_000) : workEnd;
      if (now < dueAt) continue;
      const v = { id: Number(r.id), personnel_id: Number(r.personnel_id), location_id: Number(r.location_id) };
      await writeVisitClosed(tx, v, { at, now, flag: AUTO_CLOSED, clientId: null, closedBy: null });
      candidates.push({
        kind: "missing_check_out",
        severity: "warning",
        personnelId: v.personnel_id,
        visitId: v.id,
        message: `The visit to ${r.location_name} was still open after work hours: it was checked out automatically (the real check-out time is unknown).`,
        details: { flag: AUTO_CLOSED, closed_at: at.toISOString() },
        dedupeKey: `visit_auto_closed:${v.id}`,
      });
    }
  });
  return { closed: candidates.length, alerts: await raiseAlerts(db, candidates, now) };
}
