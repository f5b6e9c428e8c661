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
