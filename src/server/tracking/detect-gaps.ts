import "server-only";
import { sql } from "drizzle-orm";
import { textArray } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { GAP_THRESHOLD_MS, type ClientGap } from "@/contracts/tracking";

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
 * Returns how many gap rows were newly created.
 */
export async function detectSessionGaps(tx: Db, sessionId: number, clientGaps: readonly ClientGap[] = []): Promise<{ created: number; gaps: DetectedGap[] }> {
  const found = await queryRows<{ started_at: unknown; ended_at: unknown; personnel_id: number }>(
    tx,
    sql`WITH t AS (
          SELECT login_time AS at FROM daily_sessions WHERE id = ${sessionId} AND login_time IS NOT NULL
          UNION ALL SELECT captured_at FROM location_pings WHERE session_id = ${sessionId}
          UNION ALL SELECT logout_time FROM daily_sessions WHERE id = ${sessionId} AND logout_time IS NOT NULL AND status <> 'OPEN'
        ), seq AS (SELECT at, lead(at) OVER (ORDER BY at) AS nxt FROM t)
        SELECT seq.at AS started_at, seq.nxt AS ended_at, s.personnel_id
        FROM seq CROSS JOIN daily_sessions s
        WHERE s.id = ${sessionId} AND seq.nxt - seq.at > ${`${GAP_THRESHOLD_MS / 1000} seconds`}::interval
        ORDER BY seq.at`,
  );
  const gaps: DetectedGap[] = found.map((f) => {
    const startedAt = toDate(f.started_at);
    const endedAt = toDate(f.ended_at);
    return { startedAt, endedAt, cause: bestCause(startedAt, endedAt, clientGaps) ?? "unknown" };
  });
  const starts = textArray(gaps.map((g) => g.startedAt.toISOString()));
  if (gaps.length === 0) {
    await tx.execute(sql`DELETE FROM tracking_gaps WHERE session_id = ${sessionId}`);
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
          DELETE FROM tracking_gaps WHERE session_id = ${sessionId} AND NOT (started_at = ANY(${starts}::timestamptz[]))
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
