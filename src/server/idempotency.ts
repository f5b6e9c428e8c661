import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "./auth/actor";
import type { Db } from "./db/client";
import { idempotencyKeys } from "./db/schema";
import { AppError } from "./errors";
import { createHash } from "node:crypto";

/**
 * Runs `fn` once per client-generated id, in one transaction with the key. A replay (same id, same
 * actor, same operation) returns the first answer without running `fn` again; concurrent replays wait
 * on the key's unique index until the first commits. Reusing an id for another operation, or for the same
 * operation with another request (its SHA-256 is stored with the key), is 409 CLIENT_ID_REUSED.
 *
 * For mutations whose effect has no row of its own. Mutations that create a row (a visit, a ping)
 * carry `client_id` on that row instead and look it up there.
 */
export async function withIdempotency<T>(ctx: Ctx, clientId: string, operation: string, fn: (tx: Db) => Promise<T>, request?: unknown): Promise<{ result: T; replayed: boolean }> {
  const requestHash = hashRequest(operation, request);
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ clientId, actorId: ctx.actor.id, operation, createdAt: ctx.now, requestHash })
      .onConflictDoNothing()
      .returning({ clientId: idempotencyKeys.clientId });
    if (inserted.length === 0) {
      const [prior] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.clientId, clientId));
      assertSameRequest(prior, ctx.actor.id, operation, requestHash);
      return { result: prior!.response as T, replayed: true };
    }
    const result = await fn(tx as unknown as Db);
    await tx
      .update(idempotencyKeys)
      .set({ response: sql`${JSON.stringify(result ?? null)}::jsonb` })
      .where(and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.operation, operation)));
    return { result, replayed: false };
  });
}

export type PriorKey = { actorId: number; operation: string; requestHash: string | null; response: unknown };

/**
 * A stored key may be replayed only by its actor, for its operation and with the same request; anything else
 * is 409 CLIENT_ID_REUSED. Keys stored before request hashes existed (null) cannot be compared: they replay as before.
 */
export function assertSameRequest(prior: PriorKey | undefined, actorId: number, operation: string, requestHash: string): asserts prior is PriorKey {
  const sameRequest = prior?.requestHash == null || prior.requestHash === requestHash;
  if (!prior || prior.actorId !== actorId || prior.operation !== operation || !sameRequest) {
    throw new AppError("CLIENT_ID_REUSED", "This client_id was already used for another request.", { status: 409, field: "client_id" });
  }
}

/** JSON with object keys sorted, so two encodings of one request hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** SHA-256 of the operation and its validated input: the fingerprint a replay must match. */
export const hashRequest = (operation: string, request: unknown): string => createHash("sha256").update(operation).update("\n").update(canonical(request)).digest("hex");
