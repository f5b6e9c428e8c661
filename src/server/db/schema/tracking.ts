import { bigserial, index, integer, pgTable, real, serial, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { geographyPoint } from "../geography";
import { personnel } from "./personnel";
import { dailySessions } from "./sessions";

/** Breadcrumbs: GPS fixes sent by the PWA while it is open during an open work day. */
export const locationPings = pgTable(
  "location_pings",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    clientId: uuid("client_id").notNull().unique(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    sessionId: integer("session_id").references(() => dailySessions.id),
    coords: geographyPoint("coords").notNull(),
    accuracyM: real("accuracy_m").notNull(),
    speed: real("speed"),
    heading: real("heading"),
    /** What the client says produced the fix: gps, network, fused, unknown. */
    source: varchar("source", { length: 20 }),
    capturedAt: timestamp("captured_at", { withTimezone: true }).notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_location_pings_personnel_time").on(t.personnelId, t.capturedAt), index("idx_location_pings_session").on(t.sessionId, t.capturedAt)],
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
