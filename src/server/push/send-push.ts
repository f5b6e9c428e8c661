import "server-only";
import { inArray, sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral, textArray } from "../db/array-literal";
import type { Db } from "../db/client";
import { pushSubscriptions } from "../db/schema";
import { AppError } from "../errors";
import { checkPushEndpoint, pinnedAgent, type PushNetwork } from "./endpoint-guard";
import { getVapid } from "./vapid";
import type { PushSendResult } from "@/contracts/push";
import type { PushPayload } from "@/lib/pwa/sw-protocol";

/** How push services are reached: nothing in production; a test's local push service (see PushNetwork). */
export type PushTransport = PushNetwork;

export type PushItem = { personnelId: number; payload: PushPayload };

/**
 * Sends each item's notification to every device of its person (aes128gcm, VAPID-signed), in a fixed number of
 * queries whatever the number of items: one read of the subscriptions, then one write each for successes,
 * failures and removals. Before each send the endpoint is checked again (https, public addresses only) and the
 * connection is pinned to the checked addresses; a refused endpoint counts as failed and is never contacted.
 * A push service answering 404/410 means the subscription is gone: it is removed. Failures are recorded on the
 * subscription, never thrown. Results are in the order of `items`.
 */
export async function sendPushBatch(db: Db, items: readonly PushItem[], now: Date, net: PushTransport = {}): Promise<PushSendResult[]> {
  const results = items.map((): PushSendResult => ({ sent: 0, failed: 0, removed: 0 }));
  const people = [...new Set(items.map((i) => i.personnelId))];
  if (people.length === 0) return results;
  const subs = await db.select().from(pushSubscriptions).where(inArray(pushSubscriptions.personnelId, people));
  if (subs.length === 0) return results;
  const vapid = await getVapid(db);
  const ok: number[] = [];
  const gone: number[] = [];
  const failed: { id: number; error: string }[] = [];
  for (const [i, item] of items.entries()) {
    for (const s of subs) {
      if (s.personnelId !== item.personnelId) continue;
      const outcome = await sendOne(s, item.payload, vapid, net);
      const r = results[i]!;
      if (outcome === "sent") {
        r.sent++;
        ok.push(s.id);
      } else if (outcome === "gone") {
        r.removed++;
        gone.push(s.id);
      } else {
        r.failed++;
        failed.push({ id: s.id, error: outcome.error });
      }
    }
  }
  if (ok.length) await db.execute(sql`UPDATE push_subscriptions SET last_success_at = ${now.toISOString()}::timestamptz, last_error = NULL WHERE id = ANY(${arrayLiteral(ok)}::int[])`);
  if (failed.length) {
    await db.execute(sql`UPDATE push_subscriptions s SET last_error = f.error
      FROM unnest(${arrayLiteral(failed.map((f) => f.id))}::int[], ${textArray(failed.map((f) => f.error))}::text[]) AS f(id, error) WHERE s.id = f.id`);
  }
  if (gone.length) await db.execute(sql`DELETE FROM push_subscriptions WHERE id = ANY(${arrayLiteral(gone)}::int[])`);
  return results;
}

type Sub = typeof pushSubscriptions.$inferSelect;

async function sendOne(s: Sub, payload: PushPayload, vapid: Awaited<ReturnType<typeof getVapid>>, net: PushTransport): Promise<"sent" | "gone" | { error: string }> {
  let agent: ReturnType<typeof pinnedAgent> | undefined;
  try {
    agent = pinnedAgent(await checkPushEndpoint(s.endpoint, net), net);
    // web-push (and its crypto dependencies) loads with the first notification sent, not with the reminder jobs.
    const { default: webpush } = await import("web-push");
    await webpush.sendNotification({ endpoint: s.endpoint, keys: { p256dh: s.p256dh, auth: s.auth } }, JSON.stringify(payload), {
      vapidDetails: vapid,
      TTL: 3600,
      contentEncoding: "aes128gcm",
      agent,
      timeout: 10_000,
    });
    return "sent";
  } catch (err) {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404 || status === 410) return "gone";
    const message = err instanceof AppError ? err.message : String((err as Error).message ?? err);
    return { error: message.replace(/\u0000/g, "").slice(0, 500) };
  } finally {
    agent?.destroy();
  }
}

/** One notification to every device of a person (sendPushBatch of one item). */
export async function sendPushToPerson(db: Db, personnelId: number, payload: PushPayload, now: Date, net: PushTransport = {}): Promise<PushSendResult> {
  return (await sendPushBatch(db, [{ personnelId, payload }], now, net))[0]!;
}

/** The rep's "Send test notification" button: to all their own devices. */
export async function sendTestPush(ctx: Ctx, net: PushTransport = {}): Promise<PushSendResult> {
  requirePermission(ctx.actor, "account.manage");
  return sendPushToPerson(ctx.db, ctx.actor.id, { title: "Fieldbeat test", body: "Notifications work on this device.", url: "/rep", tag: "test" }, ctx.now, net);
}
