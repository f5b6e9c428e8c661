/** What the pages and the service worker agree on: message types, cache names, the sync tag, push payloads. */
export const SW_MESSAGES = { skipWaiting: "SKIP_WAITING", clearUserData: "CLEAR_USER_DATA" } as const;
export const SYNC_TAG = "fieldbeat-queue";
export const REP_PAGE_CACHE = "fb-rep-pages";
/** Caches holding one person's data: emptied at sign-out. */
export const USER_CACHES = [REP_PAGE_CACHE, "fb-api"] as const;

export type PushPayload = { title: string; body: string; url: string; tag?: string };

/** A push message's JSON → what the notification shows; anything malformed still shows something sensible. */
export function notificationFromPush(raw: unknown): PushPayload {
  const p = (raw ?? {}) as Partial<Record<keyof PushPayload, unknown>>;
  const str = (v: unknown, d: string) => (typeof v === "string" && v.trim() ? v : d);
  const url = str(p.url, "/rep");
  return { title: str(p.title, "Fieldbeat"), body: str(p.body, ""), url: url.startsWith("/") && !url.startsWith("//") ? url : "/rep", tag: typeof p.tag === "string" ? p.tag : undefined };
}

/**
 * The screen a notification opens: its `url` is `/rep?screen=today` or `/rep?screen=visit&location=<id>` (the
 * reminders, src/server/push/reminders.ts). The service worker navigates the app's window there on a tap; the app
 * reads it when it opens.
 */
export type RepScreenTarget = { screen: "today" } | { screen: "visit"; locationId: number } | { screen: "sync" } | { screen: "summary" } | { screen: "nearby" };

export function repScreenFromUrl(search: string): RepScreenTarget {
  const q = new URLSearchParams(search);
  const screen = q.get("screen");
  const locationId = Number(q.get("location"));
  if (screen === "visit" && Number.isSafeInteger(locationId) && locationId > 0) return { screen: "visit", locationId };
  if (screen === "sync" || screen === "summary" || screen === "nearby") return { screen };
  return { screen: "today" };
}
