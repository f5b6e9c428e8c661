import { sql } from "drizzle-orm";
import { date, index, integer, jsonb, pgTable, serial, text, timestamp, unique, uuid, boolean, varchar, check } from "drizzle-orm/pg-core";
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
  },
  (t) => [
    index("idx_visits_personnel_date").on(t.personnelId, t.plannedDate),
    index("idx_visits_location").on(t.locationId),
    index("idx_visits_check_in").on(t.checkInTime),
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
    visitId: integer("visit_id").references(() => visits.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique("planned_visits_rep_date_seq").on(t.personnelId, t.plannedDate, t.sequence), index("idx_planned_visits_date").on(t.plannedDate)],
);
