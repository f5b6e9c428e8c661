import "server-only";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { personnel } from "../../db/schema";
import { AppError } from "../../errors";
import type { StartMfaEnrolmentResult } from "@/contracts/mfa";
import { encryptSecret, newTotpSecret, totpUri } from "./totp";

/**
 * Step 1 of enrolment, for the actor themself: a fresh secret is stored (encrypted) but MFA stays off
 * until a code from it is confirmed. Starting again replaces a pending secret; an active one is kept.
 */
export async function startMfaEnrolment(ctx: Ctx, input: Record<string, never> = {}): Promise<StartMfaEnrolmentResult> {
  void input;
  requirePermission(ctx.actor, "account.manage");
  const [p] = await ctx.db.select({ enabled: personnel.mfaEnabledAt }).from(personnel).where(eq(personnel.id, ctx.actor.id));
  if (!p) throw new AppError("NOT_FOUND", "Account not found.");
  if (p.enabled) throw new AppError("MFA_ALREADY_ENABLED", "Two-step verification is already on. Turn it off first to enrol a new device.");
  const secret = newTotpSecret();
  await ctx.db.update(personnel).set({ mfaSecret: encryptSecret(secret), updatedAt: ctx.now }).where(eq(personnel.id, ctx.actor.id));
  const otpauth_uri = totpUri(ctx.actor.email, secret);
  const qr_data_url = await QRCode.toDataURL(otpauth_uri, { margin: 1, width: 240, errorCorrectionLevel: "M" });
  return { secret, otpauth_uri, qr_data_url };
}
