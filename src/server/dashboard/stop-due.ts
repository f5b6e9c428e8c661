import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { StopClock } from "@/contracts/field-rules";

/**
 * The stop-due rule of contracts/field-rules.ts (stopDeadline, stopIsDue, checkInOnTime) in SQL, for the set-based
 * queries (KPIs, per-day figures, the summary report, the late check-in alert). Same rule, same boundaries: the
 * deadline is the planned time + the late threshold (the day's end when there is no time); due strictly after it;
 * a check-in at or before it is on time. tests/integration/stop-due.test.ts checks both forms agree.
 * `date` and `time` are the planned_visits columns (planned_date, planned_time) as the query names them.
 */
export function stopDeadlineSql(date: SQL, time: SQL, clock: StopClock): SQL {
  return sql`(CASE WHEN ${time} IS NULL THEN ((${date} + 1)::timestamp AT TIME ZONE ${clock.timeZone})
    ELSE ((${date} + ${time}) AT TIME ZONE ${clock.timeZone}) + make_interval(mins => ${clock.lateMinutes}::int) END)`;
}

/** Due at `now`: visited (`visited` true), or the deadline has passed. */
export function stopDueSql(date: SQL, time: SQL, visited: SQL, now: Date, clock: StopClock): SQL {
  return sql`(${visited} OR ${stopDeadlineSql(date, time, clock)} < ${now.toISOString()}::timestamptz)`;
}

/** A check-in at `checkIn` on time: at or before the deadline (null check-in: not on time). */
export function checkInOnTimeSql(date: SQL, time: SQL, checkIn: SQL, clock: StopClock): SQL {
  return sql`(${checkIn} <= ${stopDeadlineSql(date, time, clock)})`;
}

/** The columns of planned_visits aliased `p`, the common case. */
export const P = { date: sql`p.planned_date`, time: sql`p.planned_time` };
