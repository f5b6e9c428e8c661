import "server-only";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { recordAudit, type RequestMeta } from "../audit/record-audit";
import type { Db } from "../db/client";
import { personnel, refreshTokens } from "../db/schema";
import { AppError } from "../errors";
import { unauthorized } from "./authenticate";

export const REFRESH_TOKEN_TTL_S = 30 * 24 * 3600;

export const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** An opaque refresh token: 32 random bytes, base64url. Only its SHA-256 is stored. */
export async function issueRefreshToken(db: Db, personnelId: number, meta: RequestMeta, now: Date, familyId: string = randomUUID()): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  await db.insert(refreshTokens).values({
    personnelId,
    familyId,
    tokenHash: sha256(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + REFRESH_TOKEN_TTL_S * 1000),
    userAgent: meta.userAgent ?? null,
    ip: meta.ip?.slice(0, 64) ?? null,
  });
  return token;
}

async function revokeFamily(db: Db, familyId: string, reason: string, now: Date): Promise<number> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: now, revokedReason: reason })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  return rows.length;
}

const invalidRefresh = () => new AppError("INVALID_REFRESH_TOKEN", "The refresh token is expired, revoked or unknown. Sign in again.");

/**
 * Exchanges a refresh token for a new one in the same family (the old one is marked rotated).
 * Presenting a token that was already rotated means two parties hold the family (a copy was stolen):
 * the whole family is revoked, so the newest token stops working too, and the event is audited.
 * Runs in one transaction with the row locked, so two concurrent refreshes of one token cannot both win.
 */
export async function rotateRefreshToken(
  db: Db,
  token: string,
  meta: RequestMeta,
  now: Date,
  /** A last check on the person before rotating; throwing leaves the token unspent. */
  assertAllowed?: (db: Db, personnelId: number) => Promise<void>,
): Promise<{ personnelId: number; refreshToken: string }> {
  const outcome = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, sha256(token)))
      .for("update");
    if (!row) return { error: invalidRefresh() };
    if (row.revokedAt) return { error: invalidRefresh() };
    if (row.rotatedAt) {
      const revoked = await revokeFamily(tx as unknown as Db, row.familyId, "reuse_detected", now);
      const [p] = await tx.select({ email: personnel.email }).from(personnel).where(eq(personnel.id, row.personnelId));
      await recordAudit(tx as unknown as Db, {
        action: "auth.token_reuse_detected",
        actor: p ? { id: row.personnelId, email: p.email } : null,
        targetPersonnelId: row.personnelId,
        subjectType: "refresh_token_family",
        subjectId: row.familyId,
        details: { revoked_tokens: revoked },
        meta,
        at: now,
      });
      // Commit the revocation, then answer 401 (throwing here would roll it back).
      return { error: new AppError("REFRESH_TOKEN_REUSED", "This refresh token was already used. All sessions from this sign-in were ended; sign in again.") };
    }
    if (row.expiresAt.getTime() <= now.getTime()) return { error: invalidRefresh() };
    const [person] = await tx
      .select({ active: personnel.active, tokensValidAfter: personnel.tokensValidAfter })
      .from(personnel)
      .where(eq(personnel.id, row.personnelId));
    if (!person?.active) {
      await revokeFamily(tx as unknown as Db, row.familyId, "deactivated", now);
      return { error: unauthorized("This account is not active.") };
    }
    if (person.tokensValidAfter && row.createdAt.getTime() < person.tokensValidAfter.getTime()) {
      await revokeFamily(tx as unknown as Db, row.familyId, "tokens_invalidated", now);
      return { error: invalidRefresh() };
    }
    if (assertAllowed) await assertAllowed(tx as unknown as Db, row.personnelId);
    await tx.update(refreshTokens).set({ rotatedAt: now }).where(eq(refreshTokens.id, row.id));
    const refreshToken = await issueRefreshToken(tx as unknown as Db, row.personnelId, meta, now, row.familyId);
    return { value: { personnelId: row.personnelId, refreshToken } };
  });
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** Sign-out of one client: revokes the token's whole family. Unknown or already revoked tokens are fine (idempotent). */
export async function revokeRefreshToken(db: Db, token: string, now: Date): Promise<{ revoked: number }> {
  const [row] = await db.select({ familyId: refreshTokens.familyId }).from(refreshTokens).where(eq(refreshTokens.tokenHash, sha256(token)));
  if (!row) return { revoked: 0 };
  return { revoked: await revokeFamily(db, row.familyId, "logout", now) };
}
