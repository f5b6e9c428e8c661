import { z } from "zod";

export const securitySettingsSchema = z.object({
  /** Managers and admins must enrol in TOTP MFA before they can use the app. */
  require_manager_mfa: z.boolean(),
  updated_at: z.string(),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

export const updateSecuritySettingsInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  require_manager_mfa: z.boolean({ error: "require_manager_mfa must be true or false" }),
});
export type UpdateSecuritySettingsInput = z.infer<typeof updateSecuritySettingsInput>;

/** How many managers/admins would be asked to enrol, shown beside the toggle. */
export const securityOverviewSchema = securitySettingsSchema.extend({ managers_without_mfa: z.number().int() });
export type SecurityOverview = z.infer<typeof securityOverviewSchema>;

/** Dashboard alert thresholds (minutes) and how long live events stay resumable (days). */
export const dashboardSettingsSchema = z.object({
  alert_late_check_in_minutes: z.coerce.number().int().min(5, "at least 5 minutes").max(720, "at most 12 hours"),
  alert_open_visit_minutes: z.coerce.number().int().min(15, "at least 15 minutes").max(1440, "at most 24 hours"),
  alert_untracked_minutes: z.coerce.number().int().min(5, "at least 5 minutes").max(720, "at most 12 hours"),
  events_retention_days: z.coerce.number().int().min(1, "at least 1 day").max(365, "at most 365 days"),
});
export type DashboardSettings = z.infer<typeof dashboardSettingsSchema>;
export const updateDashboardSettingsInput = dashboardSettingsSchema.extend({ client_id: z.uuid({ error: "client_id must be a UUID" }) }).strict();
export type UpdateDashboardSettingsInput = z.infer<typeof updateDashboardSettingsInput>;
// --- Photos (issue #8) ---
export const photoSettingsSchema = z.object({
  /** Selfies older than this many days are deleted (originals, copies, thumbnails, URLs). */
  photo_retention_days: z.number().int(),
  /** Location types at which a visit must carry a selfie; "*" = every location. */
  selfie_required_types: z.array(z.string()),
});
export type PhotoSettings = z.infer<typeof photoSettingsSchema>;

export const updatePhotoSettingsInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  photo_retention_days: z.coerce.number({ error: "photo_retention_days must be a number" }).int().min(1, "at least 1 day").max(3650, "at most 3650 days (10 years)"),
  selfie_required_types: z
    .array(z.string().trim().min(1).max(50))
    .max(100)
    .transform((types) => [...new Set(types)].sort()),
});
export type UpdatePhotoSettingsInput = z.input<typeof updatePhotoSettingsInput>;
