import { boolean, index, integer, jsonb, numeric, pgTable, serial, timestamp, varchar } from "drizzle-orm/pg-core";
import { visits } from "./visits";

export const locationValidations = pgTable(
  "location_validations",
  {
    id: serial("id").primaryKey(),
    visitId: integer("visit_id").notNull().references(() => visits.id),
    validationType: varchar("validation_type", { length: 20 }).notNull(),
    isValid: boolean("is_valid").notNull(),
    distanceFromLocation: numeric("distance_from_location", { precision: 10, scale: 2 }),
    validationDetails: jsonb("validation_details"),
    validatedAt: timestamp("validated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("idx_location_validations_visit").on(t.visitId)],
);
