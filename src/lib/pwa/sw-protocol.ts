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
