import { z } from "zod";

/** A browser PushSubscription as PushSubscription.toJSON() gives it. */
export const pushSubscriptionInput = z.object({
  endpoint: z.url({ protocol: /^https$/ }).max(2000).describe("The push service URL (HTTPS)"),
  keys: z.object({ p256dh: z.string().min(20).max(200), auth: z.string().min(8).max(100) }),
});
export type PushSubscriptionInput = z.infer<typeof pushSubscriptionInput>;

export const pushUnsubscribeInput = z.object({ endpoint: z.string().max(2000) });
export type PushUnsubscribeInput = z.infer<typeof pushUnsubscribeInput>;

export const vapidKeyResponse = z.object({ public_key: z.string().describe("applicationServerKey for PushManager.subscribe (base64url)") });
export type VapidKeyResponse = z.infer<typeof vapidKeyResponse>;

export const pushSendResult = z.object({ sent: z.number().int(), failed: z.number().int(), removed: z.number().int().describe("Subscriptions the push service said are gone (404/410)") });
export type PushSendResult = z.infer<typeof pushSendResult>;
