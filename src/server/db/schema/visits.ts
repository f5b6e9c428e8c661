import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, jsonb, numeric, pgTable, real, serial, smallint, text, time, timestamp, unique, uniqueIndex, uuid, varchar } from "drizzle-orm/pg-core";
import { geographyPoint } from "../geography";
import { locations } from "./locations";
import { personnel } from "./personnel";

export const validationStatuses = ["VALID", "WARNING", "INVALID"] as const;
export type ValidationStatus = (typeof validationStatuses)[number];

export const visits = pgTable(
  "visits",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    locationId: integer("location_id").notNull().references(() => locations.id),
    plannedDate: date("planned_date"),
    checkInTime: timestamp("check_in_time", { withTimezone: true }),
    checkInCoords: geographyPoint("check_in_coords"),
    checkOutTime: timestamp("check_out_time", { withTimezone: true }),
    checkOutCoords: geographyPoint("check_out_coords"),
    durationMinutes: integer("duration_minutes"),
    selfieUrl: text("selfie_url"),
    selfieMetadata: jsonb("selfie_metadata"),
    notes: text("notes"),
    validated: boolean("validated").notNull().default(false),
    validationStatus: varchar("validation_status", { length: 20 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Beyond the seed schema: the client-generated id of the check-in (idempotency key).
    clientId: uuid("client_id").unique(),
    /** Device time of the check-in fix and server time it arrived (offline replays differ). */
    checkInCapturedAt: timestamp("check_in_captured_at", { withTimezone: true }),
    checkInReceivedAt: timestamp("check_in_received_at", { withTimezone: true }),
    checkInAccuracyM: real("check_in_accuracy_m"),
    /** Client-generated id of the check-out (idempotency). */
    checkOutClientId: uuid("check_out_client_id").unique(),
    checkOutCapturedAt: timestamp("check_out_captured_at", { withTimezone: true }),
    checkOutReceivedAt: timestamp("check_out_received_at", { withTimezone: true }),
    checkOutAccuracyM: real("check_out_accuracy_m"),
    checkOutDistanceM: numeric("check_out_distance_m", { precision: 10, scale: 2 }),
    checkOutStatus: varchar("check_out_status", { length: 20 }),
    outcome: varchar("outcome", { length: 40 }),
    /** Plausibility flags (DESIGN §6): LOW_ACCURACY, STALE_FIX, IMPOSSIBLE_SPEED, REPEATED_COORDS, CLOCK_SKEW, PHOTO_* … */
    flags: text("flags").array().notNull().default(sql`'{}'::text[]`),
    evidenceScore: smallint("evidence_score"),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_visits_personnel_date").on(t.personnelId, t.plannedDate),
    index("idx_visits_location").on(t.locationId),
    index("idx_visits_check_in").on(t.checkInTime),
    // The rep's latest check-in before a fix (speed plausibility, every check-in/out): without it PostgreSQL walks
    // idx_visits_check_in backwards through everyone's visits until it meets this rep's (the whole table for a new rep).
    index("idx_visits_personnel_check_in").on(t.personnelId, t.checkInTime),
    // The rep's latest check-out before a fix (the same speed check): without it the check-in read fetched every visit
    // of the rep and sorted them, a cost growing with each rep's history (issue #11 growth bench: +37 % p99 at 5M visits).
    index("idx_visits_personnel_check_out").on(t.personnelId, t.checkOutTime).where(sql`${t.checkOutTime} IS NOT NULL`),
    // One open visit per rep, enforced by the database so concurrent check-ins cannot both win.
    uniqueIndex("visits_one_open_per_rep").on(t.personnelId).where(sql`${t.checkInTime} IS NOT NULL AND ${t.checkOutTime} IS NULL`),
    // A check-out fix has its time (the speed probe reads check-out fixes by check_out_time; docs/decisions/0013).
    // Not the converse: a visit closed by a manager or the end-of-day job has a check-out time and no fix (no
    // position is invented for it), flagged CLOSED_BY_MANAGER / AUTO_CLOSED. The same for the check-in fix.
    check("visits_check_out_fix_has_time", sql`${t.checkOutCoords} IS NULL OR ${t.checkOutTime} IS NOT NULL`),
    check("visits_check_in_fix_has_time", sql`${t.checkInCoords} IS NULL OR ${t.checkInTime} IS NOT NULL`),
    check("visits_validation_status_known", sql`${t.validationStatus} IS NULL OR ${t.validationStatus} IN ('VALID','WARNING','INVALID')`),
  ],
);

/** Today's route: which customers a rep is expected to visit on a date, in order. */
export const plannedVisits = pgTable(
  "planned_visits",
  {
    id: serial("id").primaryKey(),
    personnelId: integer("personnel_id").notNull().references(() => personnel.id),
    locationId: integer("location_id").notNull().references(() => locations.id),
    plannedDate: date("planned_date").notNull(),
    sequence: integer("sequence").notNull(),
    /** Expected arrival, wall-clock time in the organisation's time zone (null: any time that day). Drives "late" alerts and reminders. */
    plannedTime: time("planned_time"),
    visitId: integer("visit_id").references(() => visits.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("planned_visits_rep_date_seq").on(t.personnelId, t.plannedDate, t.sequence),
    index("idx_planned_visits_date").on(t.plannedDate),
    // Foreign keys that joins and checks use (issue #17 item 6): visit → its planned stop, location → its plans.
    index("idx_planned_visits_visit").on(t.visitId).where(sql`${t.visitId} IS NOT NULL`),
    index("idx_planned_visits_location").on(t.locationId),
  ],
);
