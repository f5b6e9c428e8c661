import "server-only";
import { sql } from "drizzle-orm";
import { recordAudit, type RequestMeta } from "../audit/record-audit";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import { redeemRecoveryCode } from "./mfa/recovery-codes";
import { decryptSecret } from "./mfa/totp";
import { spendTotp } from "./mfa/spend-totp";
import { verifyPassword } from "./password";
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess } from "./rate-limit";

export type SignInInput = { email: string; password: string; totp?: string; recovery_code?: string };

type FailReason = "unknown_email" | "wrong_password" | "deactivated" | "mfa_required" | "mfa_invalid" | "recovery_code_invalid";

/** One message for every credential failure: whether an email has an account is not for a stranger to learn. */
export const INVALID_CREDENTIALS_MESSAGE = "The email or password is incorrect.";

const failure = (reason: FailReason): AppError => {
  if (reason === "mfa_required") return new AppError("MFA_REQUIRED", "Enter the 6-digit code from your authenticator app, or a recovery code.", { field: "totp" });
  if (reason === "mfa_invalid" || reason === "recovery_code_invalid")
    return new AppError("MFA_INVALID", "That code is not valid. Check your authenticator app's time, or use a recovery code.", { field: reason === "mfa_invalid" ? "totp" : "recovery_code" });
  return new AppError("INVALID_CREDENTIALS", INVALID_CREDENTIALS_MESSAGE);
};

/**
 * The one credential check, for the web sign-in (next-auth) and the API login alike.
 * Unknown email, wrong password and deactivated account answer the same error after the same
 * work (one argon2 verification each). Once MFA is on, a TOTP or an unused recovery code is needed too.
 * Returns an actor with `via: "session"`; the API door re-labels it for the tokens it issues.
 */
export async function signIn(db: Db, input: SignInInput, meta: RequestMeta, now: Date): Promise<Actor> {
  const email = input.email.trim().toLowerCase();
  const ip = meta.ip ?? null;
  await assertSignInAllowed(email, ip);

  const [p] = await db
    .select({ id: personnel.id, role: personnel.role, name: personnel.name, email: personnel.email, active: personnel.active, passwordHash: personnel.passwordHash, mfaSecret: personnel.mfaSecret, mfaEnabledAt: personnel.mfaEnabledAt })
    .from(personnel)
    .where(sql`lower(${personnel.email}) = ${email}`);

  const fail = async (reason: FailReason, countsAsFailure = true): Promise<never> => {
    // A missing second factor after a right password is the normal first step of an MFA sign-in, not a guess.
    if (countsAsFailure) await recordSignInFailure(email, ip);
    await recordAudit(db, { action: "auth.sign_in_failed", actor: p ? { id: p.id, email: p.email } : null, actorEmail: email.slice(0, 255), details: { reason }, meta, at: now });
    throw failure(reason);
  };

  const passwordOk = await verifyPassword(p?.passwordHash, input.password);
  if (!p) return fail("unknown_email");
  if (!passwordOk) return fail("wrong_password");
  if (!p.active) return fail("deactivated");

  let method: "password" | "totp" | "recovery_code" = "password";
  if (p.mfaEnabledAt && p.mfaSecret) {
    const totp = input.totp?.trim();
    const recovery = input.recovery_code?.trim();
    if (totp) {
      const secret = decryptSecret(p.mfaSecret);
      if (!secret || !(await spendTotp(db, p.id, secret, totp, now))) return fail("mfa_invalid");
      method = "totp";
    } else if (recovery) {
      const left = await redeemRecoveryCode(db, p.id, recovery, now);
      if (left === null) return fail("recovery_code_invalid");
      method = "recovery_code";
      await recordAudit(db, { action: "mfa.recovery_code_used", actor: p, targetPersonnelId: p.id, details: { codes_left: left }, meta, at: now });
    } else {
      return fail("mfa_required", false);
    }
  }

  await recordSignInSuccess(email, ip);
  await recordAudit(db, { action: "auth.sign_in", actor: p, targetPersonnelId: p.id, details: { method }, meta, at: now });
  return { id: p.id, role: p.role, name: p.name, email: p.email, via: "session", readOnly: false };
}
