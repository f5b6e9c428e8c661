import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, pgTable, primaryKey, serial, smallint, timestamp, uuid, varchar } from "drizzle-orm/pg-core";
import { personnel } from "./personnel";

/** A rep's recurring round (issue #19): these stops on these ISO weekdays, every 1, 2 or 4 weeks from starts_on. */
export const beats = pgTable(
  "beats",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    name: varchar("name", { length: 200 }).notNull(),
    /** ISO weekdays 1 = Monday … 7 = Sunday. */
    weekdays: integer("weekdays").array().notNull(),
    everyWeeks: smallint("every_weeks").notNull().default(1),
    startsOn: date("starts_on").notNull(),
    endsOn: date("ends_on"),
    /** [{location_id, planned_time}] in the beat's order. */
    stops: jsonb("stops").notNull(),
    /** "Keep my order": the job writes the stops as given instead of optimising the day. */
    keepOrder: boolean("keep_order").notNull().default(false),
    active: boolean("active").notNull().default(true),
    clientId: uuid("client_id").notNull().unique(),
    createdBy: integer("created_by").references(() => personnel.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_beats_personnel").on(t.personnelId), check("beats_every_weeks", sql`${t.everyWeeks} IN (1, 2, 4)`)],
);

/**
 * Who wrote a rep's day: 'beat' (beats-materialize, which never rewrites a day that has a row here) or 'manual'
 * (PUT / optimise by a person). A day without a row has never been planned.
 */
export const planDays = pgTable(
  "plan_days",
  {
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    planDate: date("plan_date").notNull(),
    source: varchar("source", { length: 16 }).notNull(),
    beatId: integer("beat_id").references(() => beats.id, { onDelete: "set null" }),
    updatedBy: integer("updated_by").references(() => personnel.id),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personnelId, t.planDate] }), check("plan_days_source", sql`${t.source} IN ('beat','manual')`)],
);
