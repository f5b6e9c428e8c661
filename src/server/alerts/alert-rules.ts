import "server-only";
import { sql } from "drizzle-orm";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { P, stopDueSql } from "../dashboard/stop-due";
import type { AlertCandidate } from "./raise-alert";

/** Check-in verdicts and flags a manager must look at (photo flags raise once the photo evidence sets them). */
export const RISKY_FLAGS = ["IMPOSSIBLE_SPEED", "REPEATED_COORDS", "PHOTO_GPS_MISMATCH", "CAPTURE_FIX_MISMATCH", "NO_SELFIE", "PHOTO_TIME_SKEW", "FILE_UPLOAD"] as const;

/**
 * Whether a live visit event can raise a visit alert at all. A check-in's own event carries its verdict and flags:
 * VALID or WARNING without a risky flag cannot, so the runner skips reading it back (most check-ins; every instance
 * hears every event). Other visit events (check-out, review, photo) are always checked.
 */
export function mayRaiseVisitAlert(type: string, payload: Record<string, unknown>): boolean {
  if (type !== "visit.checked_in") return true;
  if (payload.status === "INVALID") return true;
  const flags = payload.flags;
  return !Array.isArray(flags) || flags.some((f) => (RISKY_FLAGS as readonly unknown[]).includes(f));
}

/** The alert inputs, from the organisation settings (getOrgSettings): thresholds, zone, the working week (HH:MM, ISO weekdays). */
export type Rules = { timeZone: string; lateMinutes: number; openVisitMinutes: number; untrackedMinutes: number; workStart: string; workEnd: string; workDays: number[] };

/** Planned stops of the organisation's today whose planned time + threshold has passed with no check-in there (the stop-due rule, contracts/field-rules.ts). */
export async function lateCheckIns(db: Db, now: Date, r: Rules): Promise<AlertCandidate[]> {
  const rows = await queryRows<{ id: number; personnel_id: number; name: string; planned_time: string; late_min: number; date: string }>(
    db,
    sql`WITH t AS (SELECT (${now.toISOString()}::timestamptz AT TIME ZONE ${r.timeZone})::date AS today)
      SELECT p.id, p.personnel_id, l.name, to_char(p.planned_time, 'HH24:MI') AS planned_time, p.planned_date::text AS date,
             floor(extract(epoch FROM ${now.toISOString()}::timestamptz - ((p.planned_date + p.planned_time) AT TIME ZONE ${r.timeZone})) / 60)::int AS late_min
      FROM planned_visits p JOIN locations l ON l.id = p.location_id, t
      WHERE p.planned_date = t.today AND p.planned_time IS NOT NULL AND p.visit_id IS NULL
        AND ${stopDueSql(P.date, P.time, sql`false`, now, r)}
        AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.personnel_id = p.personnel_id AND v.location_id = p.location_id
              AND v.check_in_time >= (t.today::timestamp AT TIME ZONE ${r.timeZone}))`,
  );
  return rows.map((x) => ({
    kind: "late_check_in",
    severity: "warning",
    personnelId: Number(x.personnel_id),
    plannedVisitId: Number(x.id),
    message: `No check-in at ${x.name}: planned ${x.planned_time}, ${x.late_min} min late`,
    details: { planned_time: x.planned_time, planned_date: x.date, late_minutes: Number(x.late_min) },
    dedupeKey: `late:${x.id}`,
  }));
}

/** Visits open longer than the threshold, or still open after the end of the work day they began on. */
export async function missingCheckOuts(db: Db, now: Date, r: Rules): Promise<AlertCandidate[]> {
  const rows = await queryRows<{ id: number; personnel_id: number; name: string; open_min: number; day_over: boolean }>(
    db,
    sql`SELECT v.id, v.personnel_id, l.name,
          floor(extract(epoch FROM ${now.toISOString()}::timestamptz - v.check_in_time) / 60)::int AS open_min,
          ((v.check_in_time AT TIME ZONE ${r.timeZone})::date + ${r.workEnd}::time) AT TIME ZONE ${r.timeZone} < ${now.toISOString()}::timestamptz AS day_over
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE v.check_in_time IS NOT NULL AND v.check_out_time IS NULL
          AND (v.check_in_time < ${now.toISOString()}::timestamptz - make_interval(mins => ${r.openVisitMinutes})
               OR ((v.check_in_time AT TIME ZONE ${r.timeZone})::date + ${r.workEnd}::time) AT TIME ZONE ${r.timeZone} < ${now.toISOString()}::timestamptz)`,
  );
  return rows.map((x) => ({
    kind: "missing_check_out",
    severity: x.day_over ? "critical" : "warning",
    personnelId: Number(x.personnel_id),
    visitId: Number(x.id),
    message: x.day_over ? `Visit at ${x.name} still open after the end of the work day` : `Visit at ${x.name} open for ${Math.floor(x.open_min / 60)} h ${x.open_min % 60} min without a check-out`,
    details: { open_minutes: Number(x.open_min), end_of_day: x.day_over },
    // Two stages per visit: past the threshold, then past the end of the day.
    dedupeKey: `open:${x.id}:${x.day_over ? "eod" : "long"}`,
  }));
}

