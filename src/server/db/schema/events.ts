import { bigserial, index, integer, jsonb, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";

/**
 * Transactional outbox: written in the same transaction as the change it describes,
 * then NOTIFYed after commit and streamed to dashboards over SSE (resume by id).
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
  },
  (t) => [index("idx_events_personnel").on(t.personnelId, t.id)],
);
