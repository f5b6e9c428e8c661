import "server-only";
import { sql } from "drizzle-orm";
import { recordAudit, type RequestMeta } from "../audit/record-audit";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import { AppError } from "../errors";
import type { Actor } from "./actor";

/** What Google's OpenID profile tells us that matters here. */
export type GoogleProfile = { email?: string | null; email_verified?: boolean | null };

/**
 * Google sign-in (optional, when GOOGLE_CLIENT_ID/SECRET are set) never creates anyone: it signs in an
 * existing, active person whose email Google has verified. People who turned on MFA here must use their
 * password and code: the TOTP they enrolled is the factor this deployment trusts, not Google's.
 */
export async function googleSignIn(db: Db, profile: GoogleProfile, meta: RequestMeta, now: Date): Promise<Actor> {
  const email = (profile.email ?? "").trim().toLowerCase();
  const [p] = email
    ? await db
        .select({ id: personnel.id, role: personnel.role, name: personnel.name, email: personnel.email, active: personnel.active, mfaEnabledAt: personnel.mfaEnabledAt })
        .from(personnel)
        .where(sql`lower(${personnel.email}) = ${email}`)
    : [];
  const refuse = async (reason: string, error: AppError): Promise<never> => {
    await recordAudit(db, { action: "auth.sign_in_failed", actor: p ? { id: p.id, email: p.email } : null, actorEmail: email.slice(0, 255) || null, details: { reason, method: "google" }, meta, at: now });
    throw error;
  };
  const noAccount = new AppError("OAUTH_NO_ACCOUNT", "No active Fieldbeat account uses this Google address. Ask your administrator.");
  if (!email || profile.email_verified !== true) return refuse("email_not_verified", noAccount);
  if (!p) return refuse("unknown_email", noAccount);
  if (!p.active) return refuse("deactivated", noAccount);
  if (p.mfaEnabledAt) return refuse("mfa_enrolled", new AppError("OAUTH_MFA_ENROLLED", "Your account uses two-step verification: sign in with your password and code."));
  await recordAudit(db, { action: "auth.sign_in", actor: { id: p.id, email: p.email }, details: { method: "google" }, meta, at: now });
  return { id: p.id, role: p.role, name: p.name, email: p.email, via: "session", readOnly: false };
}
