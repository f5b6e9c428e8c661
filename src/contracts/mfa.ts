import { z } from "zod";

export const startMfaEnrolmentInput = z.object({}).strict();

export const confirmMfaEnrolmentInput = z
  .object({ code: z.string().trim().regex(/^\d{6}$/, "Enter the 6-digit code from your authenticator app.") })
  .strict();

/** Turning MFA off needs a current second factor: a 6-digit code or an unused recovery code. */
export const disableMfaInput = z.object({ code: z.string().trim().min(6, "Enter a code.").max(20) }).strict();

export type StartMfaEnrolmentResult = { secret: string; otpauth_uri: string; qr_data_url: string };
export type ConfirmMfaEnrolmentResult = { recovery_codes: string[] };
