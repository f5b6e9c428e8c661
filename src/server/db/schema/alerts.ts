import { index, integer, jsonb, pgTable, serial, timestamp, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

/**
 * Alerts raised by the server (scheduled check and events): late check-in, missing check-out, risky visits,
 * rep not tracked. `dedupe_key` makes raising idempotent: the same situation raises one alert, however often
 * the check runs or on how many instances.
 */
export const alerts = pgTable(
  "alerts",
  {
    id: serial("id").primaryKey(),
    /** late_check_in, missing_check_out, risky_visit, not_tracked */
    kind: varchar("kind", { length: 40 }).notNull(),
    severity: varchar("severity", { length: 10 }).notNull().default("warning"),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    visitId: integer("visit_id"),
    plannedVisitId: integer("planned_visit_id"),
    message: varchar("message", { length: 500 }).notNull(),
    details: jsonb("details").notNull().default({}),
    dedupeKey: varchar("dedupe_key", { length: 200 }).notNull().unique(),
    raisedAt: timestamp("raised_at", { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: integer("acknowledged_by").references(() => personnel.id),
  },
  (t) => [index("idx_alerts_personnel_raised").on(t.personnelId, t.raisedAt), index("idx_alerts_raised").on(t.raisedAt)],
);
