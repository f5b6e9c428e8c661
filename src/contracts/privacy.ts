import { z } from "zod";

/** POST /api/v1/personnel/{id}/anonymise: a leaver's identity removed; their visits stay for the company's records. */
export const anonymiseInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
});
export type AnonymiseInput = z.infer<typeof anonymiseInput>;

export const anonymiseResultSchema = z.object({
  id: z.number().int(),
  anonymised: z.literal(true),
  name: z.string().describe("The placeholder name that replaced theirs"),
  photos_removed: z.number().int().describe("Selfies deleted from storage by this request (0 on a repeat)"),
  visits_kept: z.number().int(),
});
export type AnonymiseResult = z.infer<typeof anonymiseResultSchema>;

/** GET /api/v1/personnel/{id}/export: everything Fieldbeat holds about one person, as JSON. */
export const personExportSchema = z.object({
  exported_at: z.string(),
  profile: z.record(z.string(), z.unknown()),
  sessions: z.array(z.record(z.string(), z.unknown())),
  visits: z.array(z.record(z.string(), z.unknown())),
  pings: z.array(z.record(z.string(), z.unknown())),
  audit: z.array(z.record(z.string(), z.unknown())).describe("Audit entries about them or by them"),
});
export type PersonExport = z.infer<typeof personExportSchema>;

/** A view of the signed-in person's location trail by someone else (from the audit log). */
export type TrailView = { at: string; viewer_name: string | null; viewer_role: string | null; date: string | null };
