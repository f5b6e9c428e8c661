import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { DEMO_PASSWORD, signOut } from "./helpers/auth";
import { goOffline, north, openRepApp, tab, todayPlan } from "./helpers/pwa";

test.use({ permissions: ["geolocation", "notifications"], geolocation: { latitude: 12.9716, longitude: 77.5946, accuracy: 8 } });

/** The rep's day as the server holds it, read with the rep's own bearer token (not the page's cookie). */
async function serverDayOf(request: APIRequestContext, email: string): Promise<{ status: string | null; visits: number }> {
  const login = await request.post("/api/v1/auth/login", { data: { email, password: DEMO_PASSWORD } });
  expect(login.status()).toBe(200);
  const headers = { authorization: `Bearer ${(await login.json()).access_token}` };
  const s = await (await request.get("/api/v1/sessions/today", { headers })).json();
  const visits = await (await request.get("/api/v1/visits?limit=50", { headers })).json();
  return { status: s.session?.status ?? null, visits: visits.visits.filter((v: { planned_date: string }) => v.planned_date === s.session_date).length };
}

const queued = (page: Page) => page.getByRole("list", { name: "Queued actions" }).locator("li");

type QueueRow = { seq: number; kind: string; owner: unknown; status: string; attempts: number; created_at: string; last_attempt_at: string | null; done_at: string | null; error: { status: unknown; code: string } | null };

/** The app's IndexedDB as the phone holds it: its schema version and every item of its queue, in order. */
async function phoneQueue(page: Page): Promise<{ version: number; items: QueueRow[] }> {
  return page.evaluate(
    () =>
      new Promise<{ version: number; items: QueueRow[] }>((resolve, reject) => {
        const open = indexedDB.open("fieldbeat");
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const d = open.result;
          if (!d.objectStoreNames.contains("queue")) return (d.close(), reject(new Error(`no queue store (version ${d.version})`)));
          const all = d.transaction("queue").objectStore("queue").getAll();
          all.onsuccess = () => (resolve({ version: d.version, items: all.result as QueueRow[] }), d.close());
          all.onerror = () => (d.close(), reject(all.error));
        };
      }),
  );
}

/**
 * On failure, the phone's queue (kind, owner, status, attempts, last error) goes to the test's output, so a failure
 * in CI (whose clone and traces are gone afterwards) says which item went where.
 */
test.afterEach(async ({ page }, testInfo) => {
  if (testInfo.status === testInfo.expectedStatus || page.isClosed()) return;
  const items = await phoneQueue(page)
    .then(({ items }) =>
      items.map((i) => ({ seq: i.seq, kind: i.kind, owner: i.owner, status: i.status, attempts: i.attempts, created: i.created_at, last_attempt: i.last_attempt_at, done: i.done_at, error: i.error ? `${String(i.error.status)} ${i.error.code}` : null })),
    )
    .catch((e: unknown) => [`could not read: ${String(e)}`]);
  console.log(`[${testInfo.title}] the phone's queue at the failure:\n${JSON.stringify(items, null, 1)}`);
});

