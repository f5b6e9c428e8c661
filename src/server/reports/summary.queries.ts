import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { GroupBy, SummaryRow } from "@/contracts/reports";
import { queryRows, type Db } from "../db/client";
import { num, pct } from "../dashboard/dashboard-range";
import { addDays, localDate } from "@/lib/time";
import type { ReportRange, ReportScope } from "./report-range";
import { checkInOnTimeSql, P, stopDueSql } from "../dashboard/stop-due";
import { settleReportRollup } from "./report-rollup";

/** The group key of a date expression: the day itself, or the Monday of its ISO week. */
const dayKey = (d: SQL, g: GroupBy): SQL => (g === "week" ? sql`date_trunc('week', ${d})::date::text` : sql`(${d})::date::text`);
const keyOf = (g: GroupBy, personnel: SQL, d: SQL): SQL => (g === "rep" ? sql`(${personnel})::text` : dayKey(d, g));

/** The groups of the range: the reps of the scope (and anyone else with stops or visits in it), its days or its ISO weeks. */
function groupKeys(g: GroupBy, from: string, to: string, active: SQL): SQL {
  return g === "rep"
    ? sql`SELECT p.id::text AS k, p.name AS label, p.name AS ord FROM personnel p
          WHERE p.id IN (SELECT id FROM scope) AND (p.role = 'rep' OR p.id::text IN (${active}))`
    : g === "day"
      ? sql`SELECT d::date::text AS k, d::date::text AS label, d::date::text AS ord FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`
      : sql`SELECT DISTINCT date_trunc('week', d)::date::text AS k, 'Week of ' || date_trunc('week', d)::date::text AS label, date_trunc('week', d)::date::text AS ord
            FROM generate_series(${from}::date, ${to}::date, interval '1 day') d`;
}

/**
 * Per group (rep, day or ISO week): planned stops, how many are due and visited, on-time, verdict counts, minutes,
 * km and flags. A planned stop counts for completion and on-time only once it is due (the stop-due rule of
 * contracts/field-rules.ts: its time + the late threshold has passed — the day's end when it has no time — or it was
 * visited): today's later stops are upcoming, not missed (the dashboard's definition, issue #21).
 *
 * Read from the per-rep, per-day rollup `report_daily` (migration 0021_report_daily; the writers' triggers mark the
 * rep-days they touch and the marks are settled first, migration 0025_report_daily_deferred, so the read sees every
 * committed write): one row per rep-day instead of every stop and visit, plus the few stops of the range not due
 * yet at `now`, read live (by the same stop-due rule). The same statement checks that the rollup was built with the
 * time zone and late threshold this request uses (a process whose settings cache is behind another instance's change);
 * if not, the live query answers. Equal to summaryRowsLive by construction and by test
 * (tests/integration/report-rollup.test.ts).
 */
export async function summaryRows(db: Db, scope: ReportScope, r: ReportRange, g: GroupBy, now: Date): Promise<SummaryRow[]> {
  return (await summaryRowsFromRollup(db, scope, r, g, now)) ?? summaryRowsLive(db, scope, r, g, now);
}

/** The summary from the rollup; null when the rollup was built with another time zone or late threshold than `r`'s. */
export async function summaryRowsFromRollup(db: Db, scope: ReportScope, r: ReportRange, g: GroupBy, now: Date): Promise<SummaryRow[] | null> {
  const tz = r.settings.timeZone;
  const late = r.settings.lateMinutes;
  const [from, to] = [r.from, r.to];
  // Stops dated before this day are due whatever their time: its start is at or before now − late.
  const horizon = addDays(localDate(new Date(now.getTime() - late * 60_000), tz), -1);
  const notDueFrom = horizon > from ? horizon : from;
  await settleReportRollup(db);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`WITH scope(id) AS (${scope.ids}),
      st AS (SELECT coalesce(bool_and(time_zone = ${tz} AND alert_late_check_in_minutes = ${late}), false) AS ok FROM org_settings WHERE id = 1),
      rd AS (
        SELECT g::text AS k, planned, timed, visited, on_time, visits, valid, warning, invalid, minutes, flags, km_x100::numeric / 100 AS km, active
        FROM (
          SELECT ${g === "rep" ? sql`personnel_id` : g === "day" ? sql`day` : sql`date_trunc('week', day)::date`} AS g, sum(planned) AS planned, sum(timed) AS timed,
                 sum(visited) AS visited, sum(on_time) AS on_time, sum(visits) AS visits, sum(valid) AS valid, sum(warning) AS warning,
                 sum(invalid) AS invalid, sum(minutes) AS minutes, sum(flags) AS flags, sum(km_x100) AS km_x100, bool_or(planned > 0 OR visits > 0) AS active
          FROM report_daily WHERE personnel_id IN (SELECT id FROM scope) AND day BETWEEN ${from}::date AND ${to}::date
          GROUP BY 1) x),
      nd AS (
        SELECT ${keyOf(g, sql`p.personnel_id`, sql`p.planned_date`)} AS k, count(*) AS not_due, count(*) FILTER (WHERE p.planned_time IS NOT NULL) AS not_due_timed
        FROM planned_visits p
        WHERE p.personnel_id IN (SELECT id FROM scope) AND p.planned_date BETWEEN ${notDueFrom}::date AND ${to}::date
          AND NOT ${stopDueSql(P.date, P.time, sql`p.visit_id IS NOT NULL`, now, r.settings)}
        GROUP BY 1),
      keys AS (${groupKeys(g, from, to, sql`SELECT k FROM rd WHERE active`)})
      SELECT keys.k, keys.label, rd.planned, rd.planned - coalesce(nd.not_due, 0) AS due, rd.visited, rd.timed - coalesce(nd.not_due_timed, 0) AS timed,
             rd.on_time, rd.visits, rd.valid, rd.warning, rd.invalid, rd.minutes, rd.flags, rd.km, st.ok
      FROM keys CROSS JOIN st LEFT JOIN rd ON rd.k = keys.k LEFT JOIN nd ON nd.k = keys.k
      ORDER BY keys.ord, keys.k`,
  );
  if (rows.length > 0 && rows[0]!.ok !== true && rows[0]!.ok !== "t") return null;
  return rows.map((x) => summaryRow(String(x.k), String(x.label), x));
}

/** The same summary computed straight from planned_visits, visits and daily_sessions (every stop and visit of the range). */
export async function summaryRowsLive(db: Db, scope: ReportScope, r: ReportRange, g: GroupBy, now: Date): Promise<SummaryRow[]> {
  const tz = r.settings.timeZone;
  const [from, to] = [r.from, r.to];
  const keys = groupKeys(g, from, to, sql`SELECT k FROM vv UNION SELECT k FROM pv`);
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
