import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Kpis } from "@/contracts/dashboard";
import { queryRows, type Db } from "../db/client";
import { num, numOrNull, pct, type DayRange } from "./dashboard-range";
import { checkInOnTimeSql, P, stopDueSql } from "./stop-due";

/**
 * The KPIs of a set of reps over a range of days, in one statement. `team` is a subquery of personnel ids.
 * Every part reads an index by (personnel, day): the cost grows with team × days, never with the whole history.
 */
export async function teamKpis(db: Db, team: SQL, r: DayRange): Promise<Kpis> {
  // Due by now (the stop-due rule, contracts/field-rules.ts): visited, or its planned time + the late threshold has
  // passed (the day's end when it has no time). A stop not yet due is upcoming: it counts in neither completion nor
  // on-time (a 03:00 dashboard shows no stop as missed).
  const due = stopDueSql(P.date, P.time, sql`p.visit_id IS NOT NULL`, r.now, r.settings);
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH team AS (${team}),
      pv AS (
        SELECT count(*) AS planned, count(p.visit_id) AS planned_done,
               count(*) FILTER (WHERE ${due}) AS due,
               count(*) FILTER (WHERE p.planned_time IS NOT NULL AND ${due}) AS timed,
               count(*) FILTER (WHERE p.planned_time IS NOT NULL AND ${checkInOnTimeSql(P.date, P.time, sql`v.check_in_time`, r.settings)}) AS on_time
        FROM planned_visits p LEFT JOIN visits v ON v.id = p.visit_id
        WHERE p.personnel_id IN (SELECT id FROM team) AND p.planned_date BETWEEN ${r.from}::date AND ${r.to}::date),
      vv AS (
        SELECT count(*) AS visits, count(check_out_time) AS completed,
               count(*) FILTER (WHERE validation_status IN ('VALID','WARNING')) AS valid, count(validation_status) AS judged,
               avg(duration_minutes) FILTER (WHERE check_out_time IS NOT NULL) AS avg_min
        FROM visits WHERE personnel_id IN (SELECT id FROM team)
          AND check_in_time >= ${r.start.toISOString()}::timestamptz AND check_in_time < ${r.end.toISOString()}::timestamptz),
      ss AS (
        SELECT coalesce(sum(total_travel_km) FILTER (WHERE session_date BETWEEN ${r.from}::date AND ${r.to}::date), 0) AS km,
               count(*) FILTER (WHERE session_date = ${r.today}::date AND status = 'OPEN') AS active
        FROM daily_sessions WHERE personnel_id IN (SELECT id FROM team)
          AND (session_date BETWEEN ${r.from}::date AND ${r.to}::date OR session_date = ${r.today}::date))
      SELECT pv.*, vv.*, ss.*, (SELECT count(*) FROM team) AS reps FROM pv, vv, ss`,
  );
  const x = row ?? {};
  const [planned, done, visits, judged] = [num(x.planned), num(x.planned_done), num(x.visits), num(x.judged)];
  return {
    planned,
    planned_done: done,
    visits,
    completed: num(x.completed),
    due: num(x.due),
    completion_pct: pct(done, num(x.due)),
    valid_pct: pct(num(x.valid), judged),
    avg_visit_minutes: numOrNull(x.avg_min),
    on_time_pct: pct(num(x.on_time), num(x.timed)),
    km_travelled: Math.round(num(x.km) * 10) / 10,
    active_reps_now: num(x.active),
    reps: num(x.reps),
  };
}