test("a second rep on the same phone never sends the first rep's queued work; the first rep's items go when they sign in again", async ({ page, context, request }) => {
  test.setTimeout(120_000); // two people, three sign-ins, on a shared 2-core machine
  const A = "rep16@fieldbeat.test";
  const B = "rep17@fieldbeat.test";
  await openRepApp(page, A);
  const [first] = await todayPlan(page);
  expect(await serverDayOf(request, A)).toEqual({ status: null, visits: 0 });

  // A works offline: start the day, check in at the first stop. The API is refused outright too, not only by the
  // emulated offline state: in one CI run A's Start day reached the server while the context was offline (its second
  // attempt, 0.5 s after the first failed as disconnected), a request Playwright's network layer saw, so a route
  // stops it where the emulation did not.
  await context.route("**/api/v1/**", (route) => route.abort("connectionrefused"));
  await goOffline(context, true);
  await context.setGeolocation(north(first!, 4));
  await page.getByRole("button", { name: "Start day" }).click();
  await expect(page.getByText("Your day is open")).toBeVisible();
  await page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `1. ${first!.location.name}` }).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  await expect(page.getByText("Check-in saved on this phone")).toBeVisible();

  // A signs out where only sign-in works (the API is still unreachable: a flaky network), so A's items are still queued.
  await goOffline(context, false);
  await signOut(page);
  await context.unroute("**/api/v1/**");

  // B signs in on the same phone, online, and starts their own day: the replay that sends B's item runs through the
  // queue in order, so if it took A's (older) items it would send them first, with B's session.
  await openRepApp(page, B);
  await page.getByRole("button", { name: "Start day" }).click();
  await tab(page, "Sync").click();
  // B's own list: their Start day (and any breadcrumb of their open day), sent.
  await expect(queued(page).filter({ hasText: "Start day" })).toHaveAttribute("data-status", "done");
  await expect(queued(page).filter({ hasText: "Check-in" })).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Another account on this phone" })).toBeVisible();
  const others = page.getByRole("list", { name: "Another account's items" }).locator("li");
  await expect(others.filter({ hasText: "Start day" })).toHaveCount(1);
  await expect(others.filter({ hasText: "Check-in" })).toHaveCount(1);
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id)).toEqual([]);
  expect(await serverDayOf(request, A)).toEqual({ status: null, visits: 0 });
  expect(await serverDayOf(request, B)).toEqual({ status: "OPEN", visits: 0 });

  // A signs in again (their consent is remembered on this phone): A's items are sent under A.
  await signOut(page);
  await openRepApp(page, A, { consent: false });
  await expect.poll(() => serverDayOf(request, A), { timeout: 20_000 }).toEqual({ status: "OPEN", visits: 1 });
  expect(await serverDayOf(request, B)).toEqual({ status: "OPEN", visits: 0 });
  await tab(page, "Sync").click();
  await expect(queued(page).filter({ hasText: "Check-in" })).toHaveAttribute("data-status", "done");
  await expect(queued(page).filter({ hasText: "Start day" })).toHaveAttribute("data-status", "done");
  await expect(queued(page).and(page.locator('[data-status="pending"], [data-status="failed"]'))).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Another account on this phone" })).toHaveCount(0);
});

test("a phone with the version-1 queue: the upgrade gives its items to the person whose plan was cached, loses nothing, and they are sent under that person", async ({ page, request }) => {
  const rep = "rep12@fieldbeat.test";
  const login = await request.post("/api/v1/auth/login", { data: { email: rep, password: DEMO_PASSWORD } });
  const headers = { authorization: `Bearer ${(await login.json()).access_token}` };
  const { personnel_id } = (await (await request.get("/api/v1/plans/today", { headers })).json()) as { personnel_id: number };
  expect(await serverDayOf(request, rep)).toEqual({ status: null, visits: 0 });

  // The app's database as version 1 left it on the phone: a queued Start day without an owner, the cached plan, consent.
  await page.goto("/login");
  const clientId = crypto.randomUUID();
  await page.evaluate(
    ({ personnelId, clientId }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open("fieldbeat", 1);
        open.onupgradeneeded = () => {
          const d = open.result;
          const q = d.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          q.createIndex("by_client_id", "client_id", { unique: true });
          q.createIndex("by_status", "status");
          for (const name of ["blobs", "cache", "meta"]) d.createObjectStore(name, { keyPath: "key" });
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const d = open.result;
          const at = new Date().toISOString();
          const tx = d.transaction(["queue", "cache", "meta"], "readwrite");
          tx.objectStore("queue").add({ kind: "session.start", client_id: clientId, body: { client_id: clientId, captured_at: at }, status: "pending", created_at: at, attempts: 0, next_attempt_at: null, last_attempt_at: null, done_at: null, error: null, result: null });
          tx.objectStore("cache").put({ key: "plan_today", value: { personnel_id: personnelId }, saved_at: at });
          tx.objectStore("meta").put({ key: "consent", value: { version: 1, at } });
          tx.oncomplete = () => (d.close(), resolve());
          tx.onerror = () => reject(tx.error);
        };
      }),
    { personnelId: personnel_id, clientId },
  );

  // The new app version opens it: no consent screen again (it was this person's), and the Start day goes out as theirs.
  await openRepApp(page, rep, { consent: false });
  await expect.poll(() => serverDayOf(request, rep), { timeout: 20_000 }).toEqual({ status: "OPEN", visits: 0 });
  const stored = await phoneQueue(page);
  expect(stored.version).toBe(2);
  expect(stored.items[0]?.owner).toBe(personnel_id);
  await tab(page, "Sync").click();
  await expect(queued(page).filter({ hasText: "Start day" })).toHaveAttribute("data-status", "done");
});

