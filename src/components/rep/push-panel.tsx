"use client";

import { useState } from "react";
import type { PushSendResult, VapidKeyResponse } from "@/contracts/push";
import { createApiClient } from "@/lib/api/client";
import { Btn, Card } from "./ui";

const client = createApiClient();

const toKey = (b64url: string) => {
  const raw = atob(b64url.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((b64url.length + 3) % 4));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
};

/** Turn on Web Push for this device (VAPID subscription stored per device) and send a test notification. */
export function PushPanel() {
  const [state, setState] = useState<string | null>(null);
  const supported = typeof window !== "undefined" && "PushManager" in window && "Notification" in window;
  const enable = async () => {
    try {
      if ((await Notification.requestPermission()) !== "granted") return setState("Notifications are blocked for this site: allow them in the browser's site settings.");
      const reg = await navigator.serviceWorker.ready;
      const { public_key } = await client.request<VapidKeyResponse>("/api/v1/push/vapid-public-key");
      const sub = (await reg.pushManager.getSubscription()) ?? (await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: toKey(public_key) }));
      await client.request("/api/v1/push/subscriptions", { body: sub.toJSON() });
      setState("Notifications are on for this device.");
    } catch (err) {
      setState(`Could not turn notifications on: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const test = async () => {
    try {
      const r = await client.request<PushSendResult>("/api/v1/push/test", { body: {} });
      setState(r.sent ? `Test sent to ${r.sent} device(s).` : "No device of yours has notifications on.");
    } catch {
      setState("The test needs a connection.");
    }
  };
  return (
    <Card className="flex flex-col gap-2">
      <h2 className="font-semibold">Notifications</h2>
      {!supported ? (
        <p>This browser cannot receive notifications here. On iPhone, install the app to the home screen first (iOS 16.4+).</p>
      ) : (
        <>
          <p className="text-sm">Reminders before your first visit and when a visit has been open for 3 hours.</p>
          <Btn tone="secondary" onClick={() => void enable()}>
            Turn on notifications
          </Btn>
          <Btn tone="secondary" onClick={() => void test()}>
            Send test notification
          </Btn>
        </>
      )}
      {state ? <p role="status">{state}</p> : null}
    </Card>
  );
}

/** Sign-out on this device: its subscription stops receiving this person's notifications. Never blocks sign-out. */
export async function unsubscribeThisDevice(): Promise<void> {
  try {
    const reg = await navigator.serviceWorker?.getRegistration();
    const sub = await reg?.pushManager.getSubscription();
    if (!sub) return;
    await client.request("/api/v1/push/unsubscribe", { body: { endpoint: sub.endpoint } }).catch(() => undefined);
    await sub.unsubscribe();
  } catch {
    // Offline or unsupported: the server drops the subscription at its next 404/410.
  }
}
