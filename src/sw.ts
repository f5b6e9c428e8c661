/**
 * The service worker (bundled by scripts/build-sw.ts into public/sw.js with a Workbox precache manifest).
 * Why each cache exists: docs/decisions/0011-pwa-offline-shell.md.
 */
import { cleanupOutdatedCaches, matchPrecache, precacheAndRoute, type PrecacheEntry } from "workbox-precaching";
import { registerRoute, setCatchHandler } from "workbox-routing";
import { CacheFirst, NetworkFirst, NetworkOnly } from "workbox-strategies";
import { ExpirationPlugin } from "workbox-expiration";
import { createApiClient } from "./lib/api/client";
import { repApi } from "./lib/api/endpoints";
import { getMeta, openOfflineDb, SIGNED_IN } from "./lib/offline/db";
import { drainExclusive } from "./lib/offline/replay";
import { notificationFromPush, REP_PAGE_CACHE, SW_MESSAGES, SYNC_TAG, USER_CACHES } from "./lib/pwa/sw-protocol";

// The dom lib has no service-worker types, and the webworker lib cannot join this program: the few we use.
type ExtendableEvent = Event & { waitUntil(p: Promise<unknown>): void };
type SwScope = {
  __WB_MANIFEST: (PrecacheEntry | string)[];
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void>; matchAll(o?: { type?: string; includeUncontrolled?: boolean }): Promise<{ url: string; focus?: () => Promise<unknown>; navigate?: (u: string) => Promise<unknown> }[]>; openWindow(url: string): Promise<unknown> };
  registration: { showNotification(title: string, o?: NotificationOptions): Promise<void> };
  addEventListener(type: string, fn: (e: ExtendableEvent & Record<string, unknown>) => void): void;
  location: Location;
};
const sw = self as unknown as SwScope;

// Workbox finds the literal `self.__WB_MANIFEST` in the bundle and replaces it with the precache list.
precacheAndRoute((self as unknown as SwScope).__WB_MANIFEST);
cleanupOutdatedCaches();

const NETWORK_TIMEOUT_MS = 6_000;
const withTimeout = <T>(p: Promise<T>, ms: number) => Promise.race([p, new Promise<never>((_, rej) => setTimeout(() => rej(new Error("timeout")), ms))]);

/**
 * The rep app is one page (/rep) whose screens render on the client. Pages carry a per-request CSP nonce, so none
 * can be precached: the last /rep answer is kept *with its own headers* (its CSP names its own nonce) and served
 * when the network is down. Any /rep/* navigation falls back to it.
 */
async function repShell(request: Request): Promise<Response> {
  const cache = await caches.open(REP_PAGE_CACHE);
  try {
    const res = await withTimeout(fetch(request), NETWORK_TIMEOUT_MS);
    if (res.ok && !res.redirected && new URL(res.url).pathname.startsWith("/rep")) await cache.put("/rep", res.clone());
    return res;
  } catch {
    return (await cache.match("/rep")) ?? (await matchPrecache("/offline.html")) ?? Response.error();
  }
}
registerRoute(({ request, url }) => request.mode === "navigate" && url.origin === sw.location.origin && /^\/rep(\/|$)/.test(url.pathname), ({ request }) => repShell(request));

// Today's plan (with the locations it needs) and the day's session: fresh when online, the last answer offline.
registerRoute(
  ({ url, request }) => request.method === "GET" && (url.pathname === "/api/v1/plans/today" || url.pathname === "/api/v1/sessions/today"),
  new NetworkFirst({ cacheName: "fb-api", networkTimeoutSeconds: 5, plugins: [new ExpirationPlugin({ maxEntries: 20, maxAgeSeconds: 3 * 24 * 3600 })] }),
);
// Next's hashed build files that were not precached (e.g. a lazily loaded chunk): immutable, cache first.
registerRoute(({ url }) => url.pathname.startsWith("/_next/static/"), new CacheFirst({ cacheName: "fb-static", plugins: [new ExpirationPlugin({ maxEntries: 200 })] }));

// Other pages go to the network (they are per-request and per-person); when it fails, the catch handler answers.
registerRoute(({ request }) => request.mode === "navigate", new NetworkOnly());
// Any other page that cannot be reached offline: the offline page instead of the browser's error page.
setCatchHandler(async ({ request }) => (request.destination === "document" ? ((await matchPrecache("/offline.html")) ?? Response.error()) : Response.error()));

/** Replays the offline queue from the service worker (Background Sync, or asked by a page). */
async function drain(ignoreBackoff = false) {
  const db = await openOfflineDb();
  // Only the person the app says is signed in; nobody after a sign-out. Each request names them, so if the cookie is
  // already someone else's (a sign-in that overtook this replay) the server refuses it and the items wait.
  const owner = await getMeta<number>(db, SIGNED_IN);
  if (typeof owner !== "number") return null;
  return drainExclusive({ db, api: repApi(createApiClient({ retries429: 0, account: owner })), owner, ignoreBackoff });
}

sw.addEventListener("message", (e) => {
  const data = (e as unknown as MessageEvent).data as { type?: string } | null;
  if (data?.type === SW_MESSAGES.skipWaiting) void sw.skipWaiting();
  // Sign-out: this person's pages and API answers must not outlive their session on a shared phone.
  if (data?.type === SW_MESSAGES.clearUserData) e.waitUntil(Promise.all(USER_CACHES.map((c) => caches.delete(c))));
});

/** Caches the rep shell as soon as the worker takes over (the first visit was loaded before it controlled the page). */
async function warmRepShell() {
  try {
    await repShell(new Request("/rep", { credentials: "same-origin" }));
  } catch {
    // Offline or signed out: the next /rep navigation caches it.
  }
}

sw.addEventListener("activate", (e) => e.waitUntil(Promise.all([sw.clients.claim(), warmRepShell()])));

// Background Sync (Chromium only): the browser wakes the worker when the connection is back, even with the app closed.
sw.addEventListener("sync", (e) => {
  if (e.tag === SYNC_TAG) e.waitUntil(drain(true));
});

sw.addEventListener("push", (e) => {
  const data = e.data as { json(): unknown; text(): string } | null;
  let payload: unknown = null;
  try {
    payload = data?.json() ?? null;
  } catch {
    payload = { title: "Fieldbeat", body: data?.text() ?? "" };
  }
  const n = notificationFromPush(payload);
  e.waitUntil(sw.registration.showNotification(n.title, { body: n.body, tag: n.tag, data: { url: n.url }, icon: "/icons/icon-192.png", badge: "/icons/icon-192.png" }));
});

// A tap opens the screen the notification is about, in the app's window when one is open.
sw.addEventListener("notificationclick", (e) => {
  const notification = e.notification as Notification;
  notification.close();
  const url = new URL(String((notification.data as { url?: string } | null)?.url ?? "/rep"), sw.location.origin).href;
  e.waitUntil(
    (async () => {
      const windows = await sw.clients.matchAll({ type: "window", includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).pathname.startsWith("/rep"));
      if (open?.navigate && open.focus) {
        await open.navigate(url);
        return open.focus();
      }
      return sw.clients.openWindow(url);
    })(),
  );
});
