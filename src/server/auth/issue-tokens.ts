import "server-only";
import { getOrgSettings } from "../settings/org-settings";
import type { RequestMeta } from "../audit/record-audit";
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { personnel } from "../db/schema";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import type { TokenResponse } from "@/contracts/auth";
import { unauthorized } from "./authenticate";
import { loadActivePerson } from "./load-actor";
import { issueRefreshToken, rotateRefreshToken } from "./refresh-tokens";
import { ACCESS_TOKEN_TTL_S, issueAccessToken } from "./tokens";

/** The API login/refresh answer: a 15-minute access token and a refresh token (new family unless given). */
export async function tokenPair(db: Db, person: Pick<Actor, "id" | "name" | "email" | "role">, meta: RequestMeta, now: Date, refreshToken?: string): Promise<TokenResponse> {
  return {
    access_token: await issueAccessToken(person.id, now),
    refresh_token: refreshToken ?? (await issueRefreshToken(db, person.id, meta, now)),
    token_type: "Bearer",
    expires_in: ACCESS_TOKEN_TTL_S,
    user: { id: person.id, name: person.name, email: person.email, role: person.role },
  };
}

/**
 * The web app holds a manager or admin who must enrol in MFA (org setting) at /account/security; the API
 * cannot show a QR code, so it refuses them tokens until they have enrolled there. Checked at login and refresh.
 */
export async function assertApiTokensAllowed(db: Db, personnelId: number): Promise<void> {
  const [p] = await db.select({ role: personnel.role, mfaEnabledAt: personnel.mfaEnabledAt }).from(personnel).where(eq(personnel.id, personnelId));
  if (!p || p.role === "rep" || p.mfaEnabledAt) return;
  if ((await getOrgSettings(db)).require_manager_mfa) {
    throw new AppError("MFA_ENROLMENT_REQUIRED", "Your organisation requires two-step verification: enrol in the web app (Security page) first.");
  }
}

/**
 * POST /api/v1/auth/refresh: rotates the refresh token (a reused one revokes its whole family, 401) and answers a new
 * pair for its person, read through the one active-person reader (a person deactivated meanwhile gets no tokens).
 */
export async function refreshTokenPair(db: Db, token: string, meta: RequestMeta, now: Date): Promise<TokenResponse> {
  const { personnelId, refreshToken } = await rotateRefreshToken(db, token, meta, now, assertApiTokensAllowed);
  const person = await loadActivePerson(db, personnelId);
  if (!person) throw unauthorized("This account is not active.");
  return tokenPair(db, person, meta, now, refreshToken);
}
