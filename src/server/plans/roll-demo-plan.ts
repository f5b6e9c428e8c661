import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { localDate } from "@/lib/time";
import { readOrgSettings } from "../settings/read-org-settings";

/**
 * Demo organisation only (org_settings.is_demo, set by the demo seed): gives every active rep without a plan for
 * the organisation's today a copy of their latest earlier planned day (same stops, order and times, no visits), so a
 * newcomer who starts the app days after seeding still sees a route. Idempotent: reps who have today's plan are
 * skipped and the (rep, date, sequence) key refuses doubles. Returns the number of stops added.
 */
export async function rollDemoPlanForward(db: Db, now: Date): Promise<number> {
  const s = await readOrgSettings(db);
  if (!s.is_demo) return 0;
  const today = localDate(now, s.time_zone);
  const rows = await queryRows<{ id: number }>(
    db,
    sql`INSERT INTO planned_visits (personnel_id, location_id, planned_date, sequence, planned_time)
        SELECT pv.personnel_id, pv.location_id, ${today}::date, pv.sequence, pv.planned_time
        FROM planned_visits pv JOIN personnel p ON p.id = pv.personnel_id AND p.active AND p.role = 'rep'
        WHERE pv.planned_date = (SELECT max(x.planned_date) FROM planned_visits x WHERE x.personnel_id = pv.personnel_id AND x.planned_date < ${today}::date)
          AND NOT EXISTS (SELECT 1 FROM planned_visits y WHERE y.personnel_id = pv.personnel_id AND y.planned_date = ${today}::date)
        ON CONFLICT DO NOTHING
        RETURNING id`,
  );
  return rows.length;
}
