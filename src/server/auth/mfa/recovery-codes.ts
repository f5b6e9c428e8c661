import "server-only";
import { createHash, randomInt } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../../db/client";
import { mfaRecoveryCodes } from "../../db/schema";

export const RECOVERY_CODE_COUNT = 10;
// Crockford-style alphabet without 0/O, 1/I/L, U: easy to read off paper. 10 chars ≈ 49 bits each.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ";

/** Shown once as `XXXXX-XXXXX`; only the SHA-256 of the normalised code is stored. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    let s = "";
    for (let i = 0; i < 10; i++) s += ALPHABET[randomInt(ALPHABET.length)];
    return `${s.slice(0, 5)}-${s.slice(5)}`;
  });
}

export const normaliseRecoveryCode = (code: string) => code.toUpperCase().replace(/[^0-9A-Z]/g, "");

/**
 * SHA-256, not argon2: the codes are random (≈ 49 bits), so a slow hash adds nothing against guessing
 * from a dump, and it lets one indexed UPDATE find and burn a code atomically.
 */
export const hashRecoveryCode = (code: string) => createHash("sha256").update(normaliseRecoveryCode(code)).digest("hex");

/** Replaces a person's codes with fresh ones (in the caller's transaction); returns the plain codes. */
export async function replaceRecoveryCodes(db: Db, personnelId: number, now: Date): Promise<string[]> {
  const codes = newRecoveryCodes();
  await db.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personnelId, personnelId));
  await db.insert(mfaRecoveryCodes).values(codes.map((c) => ({ personnelId, codeHash: hashRecoveryCode(c), createdAt: now })));
  return codes;
}

/**
 * Burns one unused code. A single conditional UPDATE: two concurrent sign-ins with the same code
 * cannot both succeed. Returns the number of codes left, or null when the code was not valid.
 */
export async function redeemRecoveryCode(db: Db, personnelId: number, code: string, now: Date): Promise<number | null> {
  if (normaliseRecoveryCode(code).length !== 10) return null;
  const used = await db
    .update(mfaRecoveryCodes)
    .set({ usedAt: now })
    .where(and(eq(mfaRecoveryCodes.personnelId, personnelId), eq(mfaRecoveryCodes.codeHash, hashRecoveryCode(code)), isNull(mfaRecoveryCodes.usedAt)))
    .returning({ id: mfaRecoveryCodes.id });
  if (used.length === 0) return null;
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(mfaRecoveryCodes)
    .where(and(eq(mfaRecoveryCodes.personnelId, personnelId), isNull(mfaRecoveryCodes.usedAt)));
  return left?.n ?? 0;
}
