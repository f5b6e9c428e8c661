import "server-only";
import type { Agent } from "node:https";
import { eq, sql } from "drizzle-orm";
import webpush from "web-push";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import type { Db } from "../db/client";
import { pushSubscriptions } from "../db/schema";
import { getVapid } from "./vapid";
import type { PushSendResult } from "@/contracts/push";
import type { PushPayload } from "@/lib/pwa/sw-protocol";

export type PushTransport = { agent?: Agent };

/**
 * Sends one notification to every device of a person (aes128gcm, VAPID-signed). A push service answering 404/410
 * means the subscription is gone: it is removed. Failures are recorded on the subscription, never thrown.
 */
export async function sendPushToPerson(db: Db, personnelId: number, payload: PushPayload, now: Date, transport: PushTransport = {}): Promise<PushSendResult> {
  const subs = await db.select().from(pushSubscriptions).where(eq(pushSubscriptions.personnelId, personnelId));
  if (subs.length === 0) return { sent: 0, failed: 0, removed: 0 };
  const vapid = await getVapid(db);
  const result: PushSendResult = { sent: 0, failed: 0, removed: 0 };
  for (const s of subs) {
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
        vapidDetails: vapid,
        TTL: 3600,
        contentEncoding: "aes128gcm",
        ...(transport.agent ? { agent: transport.agent } : {}),
      });
      result.sent++;
      await db.update(pushSubscriptions).set({ lastSuccessAt: now, lastError: null }).where(eq(pushSubscriptions.id, s.id));
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404 || status === 410) {
        result.removed++;
        await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, s.id));
      } else {
        result.failed++;
        await db.execute(sql`UPDATE push_subscriptions SET last_error = ${String((err as Error).message ?? err).slice(0, 500)} WHERE id = ${s.id}`);
      }
    }
  }
  return result;
}

/** The rep's "Send test notification" button: to all their own devices. */
export async function sendTestPush(ctx: Ctx, transport: PushTransport = {}): Promise<PushSendResult> {
  requirePermission(ctx.actor, "account.manage");
  return sendPushToPerson(ctx.db, ctx.actor.id, { title: "Fieldbeat test", body: "Notifications work on this device.", url: "/rep", tag: "test" }, ctx.now, transport);
}
