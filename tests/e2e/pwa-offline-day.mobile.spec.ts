import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { goOffline, north, openRepApp, tab, todayPlan } from "./helpers/pwa";

const BASE_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];
// Chromium's fake camera: the selfie is a real live capture (getUserMedia → canvas → JPEG Blob in IndexedDB).
test.use({
  permissions: ["geolocation", "camera"],
  geolocation: { latitude: 12.9716, longitude: 77.5946, accuracy: 8 },
  launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: [...BASE_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"] },
});

/** PHOTO validations of the rep's visits of a date: one per uploaded selfie. */
async function serverSelfies(page: Page, date: string): Promise<number> {
  const visits = await (await page.request.get(`/api/v1/visits?limit=50`)).json();
  let n = 0;
  for (const v of visits.visits.filter((x: { planned_date: string }) => x.planned_date === date)) {
    const detail = await (await page.request.get(`/api/v1/visits/${v.id}`)).json();
    n += detail.validations.filter((x: { validation_type: string }) => x.validation_type === "PHOTO").length;
  }
  return n;
}

type Counts = { visits: number; sessionVisits: number; pings: number; status: string | null };

/** What the server holds for the signed-in rep today (read through the API with the page's session cookie). */
async function serverDay(page: Page): Promise<Counts> {
  const s = await (await page.request.get("/api/v1/sessions/today")).json();
  const visits = await (await page.request.get(`/api/v1/visits?limit=50`)).json();
  const today = visits.visits.filter((v: { planned_date: string }) => v.planned_date === s.session_date);
  const trail = await (await page.request.get(`/api/v1/tracking/trail?date=${s.session_date}`)).json();
  return { visits: today.length, sessionVisits: s.session?.total_visits ?? 0, pings: trail.pings.length, status: s.session?.status ?? null };
}

test("the whole day offline: start, check in, selfie, check out, reload offline; online again → exactly one session, one visit, one selfie and the pings; replays write nothing", async ({ page, context }) => {
  test.setTimeout(90_000); // a whole day of steps on a shared 2-core machine
  await openRepApp(page, "rep20@fieldbeat.test");
  const [first] = await todayPlan(page);
  expect(await serverDay(page)).toEqual({ visits: 0, sessionVisits: 0, pings: 0, status: null });
  await context.setGeolocation(north(first!, 300));

  await goOffline(context, true);
  await page.getByRole("button", { name: "Start day" }).click();
  await expect(page.getByText("Your day is open")).toBeVisible();
  // The rep walks to the first customer: the open day's watch records breadcrumbs on the way.
  await context.setGeolocation(north(first!, 150));
  await context.setGeolocation(north(first!, 4));
  await page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `1. ${first!.location.name}` }).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  await expect(page.getByText("Check-in saved on this phone")).toBeVisible();
  await page.getByRole("button", { name: "Take selfie" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Camera ready" })).toBeVisible({ timeout: 15_000 });
  await page.getByRole("button", { name: "Capture" }).click();
  await page.getByRole("button", { name: "Save selfie" }).click();
  await expect(page.getByTestId("selfie-queued")).toBeVisible();
  // The rep moves a little while finishing the visit: the open day's watch delivers the fresh fix the check-out uses
  // (Chromium's emulated position only reports a change, and the selfie took longer than the 10 s a watched fix is used for).
  await context.setGeolocation(north(first!, 6));
  await page.getByLabel("Outcome").selectOption("NO_ORDER");
  await page.getByRole("button", { name: "Check out" }).click();
  await expect(page.getByText("Check-out saved on this phone")).toBeVisible();

  // Reload with the network still off: the shell opens from the service worker, the queue from IndexedDB.
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `1. ${first!.location.name}` })).toContainText("Done");
  await tab(page, "Sync").click();
  const queued = page.getByRole("list", { name: "Queued actions" }).getByRole("listitem");
  await expect(queued.filter({ hasText: "Start day" })).toHaveAttribute("data-status", "pending");
  await expect(queued.filter({ hasText: "Check-in" })).toHaveAttribute("data-status", "pending");
  await expect(queued.filter({ hasText: "Check-out" })).toHaveAttribute("data-status", "pending");
  await expect(queued.filter({ hasText: "Selfie" })).toHaveAttribute("data-status", "pending");
  const crumbsOffline = await queued.filter({ hasText: "Location breadcrumb" }).count();
  expect(crumbsOffline).toBeGreaterThan(0);

  await goOffline(context, false);
  await expect(page.getByRole("status").filter({ hasText: /0 waiting · 0 failed/ })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole("list", { name: "Queued actions" }).locator('[data-status="pending"], [data-status="failed"]')).toHaveCount(0);
  await expect(queued.filter({ hasText: "Check-in" })).toHaveAttribute("data-status", "done");
  const after = await serverDay(page);
  expect(after).toMatchObject({ visits: 1, sessionVisits: 1, status: "OPEN" });
  // Every breadcrumb recorded offline reached the server (the phone prunes sent ones, issue #17 item 6).
  expect(after.pings).toBeGreaterThanOrEqual(crumbsOffline);
  const plan = await todayPlan(page);
  expect(plan[0]).toMatchObject({ status: "DONE", visit: { outcome: "NO_ORDER" } });
  const sessionDate = (await (await page.request.get("/api/v1/sessions/today")).json()).session_date as string;
  expect(await serverSelfies(page, sessionDate)).toBe(1);

  // Replaying twice more (a reload drains on start, "online" drains again) writes nothing new.
  for (let i = 0; i < 2; i++) {
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
    await goOffline(context, true);
    await goOffline(context, false);
  }
  // The open day keeps recording new breadcrumbs after each reload. Sent breadcrumbs leave the phone's queue at the
  // server's answer (issue #17 item 6), so the phone can no longer list them: the replays changed nothing else, and
  // the server's unique client_id (tracking-pings.test.ts, idempotency-contract.test.ts) keeps each fix once.
  await tab(page, "Sync").click();
  await expect(page.getByRole("status").filter({ hasText: /0 waiting · 0 failed/ })).toBeVisible({ timeout: 20_000 });
  const final = await serverDay(page);
  expect({ ...final, pings: undefined }).toEqual({ ...after, pings: undefined });
  expect(final.pings).toBeGreaterThanOrEqual(after.pings);
  expect(await serverSelfies(page, sessionDate)).toBe(1);
});

