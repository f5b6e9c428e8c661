import { sql } from "drizzle-orm";
import { boolean, check, doublePrecision, integer, pgTable, smallint, text, time, timestamp, varchar } from "drizzle-orm/pg-core";

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
    // --- Dashboard alerts and live updates (issue #10) ---
    /** "Late check-in": a planned stop's planned_time passed by this many minutes with no check-in. */
    alertLateCheckInMinutes: integer("alert_late_check_in_minutes").notNull().default(30),
    /** "Missing check-out": a visit open longer than this (also raised for any visit still open at end of day). */
    alertOpenVisitMinutes: integer("alert_open_visit_minutes").notNull().default(180),
    /** "Not tracked": no fix from a rep with an open day for this long during work hours. */
    alertUntrackedMinutes: integer("alert_untracked_minutes").notNull().default(30),
    /** Outbox rows (events) older than this are pruned daily; SSE clients can resume within it. */
    eventsRetentionDays: integer("events_retention_days").notNull().default(14),
    /** GPS breadcrumbs (location_pings) are dropped a day at a time past this many days (issue #22). */
    pingRetentionDays: integer("ping_retention_days").notNull().default(90),
    // --- end dashboard ---
    // --- PWA (issue #9) ---
    /**
     * Set only by the demo seed: the demo organisation then rolls every rep's planned route forward to "today" at start,
     * so a newcomer sees a route whatever the day they first open the app. Production organisations keep it false.
     */
    isDemo: boolean("is_demo").notNull().default(false),
    // --- Office setup (issue #18): planning inputs and the rep app's tracking interval ---
    /** Planned time at a customer when a plan gives none. */
    defaultServiceMinutes: integer("default_service_minutes").notNull().default(20),
    /** Average driving speed for the keyless travel estimate, km/h. */
    travelSpeedKmh: doublePrecision("travel_speed_kmh").notNull().default(30),
    /** Road distance ÷ straight-line distance for the keyless travel estimate. */
    routeDetourFactor: doublePrecision("route_detour_factor").notNull().default(1.3),
    /** A breadcrumb at most this often while the rep's app is open. */
    trackingIntervalSeconds: integer("tracking_interval_seconds").notNull().default(60),
  },
  (t) => [check("org_settings_singleton", sql`${t.id} = 1`)],
);
