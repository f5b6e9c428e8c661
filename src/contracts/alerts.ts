import { z } from "zod";

export const alertSchema = z.object({
  id: z.number().int(),
  kind: z.enum(["late_check_in", "missing_check_out", "risky_visit", "not_tracked"]),
  severity: z.enum(["warning", "critical"]),
  personnel_id: z.number().int(),
  personnel_name: z.string(),
  visit_id: z.number().int().nullable(),
  message: z.string(),
  raised_at: z.string(),
  acknowledged_at: z.string().nullable(),
  acknowledged_by_name: z.string().nullable(),
});
export type AlertJson = z.infer<typeof alertSchema>;

export const acknowledgeAlertInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  alert_id: z.number().int().positive(),
});
export type AcknowledgeAlertInput = z.infer<typeof acknowledgeAlertInput>;
