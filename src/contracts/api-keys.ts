import { z } from "zod";
import { idValue } from "./ids";

export const apiKeyAccessValues = ["read", "read_write"] as const;

export const createApiKeyInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  name: z.string({ error: "name is required" }).trim().min(1, { error: "name is required" }).max(100, { error: "name is at most 100 characters" }),
  access: z.enum(apiKeyAccessValues, { error: "access must be read or read_write" }).default("read"),
  /** Whom the key acts as (their role and scope). Default: the admin creating it. Must be an active manager or admin. */
  personnel_id: idValue.optional(),
  /** Optional expiry (ISO 8601 with offset), in the future. */
  expires_at: z.iso.datetime({ offset: true, error: "expires_at must be an ISO 8601 date-time" }).nullish(),
});
export type CreateApiKeyInput = z.input<typeof createApiKeyInput>;

export const revokeApiKeyInput = z.strictObject({
  id: idValue,
});

export const listApiKeysInput = z.strictObject({}).optional();

export const apiKeyView = z.object({
  id: z.number().int(),
  name: z.string(),
  /** The public part of the key (fb_<prefix>_…), to recognise it in lists and logs. */
  prefix: z.string(),
  access: z.enum(apiKeyAccessValues),
  personnel: z.object({ id: z.number().int(), name: z.string(), email: z.string(), role: z.enum(["rep", "manager", "admin"]) }),
  created_by: z.number().int(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
export type ApiKeyView = z.infer<typeof apiKeyView>;

/** The create answer: the secret appears here once and never again (a replay omits it). */
export const createdApiKeyView = apiKeyView.extend({ secret: z.string().optional() });
export type CreatedApiKeyView = z.infer<typeof createdApiKeyView>;
