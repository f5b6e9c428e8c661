import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { pushSubscriptions } from "../db/schema";
import { checkPushEndpoint, type PushNetwork } from "./endpoint-guard";
import { getVapid } from "./vapid";
import type { PushSubscriptionInput, PushUnsubscribeInput, VapidKeyResponse } from "@/contracts/push";

export async function getVapidPublicKey(ctx: Ctx): Promise<VapidKeyResponse> {
  requirePermission(ctx.actor, "account.read");
  return { public_key: (await getVapid(ctx.db)).publicKey };
}

/**
 * Devices one person may have subscribed at once. Registering one more replaces the person's oldest registration
 * (rather than a 409): a rep who reinstalls the app or changes phones leaves dead subscriptions behind that no
 * screen can remove, and the newest device is the one in their hand.
 */
export const MAX_PUSH_SUBSCRIPTIONS_PER_PERSON = 10;

/**
 * Stores this device's subscription for the signed-in person (idempotent per endpoint; a device that changed hands
 * moves; a re-registration counts as new for the cap). The endpoint must be https on public addresses (400 with
 * field `endpoint` otherwise; checked again before every send). At most MAX_PUSH_SUBSCRIPTIONS_PER_PERSON are kept.
 */
export async function subscribePush(ctx: Ctx, input: PushSubscriptionInput, userAgent: string | null, net: PushNetwork = {}): Promise<{ subscribed: true }> {
  requirePermission(ctx.actor, "account.manage");
  await checkPushEndpoint(input.endpoint, net);
  await ctx.db.transaction(async (tx) => {
    await tx
      .insert(pushSubscriptions)
      .values({ personnelId: ctx.actor.id, endpoint: input.endpoint, p256dh: input.keys.p256dh, auth: input.keys.auth, userAgent: userAgent?.slice(0, 500) ?? null, createdAt: ctx.now })
      .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { personnelId: ctx.actor.id, p256dh: input.keys.p256dh, auth: input.keys.auth, lastError: null, createdAt: ctx.now } });
    await tx.execute(sql`DELETE FROM push_subscriptions WHERE personnel_id = ${ctx.actor.id} AND id NOT IN (
      SELECT id FROM push_subscriptions WHERE personnel_id = ${ctx.actor.id} ORDER BY created_at DESC, id DESC LIMIT ${MAX_PUSH_SUBSCRIPTIONS_PER_PERSON})`);
  });
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
