import { sql } from "drizzle-orm";
import { boolean, check, integer, pgTable, smallint, time, timestamp, varchar } from "drizzle-orm/pg-core";

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
    // --- PWA (issue #9) ---
    /**
     * Set only by the demo seed: the demo organisation then rolls every rep's planned route forward to "today" at start,
     * so a newcomer sees a route whatever the day they first open the app. Production organisations keep it false.
     */
    isDemo: boolean("is_demo").notNull().default(false),
  },
  (t) => [check("org_settings_singleton", sql`${t.id} = 1`)],
);
