import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, primaryKey, serial, smallint, text, timestamp, unique, uuid, varchar } from "drizzle-orm/pg-core";
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

/**
 * The summary report's per-rep, per-day rollup (issue #20): the counts of one rep's day, equal to the live
 * computation once the rep-days marked by the writers' triggers are settled (report_daily_dirty; migrations
 * 0021_report_daily and 0025_report_daily_deferred; decision 0016), rebuilt when the time zone or the late threshold
 * changes.
 * `day` is the planned date for the planned-stop counts, the org-local check-in date for the visit counts and the
 * session date for km. Nothing here depends on the clock: "due" is computed at read time.
 */
export const reportDaily = pgTable(
  "report_daily",
  {
    personnelId: integer("personnel_id").notNull(),
    day: date("day").notNull(),
    planned: integer("planned").notNull().default(0),
    timed: integer("timed").notNull().default(0),
    visited: integer("visited").notNull().default(0),
    onTime: integer("on_time").notNull().default(0),
    visits: integer("visits").notNull().default(0),
    valid: integer("valid").notNull().default(0),
    warning: integer("warning").notNull().default(0),
    invalid: integer("invalid").notNull().default(0),
    minutes: integer("minutes").notNull().default(0),
    flags: integer("flags").notNull().default(0),
    /** The day's session km × 100 (total_travel_km is numeric(10,2), so this is exact; integer sums are fast). */
    kmX100: integer("km_x100").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.personnelId, t.day] })],
);

/**
 * The (rep, day) keys of report_daily whose rows are behind the live tables: the writers' triggers mark them (one
 * upsert, in the writer's transaction) and fieldbeat_report_daily_settle() recomputes them before the rollup is read
 * and every minute (job reports-rollup-settle). Migration 0025_report_daily_deferred.
 */
export const reportDailyDirty = pgTable(
  "report_daily_dirty",
  {
    personnelId: integer("personnel_id").notNull(),
    day: date("day").notNull(),
    /** How many writing statements marked the key since it was last settled (diagnostics only). */
    marks: integer("marks").notNull().default(1),
  },
  (t) => [primaryKey({ columns: [t.personnelId, t.day] })],
);
