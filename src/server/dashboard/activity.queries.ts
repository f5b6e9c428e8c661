import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { LIVE_EVENT_TYPES, type LiveEventJson } from "@/contracts/live-events";
import { queryRows, type Db } from "../db/client";
import { positionNow } from "../realtime/horizon";
import { toLiveEvent } from "../realtime/live-event";

const FEED_TYPES = LIVE_EVENT_TYPES.filter((t) => t !== "personnel.changed");

/**
 * The activity feed's first screen (the newest events about the team's reps) and the outbox position it was read at:
 * the page's EventSource resumes after that id, so nothing committed between render and connect is missed. The position
 * is taken at the commit horizon (realtime/horizon.ts): an event committed late with a lower id is still ahead of it.
 */
export async function recentActivity(db: Db, team: SQL, limit = 30, day?: { start: Date; end: Date }): Promise<{ events: LiveEventJson[]; lastEventId: number }> {
  const at = await positionNow(db);
  // A past day's view: that day's events (its feed as it ended), not today's.
  const within = day ? sql`AND created_at >= ${day.start.toISOString()}::timestamptz AND created_at < ${day.end.toISOString()}::timestamptz` : sql``;
  const rows = await queryRows(
    db,
    sql`SELECT id, type, personnel_id, visit_id, location_id, payload, created_at FROM events
        WHERE (xid, id) <= (${at.xid.toString()}::xid8, ${at.id}) AND personnel_id IN (${team}) AND type IN (${sql.join(FEED_TYPES.map((t) => sql`${t}`), sql`, `)}) ${within}
        ORDER BY xid DESC, id DESC LIMIT ${limit}`,
  );
  return { events: rows.map(toLiveEvent), lastEventId: at.id };
}
