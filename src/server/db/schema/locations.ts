import { sql } from "drizzle-orm";
import { boolean, check, index, integer, pgTable, serial, text, timestamp, varchar } from "drizzle-orm/pg-core";
import { geographyPoint } from "../geography";

export const locations = pgTable(
  "locations",
  {
    id: serial("id").primaryKey(),
    name: varchar("name", { length: 255 }).notNull(),
    address: text("address"),
    coordinates: geographyPoint("coordinates").notNull(),
    geofenceRadius: integer("geofence_radius").notNull().default(50),
    locationType: varchar("location_type", { length: 50 }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    // Beyond the seed schema:
    active: boolean("active").notNull().default(true),
    externalRef: varchar("external_ref", { length: 100 }).unique(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index("idx_location_coords").using("gist", t.coordinates),
    check("locations_geofence_radius_range", sql`${t.geofenceRadius} BETWEEN 5 AND 5000`),
  ],
);
