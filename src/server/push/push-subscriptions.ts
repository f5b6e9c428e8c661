import "server-only";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { pushSubscriptions } from "../db/schema";
import { getVapid } from "./vapid";
import type { PushSubscriptionInput, PushUnsubscribeInput, VapidKeyResponse } from "@/contracts/push";

export async function getVapidPublicKey(ctx: Ctx): Promise<VapidKeyResponse> {
  requirePermission(ctx.actor, "account.read");
  return { public_key: (await getVapid(ctx.db)).publicKey };
}

/** Stores this device's subscription for the signed-in person (idempotent per endpoint; a device that changed hands moves). */
export async function subscribePush(ctx: Ctx, input: PushSubscriptionInput, userAgent: string | null): Promise<{ subscribed: true }> {
  requirePermission(ctx.actor, "account.manage");
  await ctx.db
    .insert(pushSubscriptions)
    .values({ personnelId: ctx.actor.id, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 500) ?? null, createdAt: ctx.now })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { personnelId: ctx.actor.id, p256dh: input.keys.p256dh, auth: input.keys.auth, lastError: null } });
  return { subscribed: true };
}

/** Sign-out (or "turn off"): this device's subscription of this person is removed. Idempotent. */
export async function unsubscribePush(ctx: Ctx, input: PushUnsubscribeInput): Promise<{ removed: number }> {
  requirePermission(ctx.actor, "account.manage");
  const rows = await ctx.db
    .delete(pushSubscriptions)
    .where(and(eq(pushSubscriptions.endpoint, input.endpoint), eq(pushSubscriptions.personnelId, ctx.actor.id)))
    .returning({ id: pushSubscriptions.id });
  return { removed: rows.length };
}
