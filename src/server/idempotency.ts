import "server-only";
import { createHash, createHmac, hkdfSync } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "./auth/actor";
import type { Db } from "./db/client";
import { idempotencyKeys } from "./db/schema";
import { clientIdReused } from "./errors";
import { requireAuthSecret } from "@/env";

/**
 * What identifies one mutation: its scope (the operation, e.g. "visits.review"), the client-generated id and the
 * validated request. `request` is required on purpose: its fingerprint is stored with the key, so the same id with
 * another request is 409 CLIENT_ID_REUSED on every mutation (issue #17). Pass the parsed input (plus path ids and
 * digests of what is not JSON, e.g. a photo's SHA-256); pass secrets through `secretDigest`, never in clear.
 */
export type IdempotencyKey = { scope: string; clientId: string; request: object };

/**
 * The one idempotency mechanism of every mutation use-case: runs `fn` once per client-generated id, in one transaction
 * with the key. A replay (same id, same actor, same scope, same request) returns the first answer without running `fn`
 * again; concurrent replays wait on the key's primary key until the first commits (or rolls back). Anything else under
 * that id is 409 CLIENT_ID_REUSED. The stored answer is what `fn` returns: keep secrets (a generated password, an API
 * key's secret) out of it and add them to the first answer outside.
 */
export async function idempotent<T>(ctx: Ctx, key: IdempotencyKey, fn: (tx: Db) => Promise<T>): Promise<{ result: T; replayed: boolean }> {
  const requestHash = hashRequest(key.scope, key.request);
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ clientId: key.clientId, actorId: ctx.actor.id, operation: key.scope, createdAt: ctx.now, requestHash })
      .onConflictDoNothing()
      .returning({ clientId: idempotencyKeys.clientId });
    if (inserted.length === 0) {
      const [prior] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.clientId, key.clientId));
      assertSameRequest(prior, ctx.actor.id, key.scope, requestHash);
      return { result: prior.response as T, replayed: true };
    }
    const result = await fn(tx as unknown as Db);
    await tx
      .update(idempotencyKeys)
      .set({ response: sql`${JSON.stringify(result ?? null)}::jsonb` })
      .where(and(eq(idempotencyKeys.clientId, key.clientId), eq(idempotencyKeys.operation, key.scope)));
    return { result, replayed: false };
  });
}

/**
 * Whether a key is already stored (any actor, any scope): lets a use-case skip expensive work outside the transaction
 * (decoding a photo) when the answer will be a replay or a 409 anyway. `idempotent` still decides which.
 */
export async function isKnownClientId(db: Db, clientId: string): Promise<boolean> {
  const rows = await db.select({ c: idempotencyKeys.clientId }).from(idempotencyKeys).where(eq(idempotencyKeys.clientId, clientId));
  return rows.length > 0;
}

export type PriorKey = { actorId: number; operation: string; requestHash: string | null; response: unknown };

/**
 * A stored key may be replayed only by its actor, for its scope and with the same request; anything else
 * is 409 CLIENT_ID_REUSED. Keys stored before request hashes existed (null) cannot be compared: they replay as before.
 */
export function assertSameRequest(prior: PriorKey | undefined, actorId: number, operation: string, requestHash: string): asserts prior is PriorKey {
  const sameRequest = prior?.requestHash == null || prior.requestHash === requestHash;
  if (!prior || prior.actorId !== actorId || prior.operation !== operation || !sameRequest) throw clientIdReused();
}

/** JSON with object keys sorted, so two encodings of one request hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of the scope and its validated input: the fingerprint a replay must match. */
export const hashRequest = (scope: string, request: unknown): string => createHash("sha256").update(scope).update("\n").update(canonical(request)).digest("hex");

let secretKey: { secret: string; key: Buffer } | undefined;
/**
 * A keyed digest (HMAC-SHA256, key derived from AUTH_SECRET for this purpose only) of a secret that is part of a
 * request, such as a password an admin sets: two requests with the same password compare equal, and the stored
 * fingerprint cannot be used to guess the password offline.
 */
export function secretDigest(value: string | null | undefined): string | null {
  if (value == null) return null;
  const secret = requireAuthSecret();
  if (secretKey?.secret !== secret) secretKey = { secret, key: Buffer.from(hkdfSync("sha256", secret, "fieldbeat", "fieldbeat/idempotency/v1", 32)) };
  return createHmac("sha256", secretKey.key).update(value).digest("base64url");
}