test("an action the server refuses shows as failed with its message and can be discarded", async ({ page, context }) => {
  await openRepApp(page, "rep19@fieldbeat.test");
  const [first, second] = await todayPlan(page);
  await context.setGeolocation(north(first!, 4));
  await goOffline(context, true);
  await page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `1. ${first!.location.name}` }).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  await expect(page.getByText("Check-in saved on this phone")).toBeVisible();

  // Meanwhile the rep's other phone checks in elsewhere: the server now has an open visit.
  const origin = new URL(page.url()).origin;
  const other = await page.request.post("/api/v1/visits/check-in", {
    headers: { origin },
    data: { client_id: randomUUID(), location_id: second!.location.id, lat: second!.location.lat, lon: second!.location.lon, accuracy_m: 6, captured_at: new Date().toISOString() },
  });
  expect(other.status()).toBe(201);

  await goOffline(context, false);
  await expect(page.getByRole("alert").filter({ hasText: "Check-in refused by the server" })).toBeVisible({ timeout: 20_000 });
  await tab(page, "Sync").click();
  const failed = page.getByRole("list", { name: "Queued actions" }).locator('[data-status="failed"]');
  await expect(failed).toHaveCount(1);
  await expect(failed).toContainText(/still open: check out first/);
  await failed.getByRole("button", { name: /^Discard/ }).click();
  await expect(failed).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: /0 failed/ })).toBeVisible();
});
