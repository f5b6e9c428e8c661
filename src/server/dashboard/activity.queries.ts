import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { LIVE_EVENT_TYPES, type LiveEventJson } from "@/contracts/live-events";
import { queryRows, type Db } from "../db/client";
import { toLiveEvent } from "../realtime/live-event";

const FEED_TYPES = LIVE_EVENT_TYPES.filter((t) => t !== "personnel.changed");

/**
 * The activity feed's first screen (the newest events about the team's reps) and the outbox position it was read at:
 * the page's EventSource resumes after that id, so nothing committed between render and connect is missed.
 */
export async function recentActivity(db: Db, team: SQL, limit = 30): Promise<{ events: LiveEventJson[]; lastEventId: number }> {
  const [{ last } = { last: 0 }] = await queryRows<{ last: number }>(db, sql`SELECT coalesce(max(id), 0)::bigint AS last FROM events`);
  const rows = await queryRows(
    db,
    sql`SELECT id, type, personnel_id, visit_id, location_id, payload, created_at FROM events
        WHERE id <= ${Number(last)} AND personnel_id IN (${team}) AND type IN (${sql.join(FEED_TYPES.map((t) => sql`${t}`), sql`, `)})
        ORDER BY id DESC LIMIT ${limit}`,
  );
  return { events: rows.map(toLiveEvent), lastEventId: Number(last) };
}
