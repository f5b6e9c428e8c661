import "server-only";
import { sql } from "drizzle-orm";
import { textArray } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { ph, preparedStatement } from "../db/prepared";
import { GAP_THRESHOLD_MS, type ClientGap } from "@/contracts/tracking";
import { sessionFixes } from "./session-fixes";

export type DetectedGap = { startedAt: Date; endedAt: Date; cause: string };

const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

/** The client-reported gap that overlaps [start, end] the most, if any. */
export function bestCause(start: Date, end: Date, clientGaps: readonly ClientGap[]): string | null {
  let best: { cause: string; overlap: number } | null = null;
  for (const g of clientGaps) {
    const overlap = Math.min(end.getTime(), Date.parse(g.to)) - Math.max(start.getTime(), Date.parse(g.from));
    if (overlap > 0 && (!best || overlap > best.overlap)) best = { cause: g.cause, overlap };
  }
  return best?.cause ?? null;
}

/**
 * Re-derives a session's gaps: stretches of more than 5 minutes without a fix between the day's
 * start, its pings and (once ended) its end. Rows are keyed on (session_id, started_at), so running
 * it again is idempotent; a late, out-of-order ping that splits or fills a gap updates or removes
 * the stale row. A cause the client reported (hidden, offline, …) overrides `unknown`, never the reverse.
 *
 * With `around` (a ping batch: the instants of the fixes it stored) only the stretch the batch can change is
 * re-derived, exactly as the whole day would be: from the last instant before the batch's first fix to the first
 * instant after its last (widened to cover the client's reported gaps, so each gap they overlap gets its cause). Gaps
 * are consecutive instants, so every pair outside that stretch is the same before and after the batch. Then the
 * returned `gaps` are that stretch's.
 * Returns how many gap rows were newly created.
 */
export async function detectSessionGaps(
  tx: Db,
  sessionId: number,
  clientGaps: readonly ClientGap[] = [],
  around?: { from: Date; to: Date },
): Promise<{ created: number; gaps: DetectedGap[] }> {
  let found: { started_at: unknown; ended_at: unknown; personnel_id: number; lo?: unknown; hi?: unknown }[];
  let range: { lo: string | null; hi: string | null } | null = null;
  if (around) {
    let a = around.from.getTime();
    let b = around.to.getTime();
    for (const g of clientGaps) {
      a = Math.min(a, Date.parse(g.from));
      b = Math.max(b, Date.parse(g.to));
    }
    found = await stretchGaps(tx, { s: sessionId, a: new Date(a).toISOString(), b: new Date(b).toISOString(), threshold: `${GAP_THRESHOLD_MS / 1000} seconds` });
    const first = found[0];
    range = { lo: first?.lo == null ? null : toDate(first.lo).toISOString(), hi: first?.hi == null ? null : toDate(first.hi).toISOString() };
    found = found.filter((f) => f.started_at != null);
  } else {
    found = await queryRows<{ started_at: unknown; ended_at: unknown; personnel_id: number }>(
      tx,
      sql`WITH t AS (
            SELECT login_time AS at FROM daily_sessions WHERE id = ${sessionId} AND login_time IS NOT NULL
            UNION ALL SELECT captured_at FROM location_pings WHERE ${sessionFixes(sessionId)}
            UNION ALL SELECT logout_time FROM daily_sessions WHERE id = ${sessionId} AND logout_time IS NOT NULL AND status <> 'OPEN'
          ), seq AS (SELECT at, lead(at) OVER (ORDER BY at) AS nxt FROM t)
          SELECT seq.at AS started_at, seq.nxt AS ended_at, s.personnel_id
          FROM seq CROSS JOIN daily_sessions s
          WHERE s.id = ${sessionId} AND seq.nxt - seq.at > ${`${GAP_THRESHOLD_MS / 1000} seconds`}::interval
          ORDER BY seq.at`,
    );
  }
  const gaps: DetectedGap[] = found.map((f) => {
    const startedAt = toDate(f.started_at);
    const endedAt = toDate(f.ended_at);
    return { startedAt, endedAt, cause: bestCause(startedAt, endedAt, clientGaps) ?? "unknown" };
  });
  // The rows this run decides: the whole day's, or those starting in the stretch [lo, hi).
  const inRange = range
    ? sql` AND started_at >= coalesce(${range.lo}::timestamptz, '-infinity') AND started_at < coalesce(${range.hi}::timestamptz, 'infinity')`
    : sql``;
  const starts = textArray(gaps.map((g) => g.startedAt.toISOString()));
  if (gaps.length === 0) {
    await tx.execute(sql`DELETE FROM tracking_gaps WHERE session_id = ${sessionId}${inRange}`);
    return { created: 0, gaps };
  }
  // Every gap upserted and the stale rows removed in one statement (disjoint rows: the DELETE spares these starts).
  const stored = await queryRows<{ started_at: unknown; inserted: boolean; cause: string }>(
    tx,
    sql`WITH up AS (
          INSERT INTO tracking_gaps (personnel_id, session_id, started_at, ended_at, cause)
          SELECT ${found[0]!.personnel_id}, ${sessionId}, s, e, c
          FROM unnest(${starts}::timestamptz[], ${textArray(gaps.map((g) => g.endedAt.toISOString()))}::timestamptz[], ${textArray(gaps.map((g) => g.cause))}::text[]) AS x(s, e, c)
          ON CONFLICT (session_id, started_at) DO UPDATE SET ended_at = excluded.ended_at,
            cause = CASE WHEN excluded.cause <> 'unknown' THEN excluded.cause ELSE tracking_gaps.cause END
          RETURNING started_at, (xmax = 0) AS inserted, cause
        ), stale AS (
          DELETE FROM tracking_gaps WHERE session_id = ${sessionId} AND NOT (started_at = ANY(${starts}::timestamptz[]))${inRange}
        )
        SELECT started_at, inserted, cause FROM up`,
  );
  const byStart = new Map(stored.map((r) => [toDate(r.started_at).getTime(), r]));
  let created = 0;
  for (const g of gaps) {
    const row = byStart.get(g.startedAt.getTime());
    if (row?.inserted) created++;
    if (row) g.cause = row.cause;
  }
  return { created, gaps };
}

