import { z } from "zod";

export const loginInput = z.strictObject({
  email: z.string({ error: "email is required" }).trim().min(1, { error: "email is required" }).max(255),
  password: z.string({ error: "password is required" }).min(1, { error: "password is required" }).max(1024),
  /** The 6-digit code from an authenticator app, once MFA is enrolled. */
  totp: z.string().trim().regex(/^\d{6}$/, { error: "totp must be 6 digits" }).optional(),
  /** Instead of totp: one of the 10 one-time recovery codes. */
  recovery_code: z.string().trim().min(1).max(64).optional(),
});
export type LoginInput = z.infer<typeof loginInput>;

export const refreshTokenInput = z.strictObject({
  refresh_token: z.string({ error: "refresh_token is required" }).min(1, { error: "refresh_token is required" }).max(200),
});

export const userView = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  role: z.enum(["rep", "manager", "admin"]),
});

export const tokenResponse = z.object({
  access_token: z.string().describe("JWT (HS256), valid for expires_in seconds; send as Authorization: Bearer"),
  refresh_token: z.string().describe("Opaque, 30 days, single use: each refresh returns a new one"),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  user: userView,
});
export type TokenResponse = z.infer<typeof tokenResponse>;

export const logoutResponse = z.object({ revoked: z.number().int().describe("Tokens of the family revoked now (0 when already revoked or unknown)") });

export const meResponse = userView.extend({
  via: z.enum(["session", "access_token", "api_key"]),
  read_only: z.boolean(),
  api_key_id: z.number().int().optional(),
});