test.describe("a pushed reminder, tapped", () => {
  // One retry, for a flake of headless Chromium's notifications, not of the app: in CI (2026-12-07) the second push's
  // showNotification resolved, yet getNotifications listed nothing for 15 s. Both attempts must fail to fail the test,
  // and a pass asserts exactly what it did before.
  test.describe.configure({ retries: 1 });

test("a notification tap opens the screen it names: the open visit's Visit screen, then Today", async ({ page, context }) => {
  await openRepApp(page, "rep15@fieldbeat.test");
  const [first] = await todayPlan(page);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent("serviceworker"));

  // Inside the service worker: the push arrives with the payload the server's reminder sends, the worker's push
  // handler shows it, and a click on that notification runs the worker's notificationclick handler. (Headless
  // Chromium cannot click a system notification; the events are dispatched to the real handlers instead.)
  const tap = (payload: { title: string; body: string; url: string; tag: string }) =>
    worker.evaluate(async (p) => {
      // The dom lib has no service-worker types (as in src/sw.ts): the few used here.
      const sw = self as unknown as EventTarget & {
        registration: { getNotifications(o: { tag: string }): Promise<Notification[]> };
        PushEvent: new (t: string, i: { data: string }) => Event;
        NotificationEvent: new (t: string, i: { notification: Notification }) => Event;
      };
      // What became of the handler's showNotification call, for the failure message (the call goes through unchanged).
      const reg = sw.registration as unknown as { showNotification(t: string, o?: unknown): Promise<void> };
      const show = reg.showNotification;
      let outcome = "the push handler did not call showNotification";
      reg.showNotification = function (t, o) {
        outcome = "showNotification still pending";
        const shownNow = show.call(this, t, o);
        shownNow.then(
          () => (outcome = "showNotification resolved"),
          (e: unknown) => (outcome = `showNotification rejected: ${String(e)}`),
        );
        return shownNow;
      };
      try {
        sw.dispatchEvent(new sw.PushEvent("push", { data: JSON.stringify(p) }));
      } finally {
        reg.showNotification = show;
      }
      let shown: Notification[] = [];
      // Up to 15 s: showing a notification fetches its icon from the server, which the other lane keeps busy on a
      // 2-core machine (5 s ran out once in CI, 2026-12-06, on the second of the two pushes).
      for (let i = 0; i < 150 && !shown.length; i++) {
        await new Promise((r) => setTimeout(r, 100));
        shown = await sw.registration.getNotifications({ tag: p.tag });
      }
      if (!shown.length) throw new Error(`the push handler showed no notification (${outcome})`);
      sw.dispatchEvent(new sw.NotificationEvent("notificationclick", { notification: shown[0]! }));
      return { title: shown[0]!.title, data: shown[0]!.data as unknown };
    }, payload);

  const url = `/rep?screen=visit&location=${first!.location.id}`;
  expect(await tap({ title: "Visit still open", body: `You checked in at ${first!.location.name} over 3 hours ago`, url, tag: "visit_open:1" })).toEqual({ title: "Visit still open", data: { url } });
  await expect(page).toHaveURL(new RegExp(`/rep\\?screen=visit&location=${first!.location.id}$`));
  await expect(page.getByRole("heading", { level: 1, name: first!.location.name })).toBeVisible();

  await tap({ title: "First visit at 09:30", body: first!.location.name, url: "/rep?screen=today", tag: "first_visit:1" });
  await expect(page).toHaveURL(/\/rep\?screen=today$/);
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
});
});

test("rep screens at 360 px: the header stays on one row, and the fix badge draws its pin (no emoji font needed)", async ({ page }) => {
  await openRepApp(page, "rep14@fieldbeat.test");
  expect(page.viewportSize()?.width).toBe(360);
  const header = page.locator("header").first();
  const brand = await header.getByText("Fieldbeat", { exact: true }).boundingBox();
  const signOutBox = await header.getByRole("button", { name: "Sign out" }).boundingBox();
  const security = await header.getByRole("link", { name: "Security" }).boundingBox();
  // One row: every item's vertical centre within a few pixels of the brand's.
  for (const box of [signOutBox, security]) expect(Math.abs(box!.y + box!.height / 2 - (brand!.y + brand!.height / 2))).toBeLessThan(4);
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  const fix = page.getByTestId("fix");
  await expect(fix).toContainText("±8 m");
  await expect(fix.locator("svg")).toHaveCount(1);
  expect(await fix.textContent()).not.toMatch(/\p{Extended_Pictographic}/u);
});
