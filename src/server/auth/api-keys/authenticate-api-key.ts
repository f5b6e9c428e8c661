import "server-only";
import { and, eq, isNull, lt, or } from "drizzle-orm";
import type { Db } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { AppError } from "../../errors";
import type { Actor } from "../actor";
import { hashApiKey, isWellFormedApiKey } from "./api-key-format";

/** last_used_at is written at most once a minute per key: a busy integration must not turn every read into a write. */
const LAST_USED_GRANULARITY_MS = 60_000;

const invalidKey = (message: string) => new AppError("UNAUTHENTICATED", message);

/**
 * The key's actor: its person (who must be active), read-only unless the key is read_write.
 * 401 for a malformed, unknown, revoked or expired key.
 */
export async function authenticateApiKey(db: Db, key: string, now: Date, loadActor: (id: number, extra: Partial<Actor>) => Promise<Actor | null>): Promise<Actor> {
  if (!isWellFormedApiKey(key)) throw invalidKey("The API key is malformed.");
  const [row] = await db
    .select({ id: apiKeys.id, personnelId: apiKeys.personnelId, access: apiKeys.access, expiresAt: apiKeys.expiresAt, revokedAt: apiKeys.revokedAt, lastUsedAt: apiKeys.lastUsedAt })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashApiKey(key)));
  if (!row) throw invalidKey("The API key is not valid.");
  if (row.revokedAt) throw invalidKey("The API key was revoked.");
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) throw invalidKey("The API key has expired.");
  const actor = await loadActor(row.personnelId, { readOnly: row.access !== "read_write", apiKeyId: row.id });
  if (!actor) throw invalidKey("The API key's account is not active.");
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_GRANULARITY_MS) {
    const cutoff = new Date(now.getTime() - LAST_USED_GRANULARITY_MS);
    // The condition makes concurrent requests write once between them.
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, row.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, cutoff))));
  }
  return actor;
}
