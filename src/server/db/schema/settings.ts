import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, smallint, text, time, timestamp, varchar } from "drizzle-orm/pg-core";

/** Organisation-wide settings: a single row (id = 1). */
export const orgSettings = pgTable(
  "org_settings",
  {
    id: smallint("id").primaryKey().default(1),
    name: varchar("name", { length: 255 }).notNull().default("Fieldbeat"),
    timeZone: varchar("time_zone", { length: 64 }).notNull().default("Asia/Kolkata"),
    workDayStart: time("work_day_start").notNull().default("09:00"),
    workDayEnd: time("work_day_end").notNull().default("19:00"),
    /** ISO weekdays (1 = Monday … 7 = Sunday) that are working days. */
    workDays: integer("work_days").array().notNull().default(sql`'{1,2,3,4,5,6}'::integer[]`),
    defaultGeofenceRadius: integer("default_geofence_radius").notNull().default(50),
    /** When set, managers (and admins) must enrol in TOTP MFA before they can use the app. */
    requireManagerMfa: boolean("require_manager_mfa").notNull().default(false),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
    // --- Photos (issue #8) ---
    /** Selfies (originals, copies, thumbnails) older than this many days are deleted by the retention use-case. */
    photoRetentionDays: integer("photo_retention_days").notNull().default(365),
    /** Location types (locations.location_type) at which a visit must carry a selfie; "*" = every location. Others: optional. */
    selfieRequiredTypes: text("selfie_required_types").array().notNull().default(sql`'{}'::text[]`),
    // --- end Photos ---
  },
  (t) => [check("org_settings_singleton", sql`${t.id} = 1`)],
);
