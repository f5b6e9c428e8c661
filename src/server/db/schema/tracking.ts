import { bigserial, index, integer, pgTable, real, serial, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { geographyPoint } from "../geography";
import { personnel } from "./personnel";
import { dailySessions } from "./sessions";

/**
 * Breadcrumbs: GPS fixes sent by the PWA while it is open during an open work day.
 * Partitioned by UTC day on captured_at (migration 0019_pings_by_day, raw SQL: drizzle-kit cannot declare partitions):
 * one table per day, created ahead by the `pings-partitions` job and on demand by the pings use-case, dropped past
 * the organisation's ping_retention_days (src/server/tracking/ping-partitions.ts). Hence the keys include captured_at.
 * personnel_id and session_id carry no foreign key (migration 0023_pings_no_fk): with them, dropping a day locked
 * personnel and daily_sessions exclusively. The pings use-case, the one writer, stores the acting rep and the rep's
 * day row it holds locked; neither table ever loses a row.
 * Two indexes only (migration 0026; what a day's fixes cost on disk, and so dropping a day, docs/decisions/0022): the
 * idempotency key, which is the table's key (no PRIMARY KEY: `id` numbers fixes in arrival order, for ordering and the
 * trail's ping ids, and nothing looks a fix up by it), and the rep's (personnel_id, captured_at), through which a
 * day's fixes are read too (src/server/tracking/session-fixes.ts).
 */
export const locationPings = pgTable(
  "location_pings",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    /** The fix's idempotency key is (client_id, captured_at): a partitioned table's unique keys hold its partition key. */
    clientId: uuid("client_id").notNull(),
    personnelId: integer("personnel_id").notNull(),
    sessionId: integer("session_id"),
    coords: geographyPoint("coords").notNull(),
    accuracyM: real("accuracy_m").notNull(),
    speed: real("speed"),
    heading: real("heading"),
    /** What the client says produced the fix: gps, network, fused, unknown. */
    source: varchar("source", { length: 20 }),
    capturedAt: timestamp("captured_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("location_pings_client_id_captured_at_unique").on(t.clientId, t.capturedAt),
    index("idx_location_pings_personnel_time").on(t.personnelId, t.capturedAt),
  ],
);

/** Stretches of an open day without a fix (> 5 min), with their cause when the client knows it. */
export const trackingGaps = pgTable(
  "tracking_gaps",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    sessionId: integer("session_id").notNull().references(() => dailySessions.id),
    startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
    endedAt: timestamp("ended_at", { withTimezone: true }).notNull(),
    /** hidden, offline, permission_denied, no_fix, unknown */
    cause: varchar("cause", { length: 30 }).notNull().default("unknown"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("tracking_gaps_session_start").on(t.sessionId, t.startedAt), index("idx_tracking_gaps_personnel").on(t.personnelId, t.startedAt)],
);
