import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "./auth/actor";
import type { Db } from "./db/client";
import { idempotencyKeys } from "./db/schema";
import { AppError } from "./errors";

/**
 * Runs `fn` once per client-generated id, in one transaction with the key. A replay (same id, same
 * actor, same operation) returns the first answer without running `fn` again; concurrent replays wait
 * on the key's unique index until the first commits. Reusing an id for another operation is a 409.
 *
 * For mutations whose effect has no row of its own. Mutations that create a row (a visit, a ping)
 * carry `client_id` on that row instead and look it up there.
 */
export async function withIdempotency<T>(ctx: Ctx, clientId: string, operation: string, fn: (tx: Db) => Promise<T>): Promise<{ result: T; replayed: boolean }> {
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(idempotencyKeys)
      .values({ clientId, actorId: ctx.actor.id, operation, createdAt: ctx.now })
      .onConflictDoNothing()
      .returning({ clientId: idempotencyKeys.clientId });
    if (inserted.length === 0) {
      const [prior] = await tx.select().from(idempotencyKeys).where(eq(idempotencyKeys.clientId, clientId));
      if (!prior || prior.actorId !== ctx.actor.id || prior.operation !== operation) {
        throw new AppError("CLIENT_ID_REUSED", "This client_id was already used for another request.", { status: 409, field: "client_id" });
      }
      return { result: prior.response as T, replayed: true };
    }
    const result = await fn(tx as unknown as Db);
    await tx
      .update(idempotencyKeys)
      .set({ response: sql`${JSON.stringify(result ?? null)}::jsonb` })
      .where(and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.operation, operation)));
    return { result, replayed: false };
  });
}
