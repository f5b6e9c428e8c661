import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";

/**
 * Daily: deletes outbox rows older than the organisation's retention (events_retention_days). An SSE client that
 * was away longer resumes from what is left (its page reload shows the current state anyway).
 */
export async function pruneEvents(db: Db, now: Date): Promise<{ deleted: number }> {
  const { events_retention_days: days } = await getOrgSettings(db);
  const rows = await queryRows<{ n: number }>(
    db,
    sql`WITH d AS (DELETE FROM events WHERE created_at < ${now.toISOString()}::timestamptz
          - make_interval(days => ${days}) RETURNING 1)
        SELECT count(*)::int AS n FROM d`,
  );
  return { deleted: Number(rows[0]?.n ?? 0) };
}
