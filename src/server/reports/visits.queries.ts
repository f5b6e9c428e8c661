import "server-only";
import { sql } from "drizzle-orm";
import type { VisitReportRow } from "@/contracts/reports";
import { queryRows, type Db } from "../db/client";
import { validationFailed } from "../errors";
import type { ReportRange, ReportScope } from "./report-range";

/** Where a page or batch starts: after this visit in (check_in_time, id) order. */
export type VisitKey = { t: string; id: number };

export const encodeCursor = (k: VisitKey): string => Buffer.from(JSON.stringify(k)).toString("base64url");
export function decodeCursor(raw: string): VisitKey {
  try {
    const k = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as Partial<VisitKey>;
    if (typeof k.t === "string" && !Number.isNaN(Date.parse(k.t)) && Number.isInteger(k.id)) return { t: k.t, id: k.id! };
  } catch {
    // fall through
  }
  throw validationFailed("cursor is not one this API issued.", "cursor");
}

type Raw = Record<string, unknown> & { check_in_utc: string | Date; visit_id: number };

/**
 * One keyset page of the visits report, in check-in order: every read is bounded (`limit` rows), so a year of a
 * large team streams in constant memory on both drivers and a JSON page resumes exactly where the last one ended.
 */
export async function visitRowsPage(db: Db, scope: ReportScope, r: ReportRange, after: VisitKey | null, limit: number): Promise<{ rows: VisitReportRow[]; last: VisitKey | null }> {
  const tz = r.settings.timeZone;
  const afterSql = after ? sql`AND (v.check_in_time, v.id) > (${after.t}::timestamptz, ${after.id}::int)` : sql``;
  const rows = await queryRows<Raw>(
    db,
    // The page's visits first (index range in check-in order, LIMIT), then one lookup per table for the whole page:
    // a per-row LATERAL (LIMIT 1, ORDER BY) set up a sort per visit and cost ~3× the read (bench/reports-explain.ts).
    sql`WITH b AS MATERIALIZED (
          SELECT v.id, v.personnel_id, v.location_id, v.check_in_time, v.check_out_time, v.duration_minutes, v.validation_status, v.flags,
                 (v.selfie_url IS NOT NULL OR v.selfie_metadata IS NOT NULL) AS selfie, v.outcome
          FROM visits v
          WHERE v.personnel_id IN (${scope.ids})
            AND v.check_in_time >= ${r.start.toISOString()}::timestamptz AND v.check_in_time < ${r.end.toISOString()}::timestamptz
            ${afterSql}
          ORDER BY v.check_in_time, v.id
          LIMIT ${limit})
        SELECT b.id AS visit_id, p.name AS rep_name, p.employee_id, l.name AS customer, l.external_ref,
          to_char(pv.planned_time, 'HH24:MI') AS planned_time,
          to_char(b.check_in_time AT TIME ZONE ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') AS check_in,
          to_char(b.check_out_time AT TIME ZONE ${tz}, 'YYYY-MM-DD"T"HH24:MI:SS') AS check_out,
          b.duration_minutes AS minutes, b.validation_status AS verdict, g.distance AS distance_m, b.flags, b.selfie, b.outcome,
          to_char(b.check_in_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS check_in_utc
        FROM b
        JOIN personnel p ON p.id = b.personnel_id
        JOIN locations l ON l.id = b.location_id
        LEFT JOIN (SELECT DISTINCT ON (visit_id) visit_id, planned_time FROM planned_visits
          WHERE visit_id IN (SELECT id FROM b) ORDER BY visit_id, id) pv ON pv.visit_id = b.id
        LEFT JOIN (SELECT DISTINCT ON (visit_id) visit_id, distance_from_location AS distance FROM location_validations
          WHERE visit_id IN (SELECT id FROM b) AND validation_type = 'GPS' ORDER BY visit_id, id) g ON g.visit_id = b.id
        ORDER BY b.check_in_time, b.id`,
  );
  const last = rows.at(-1);
  return { rows: rows.map(toRow), last: last ? { t: String(last.check_in_utc), id: Number(last.visit_id) } : null };
}

/**
 * Every row of the range, batch by batch (bounded memory whatever the range: at most two batches held). The next
 * batch is read while the consumer formats this one, so the database and the formatting overlap instead of taking
 * turns (on PGlite the queries still run one at a time on its single connection).
 */
export async function* visitRowBatches(db: Db, scope: ReportScope, r: ReportRange, batch = 5_000): AsyncGenerator<VisitReportRow[]> {
  let next: Promise<Awaited<ReturnType<typeof visitRowsPage>>> | null = visitRowsPage(db, scope, r, null, batch);
  try {
    while (next) {
      const page: Awaited<ReturnType<typeof visitRowsPage>> = await next;
      next = page.rows.length === batch && page.last ? visitRowsPage(db, scope, r, page.last, batch) : null;
      if (page.rows.length > 0) yield page.rows;
    }
  } finally {
    // A consumer that stops early (a cancelled download) leaves no read behind unobserved.
    await next?.catch(() => undefined);
  }
}

const strOrNull = (v: unknown): string | null => (v == null ? null : String(v));

function toRow(x: Raw): VisitReportRow {
  return {
    visit_id: Number(x.visit_id),
    date: String(x.check_in).slice(0, 10), // the org-local check-in's date (check_in_time is set on every visit)
    rep_name: String(x.rep_name),
    employee_id: strOrNull(x.employee_id),
    customer: String(x.customer),
    external_ref: strOrNull(x.external_ref),
    planned_time: strOrNull(x.planned_time),
    check_in: strOrNull(x.check_in),
    check_out: strOrNull(x.check_out),
    minutes: x.minutes == null ? null : Number(x.minutes),
    verdict: strOrNull(x.verdict),
    distance_m: x.distance_m == null ? null : Number(x.distance_m),
    flags: parseFlags(x.flags),
    selfie: x.selfie === true || x.selfie === "t",
    outcome: strOrNull(x.outcome),
  };
}

/** text[] arrives as an array (postgres.js, PGlite) or, through some paths, as a literal "{A,B}". */
function parseFlags(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === "string" && v.startsWith("{")) return v.slice(1, -1).split(",").filter(Boolean);
  return [];
}
