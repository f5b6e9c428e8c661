import { sql } from "drizzle-orm";
import { bigserial, customType, index, integer, jsonb, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";

/** PostgreSQL's 64-bit transaction id (never wraps). Read it as text; JavaScript compares it as a bigint. */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/**
 * Transactional outbox: written in the same transaction as the change it describes,
 * then read by the realtime hubs (woken by a NOTIFY, or polling while they hold the poll lease: decision 0013) and
 * streamed to dashboards over SSE (resume by id).
 * `xid` is the writing transaction's id (set by the database default, whoever inserts): events are delivered
 * only once every transaction with a lower xid has finished, in (xid, id) order — see docs/decisions/0014-events-commit-horizon.md.
 */
export const events = pgTable(
  "events",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    type: varchar("type", { length: 64 }).notNull(),
    personnelId: integer("personnel_id"),
    visitId: integer("visit_id"),
    locationId: integer("location_id"),
    payload: jsonb("payload").notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    xid: xid8("xid").notNull().default(sql`pg_current_xact_id()`),
  },
  (t) => [index("idx_events_personnel").on(t.personnelId, t.id), index("idx_events_xid").on(t.xid, t.id)],
);