/**
 * The gaps of the stretch a batch can change: `lo` the last instant before `a` (the batch's first fix), `hi` the first
 * after `b` (its last), and the gaps between consecutive instants from lo to hi; one row with null gap columns when
 * there are none. A session's fixes share one org-local date, so all lie within two days of the batch's: the pings
 * are read within those bounds, which lets PostgreSQL skip the other day partitions.
 */
const stretchGaps = preparedStatement("gaps_stretch", () => {
  // The day's fixes through the rep's index (idx_location_pings_personnel_time; the reads below bound the time).
  const stretchFixes = sql`session_id = ${ph("s")}::int AND personnel_id = (SELECT personnel_id FROM d)`;
  return sql`WITH d AS (
          SELECT id, personnel_id, login_time, CASE WHEN status <> 'OPEN' THEN logout_time END AS logout_time
          FROM daily_sessions WHERE id = ${ph("s")}::int
        ), b AS (
          SELECT greatest((SELECT max(captured_at) FROM location_pings
                            WHERE ${stretchFixes} AND captured_at >= ${ph("a")}::timestamptz - interval '2 days'
                              AND captured_at < ${ph("a")}::timestamptz),
                          (SELECT login_time FROM d WHERE login_time < ${ph("a")}::timestamptz)) AS lo,
                 least((SELECT min(captured_at) FROM location_pings
                         WHERE ${stretchFixes} AND captured_at > ${ph("b")}::timestamptz
                           AND captured_at <= ${ph("b")}::timestamptz + interval '2 days'),
                       (SELECT logout_time FROM d WHERE logout_time > ${ph("b")}::timestamptz)) AS hi
        ), t AS (
          SELECT at FROM (SELECT login_time AS at FROM d UNION ALL SELECT logout_time FROM d) x, b
          WHERE at IS NOT NULL AND at >= coalesce(b.lo, '-infinity') AND at <= coalesce(b.hi, 'infinity')
          UNION ALL
          SELECT captured_at FROM location_pings, b
          WHERE ${stretchFixes} AND captured_at >= ${ph("a")}::timestamptz - interval '2 days'
            AND captured_at <= ${ph("b")}::timestamptz + interval '2 days'
            AND captured_at >= coalesce(b.lo, '-infinity') AND captured_at <= coalesce(b.hi, 'infinity')
        ), seq AS (SELECT at, lead(at) OVER (ORDER BY at) AS nxt FROM t)
        SELECT b.lo, b.hi, g.at AS started_at, g.nxt AS ended_at, d.personnel_id
        FROM d CROSS JOIN b LEFT JOIN (SELECT * FROM seq WHERE nxt - at > ${ph("threshold")}::interval) g ON TRUE
        ORDER BY g.at`;
});
