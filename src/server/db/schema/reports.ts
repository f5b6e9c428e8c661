import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, serial, smallint, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

/** A report e-mailed on a cadence (issue #20), run as its owner: the owner's scope is the report's scope. */
export const reportSchedules = pgTable(
  "report_schedules",
  {
    id: serial("id").primaryKey(),
    clientId: uuid("client_id").notNull().unique(),
    ownerId: integer("owner_id").notNull().references(() => personnel.id),
    report: varchar("report", { length: 20 }).notNull(),
    cadence: varchar("cadence", { length: 10 }).notNull(),
    /** Weekly: ISO weekday 1 (Monday) … 7. */
    weekday: smallint("weekday"),
    /** HH:MM, organisation-local. */
    sendTime: varchar("send_time", { length: 5 }).notNull(),
    format: varchar("format", { length: 10 }).notNull(),
    recipients: text("recipients").array().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [
    index("idx_report_schedules_owner").on(t.ownerId),
    check("report_schedules_weekday", sql`(${t.cadence} = 'weekly') = (${t.weekday} IS NOT NULL)`),
  ],
);

/**
 * One row per schedule and period: the unique key is what makes "sent once per period" hold across instances and
 * reruns (the first to insert owns the period; the others find the row). Attempts, the last error and when it
 * was sent are the schedule's visible history.
 */
export const reportDeliveries = pgTable(
  "report_deliveries",
  {
    id: serial("id").primaryKey(),
    scheduleId: integer("schedule_id").notNull().references(() => reportSchedules.id),
    /** The period's key: the org-local date the report was due (its last day). */
    period: varchar("period", { length: 10 }).notNull(),
    status: varchar("status", { length: 10 }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    error: text("error"),
    sentAt: timestamp("sent_at", { withTimezone: true }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("report_deliveries_once").on(t.scheduleId, t.period)],
);
