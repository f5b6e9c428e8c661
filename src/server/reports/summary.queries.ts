import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { GroupBy, SummaryRow } from "@/contracts/reports";
import { queryRows, type Db } from "../db/client";
import { num, pct } from "../dashboard/dashboard-range";
import type { ReportRange, ReportScope } from "./report-range";
import { checkInOnTimeSql, P, stopDueSql } from "../dashboard/stop-due";

/** The group key of a date expression: the day itself, or the Monday of its ISO week. */
const dayKey = (d: SQL, g: GroupBy): SQL => (g === "week" ? sql`date_trunc('week', ${d})::date::text` : sql`(${d})::date::text`);
const keyOf = (g: GroupBy, personnel: SQL, d: SQL): SQL => (g === "rep" ? sql`(${personnel})::text` : dayKey(d, g));

/**
 * Per group (rep, day or ISO week): planned stops, how many are due and visited, on-time, verdict counts, minutes,
 * km and flags, in one statement. A planned stop counts for completion and on-time only once it is due (the stop-due
 * rule of contracts/field-rules.ts: its time + the late threshold has passed — the day's end when it has no time — or
 * it was visited): today's later stops are upcoming, not missed (the dashboard's definition, issue #21).
 */
export async function summaryRows(db: Db, scope: ReportScope, r: ReportRange, g: GroupBy, now: Date): Promise<SummaryRow[]> {
  const tz = r.settings.timeZone;
  const [from, to] = [r.from, r.to];
  const keys =
    g === "rep"
      ? sql`SELECT p.id::text AS k, p.name AS label, p.name AS ord FROM personnel p
            WHERE p.id IN (SELECT id FROM scope) AND (p.role = 'rep' OR p.id::text IN (SELECT k FROM vv UNION SELECT k FROM pv))`
      : g === "day"
        ? sql`SELECT d::date::text AS k, d::date::text AS label, d::date::text AS ord FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`
        : sql`SELECT DISTINCT date_trunc('week', d)::date::text AS k, 'Week of ' || date_trunc('week', d)::date::text AS label, date_trunc('week', d)::date::text AS ord
              FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH scope(id) AS (${scope.ids}),
      pv AS (
        SELECT k, count(*) AS planned, count(*) FILTER (WHERE due) AS due, count(*) FILTER (WHERE due AND visit_id IS NOT NULL) AS visited,
               count(*) FILTER (WHERE due AND planned_time IS NOT NULL) AS timed,
               count(*) FILTER (WHERE due AND planned_time IS NOT NULL AND ${checkInOnTimeSql(sql`planned_date`, sql`planned_time`, sql`check_in_time`, r.settings)}) AS on_time
        FROM (SELECT ${keyOf(g, sql`p.personnel_id`, sql`p.planned_date`)} AS k, p.planned_date, p.planned_time, p.visit_id, v.check_in_time,
                     ${stopDueSql(P.date, P.time, sql`p.visit_id IS NOT NULL`, now, r.settings)} AS due
              FROM planned_visits p LEFT JOIN visits v ON v.id = p.visit_id
              WHERE p.personnel_id IN (SELECT id FROM scope) AND p.planned_date BETWEEN ${from}::date AND ${to}::date) x
        GROUP BY k),
      vv AS (
        SELECT ${keyOf(g, sql`personnel_id`, sql`check_in_time AT TIME ZONE ${tz}`)} AS k, count(*) AS visits,
               count(*) FILTER (WHERE validation_status = 'VALID') AS valid, count(*) FILTER (WHERE validation_status = 'WARNING') AS warning,
               count(*) FILTER (WHERE validation_status = 'INVALID') AS invalid, coalesce(sum(duration_minutes), 0) AS minutes,
               coalesce(sum(cardinality(flags)), 0) AS flags
        FROM visits WHERE personnel_id IN (SELECT id FROM scope)
          AND check_in_time >= ${r.start.toISOString()}::timestamptz AND check_in_time < ${r.end.toISOString()}::timestamptz
        GROUP BY 1),
      ss AS (
        SELECT ${keyOf(g, sql`personnel_id`, sql`session_date`)} AS k, coalesce(sum(total_travel_km), 0) AS km
        FROM daily_sessions WHERE personnel_id IN (SELECT id FROM scope) AND session_date BETWEEN ${from}::date AND ${to}::date
        GROUP BY 1),
      keys AS (${keys})
      SELECT keys.k, keys.label, pv.planned, pv.due, pv.visited, pv.timed, pv.on_time, vv.visits, vv.valid, vv.warning, vv.invalid, vv.minutes, vv.flags, ss.km
      FROM keys LEFT JOIN pv ON pv.k = keys.k LEFT JOIN vv ON vv.k = keys.k LEFT JOIN ss ON ss.k = keys.k
      ORDER BY keys.ord, keys.k`,
  );
  return rows.map((x) => summaryRow(String(x.k), String(x.label), x));
}

type Counts = Omit<SummaryRow, "key" | "label" | "completion_pct" | "on_time_pct"> & { timed: number; on_time: number };

function summaryRow(key: string, label: string, x: Record<string, unknown>): SummaryRow & { timed: number; on_time: number } {
  const c: Counts = {
    planned: num(x.planned),
    due: num(x.due),
    visited: num(x.visited),
    timed: num(x.timed),
    on_time: num(x.on_time),
    visits: num(x.visits),
    valid: num(x.valid),
    warning: num(x.warning),
    invalid: num(x.invalid),
    minutes: num(x.minutes),
    km: Math.round(num(x.km) * 10) / 10,
    flags: num(x.flags),
  };
  return { key, label, ...c, completion_pct: pct(c.visited, c.due), on_time_pct: pct(c.on_time, c.timed) };
}

/** The totals row: sums of the groups (each planned stop, visit and session belongs to exactly one group). */
export function summaryTotals(rows: (SummaryRow & { timed?: number; on_time?: number })[]): SummaryRow & { timed: number; on_time: number } {
  const sum = (f: (r: (typeof rows)[number]) => number) => rows.reduce((a, r) => a + f(r), 0);
  return summaryRow("total", "Total", {
    planned: sum((r) => r.planned),
    due: sum((r) => r.due),
    visited: sum((r) => r.visited),
    timed: sum((r) => r.timed ?? 0),
    on_time: sum((r) => r.on_time ?? 0),
    visits: sum((r) => r.visits),
    valid: sum((r) => r.valid),
    warning: sum((r) => r.warning),
    invalid: sum((r) => r.invalid),
    minutes: sum((r) => r.minutes),
    km: sum((r) => r.km),
    flags: sum((r) => r.flags),
  });
}

/** Drops the internal counts the percentages were made from (the contract's exact columns). */
export const publicRow = ({ timed: _t, on_time: _o, ...row }: SummaryRow & { timed?: number; on_time?: number }): SummaryRow => (void _t, void _o, row);
