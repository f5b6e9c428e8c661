import { z } from "zod";

export const securitySettingsSchema = z.object({
  /** Managers and admins must enrol in TOTP MFA before they can use the app. */
  require_manager_mfa: z.boolean(),
  updated_at: z.string(),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

/** How many managers/admins would be asked to enrol, shown beside the toggle. */
export const securityOverviewSchema = securitySettingsSchema.extend({ managers_without_mfa: z.number().int() });
export type SecurityOverview = z.infer<typeof securityOverviewSchema>;

// --- Organisation settings, one place (issue #18) ---
/** Whether `tz` names an IANA time zone this runtime knows (Intl refuses unknown names). */
export function isIanaTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
const hhmm = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, "a time of day as HH:MM (24-hour), e.g. 09:00");
const int = (what: string, min: number, max: number, unit: string) =>
  z.number({ error: `${what} must be a number` }).int(`${what} must be a whole number`).min(min, `at least ${min} ${unit}`).max(max, `at most ${max} ${unit}`);

/** Every organisation setting except read-only facts: the fields PATCH /api/v1/settings may change. */
export const orgSettingsFields = z.object({
  name: z.string().trim().min(1, "the organisation needs a name").max(255, "at most 255 characters"),
  time_zone: z.string().refine(isIanaTimeZone, "an IANA time zone name, e.g. Asia/Kolkata or Europe/Berlin").describe("IANA time zone: 'today', work hours and reports use it"),
  work_days: z
    .array(z.number().int().min(1, "ISO weekdays are 1 (Monday) to 7 (Sunday)").max(7, "ISO weekdays are 1 (Monday) to 7 (Sunday)"))
    .min(1, "at least one working day")
    .max(7)
    .transform((d) => [...new Set(d)].sort((a, b) => a - b))
    .describe("ISO weekdays (1 = Monday … 7 = Sunday) that are working days"),
  work_start: hhmm.describe("start of the working day, HH:MM in the organisation's zone"),
  work_end: hhmm.describe("end of the working day, HH:MM"),
  default_geofence_radius: int("default_geofence_radius", 5, 5000, "metres").describe("radius of a new customer's geofence when none is given, metres"),
  default_service_minutes: int("default_service_minutes", 1, 480, "minutes").describe("planned time at a customer when a plan gives none, minutes"),
  travel_speed_kmh: z.number({ error: "travel_speed_kmh must be a number" }).min(5, "at least 5 km/h").max(150, "at most 150 km/h").describe("average driving speed for planning, km/h"),
  route_detour_factor: z
    .number({ error: "route_detour_factor must be a number" })
    .min(1, "at least 1 (roads are never shorter than the straight line)")
    .max(3, "at most 3")
    .describe("road distance ÷ straight-line distance, used to estimate travel without a routing service"),
  tracking_interval_seconds: int("tracking_interval_seconds", 15, 900, "seconds").describe("a breadcrumb at most this often while the rep's app is open"),
  require_manager_mfa: z.boolean({ error: "require_manager_mfa must be true or false" }),
  selfie_required_types: z
    .array(z.string().trim().min(1).max(50))
    .max(100)
    .transform((types) => [...new Set(types)].sort())
    .describe('location types at which a visit must carry a selfie; "*" = every location'),
  alert_late_check_in_minutes: int("alert_late_check_in_minutes", 5, 720, "minutes"),
  alert_open_visit_minutes: int("alert_open_visit_minutes", 15, 1440, "minutes"),
  alert_untracked_minutes: int("alert_untracked_minutes", 5, 720, "minutes"),
  photo_retention_days: int("photo_retention_days", 1, 3650, "days").describe("selfies older than this are deleted"),
  events_retention_days: int("events_retention_days", 1, 365, "days").describe("live events stay resumable this long"),
  // At least 8: longer than the 7 days a late ping is accepted for, so a dropped day never receives one.
  ping_retention_days: int("ping_retention_days", 8, 3650, "days").describe("GPS breadcrumbs (trails) older than this are dropped, a day at a time; each day's kilometres stay"),
});

/** The one typed organisation-settings object (GET /api/v1/settings; getOrgSettings on the server). */
export const orgSettingsSchema = orgSettingsFields.extend({
  /** Demo organisation (set by the demo seed only; read-only). */
  is_demo: z.boolean(),
  updated_at: z.string(),
});
export type OrgSettings = z.infer<typeof orgSettingsSchema>;

/** PATCH /api/v1/settings: any subset of the fields, with a client_id. work_end must be after work_start (checked with the stored values). */
export const updateOrgSettingsInput = orgSettingsFields.partial().extend({ client_id: z.uuid({ error: "client_id must be a UUID" }) }).strict();
export type UpdateOrgSettingsInput = z.output<typeof updateOrgSettingsInput>;

/** Minutes since midnight of an HH:MM (or HH:MM:SS) time. */
export const minutesOfDay = (t: string): number => {
  const [h, m] = t.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};