/** Visits judged INVALID or carrying a risky flag, checked in within the last day (or the given visits). */
export async function riskyVisits(db: Db, now: Date, visitIds?: number[]): Promise<AlertCandidate[]> {
  const which = visitIds
    ? sql`v.id IN (${sql.join(visitIds.map((id) => sql`${id}`), sql`, `)})`
    : sql`v.check_in_time >= ${now.toISOString()}::timestamptz - interval '1 day'`;
  const rows = await queryRows<{ id: number; personnel_id: number; name: string; status: string | null; risky: string[] }>(
    db,
    sql`SELECT v.id, v.personnel_id, l.name, v.validation_status AS status,
          ARRAY(SELECT f FROM unnest(v.flags) f WHERE f IN (${sql.join(RISKY_FLAGS.map((f) => sql`${f}`), sql`, `)}) ORDER BY f) AS risky
        FROM visits v JOIN locations l ON l.id = v.location_id
        WHERE ${which} AND (v.validation_status = 'INVALID' OR v.flags && ${arrayLiteral(RISKY_FLAGS)}::text[])`,
  );
  return rows.map((x) => {
    const reasons = [...(x.status === "INVALID" ? ["INVALID"] : []), ...(x.risky ?? [])];
    return {
      kind: "risky_visit",
      severity: reasons.includes("INVALID") || reasons.includes("IMPOSSIBLE_SPEED") ? "critical" : "warning",
      personnelId: Number(x.personnel_id),
      visitId: Number(x.id),
      message: `Check-in at ${x.name} needs review: ${reasons.join(", ")}`,
      details: { reasons },
      dedupeKey: `risk:${x.id}:${reasons.join("+")}`,
    };
  });
}

/** Reps with an open day, not in a visit, and no fix for longer than the threshold, during work hours of a work day. */
export async function notTracked(db: Db, now: Date, r: Rules): Promise<AlertCandidate[]> {
  const rows = await queryRows<{ personnel_id: number; last_at: Date | string; silent_min: number }>(
    db,
    sql`WITH s AS (SELECT ${r.workStart}::time AS work_day_start, ${r.workEnd}::time AS work_day_end, ${arrayLiteral(r.workDays.map(String))}::int[] AS work_days,
                      (${now.toISOString()}::timestamptz AT TIME ZONE ${r.timeZone}) AS local)
      SELECT d.personnel_id, f.last_at, floor(extract(epoch FROM ${now.toISOString()}::timestamptz - f.last_at) / 60)::int AS silent_min
      FROM daily_sessions d, s,
      LATERAL (SELECT greatest(d.login_time,
          (SELECT max(captured_at) FROM location_pings WHERE personnel_id = d.personnel_id AND captured_at >= d.login_time),
          (SELECT max(greatest(check_in_time, check_out_time)) FROM visits WHERE personnel_id = d.personnel_id AND check_in_time >= d.login_time)) AS last_at) f
      WHERE d.status = 'OPEN' AND d.session_date = s.local::date
        AND extract(isodow FROM s.local)::int = ANY (s.work_days)
        AND s.local::time BETWEEN s.work_day_start AND s.work_day_end
        AND NOT EXISTS (SELECT 1 FROM visits v WHERE v.personnel_id = d.personnel_id AND v.check_in_time IS NOT NULL AND v.check_out_time IS NULL)
        AND f.last_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${r.untrackedMinutes})`,
  );
  return rows.map((x) => {
    const last = x.last_at instanceof Date ? x.last_at : new Date(String(x.last_at));
    return {
      kind: "not_tracked",
      severity: "warning",
      personnelId: Number(x.personnel_id),
      message: `No location for ${x.silent_min} min during work hours`,
      details: { last_fix_at: last.toISOString(), silent_minutes: Number(x.silent_min) },
      // One alert per silence: a new fix followed by another silence raises a new one.
      dedupeKey: `untracked:${x.personnel_id}:${last.toISOString()}`,
    };
  });
}
