import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";

/**
 * Daily: deletes outbox rows older than the organisation's retention (events_retention_days). An SSE client that
 * was away longer resumes from what is left (its page reload shows the current state anyway).
 */
export async function pruneEvents(db: Db, now: Date): Promise<{ deleted: number }> {
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH d AS (DELETE FROM events WHERE created_at < ${now.toISOString()}::timestamptz
          - make_interval(days => (SELECT events_retention_days FROM org_settings WHERE id = 1)) RETURNING 1)
        SELECT count(*)::int AS n FROM d`,
  );
  return { deleted: Number(rows[0]?.n ?? 0) };
}
