import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { repApi } from "./helpers/field-api";
import { goOffline, north, openRepApp, tab, todayPlan, type Stop } from "./helpers/pwa";
import { screens } from "./helpers/screens";

// Issue #21, the rep's side of a real day: never stuck, never a silent wait, End day asks first.
test.use({ permissions: ["geolocation"], geolocation: { latitude: 12.9716, longitude: 77.5946, accuracy: 8 } });

const stopButton = (page: Page, s: Stop) => page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `${s.sequence}. ${s.location.name}` });
const badge = (page: Page) => page.getByRole("status").filter({ hasText: /^(Online|Offline)/ });

async function sessionToday(page: Page) {
  const res = await page.request.get("/api/v1/sessions/today");
  expect(res.status()).toBe(200);
  return (await res.json()) as { session: { status: string } | null; open_visit: { id: number; location: { id: number } } | null };
}

test("a visit left open on the server: a fresh phone shows it on Today and checks out there", async ({ page, request, context }) => {
  test.setTimeout(60_000);
  const rep = await repApi(request, "rep18@fieldbeat.test");
  const plan = await request.get("/api/v1/plans/today", { headers: rep.headers });
  const stop = ((await plan.json()) as { stops: Stop[] }).stops[0]!;
  // Checked in from another phone (or this one before its data was cleared): only the server knows the visit.
  // (A rerun on the same server finds it still open from the last run: the same situation.)
  const before = (await (await request.get("/api/v1/sessions/today", { headers: rep.headers })).json()) as { open_visit: { id: number } | null };
  let visitId = before.open_visit?.id ?? 0;
  if (!visitId) {
    const checkIn = await request.post("/api/v1/visits/check-in", {
      headers: rep.headers,
      data: { client_id: randomUUID(), location_id: stop.location.id, lat: stop.location.lat, lon: stop.location.lon, accuracy_m: 6, captured_at: new Date().toISOString() },
    });
    expect(checkIn.status(), await checkIn.text()).toBe(201);
    visitId = ((await checkIn.json()) as { visit: { id: number } }).visit.id;
  }

  await context.setGeolocation(north(stop, 5));
  await openRepApp(page, "rep18@fieldbeat.test"); // a fresh browser profile: nothing in IndexedDB
  const open = page.getByRole("region", { name: "Open visit" });
  await expect(open).toContainText(`You are checked in at ${stop.location.name}`);
  await expect(page.getByText(/Your day is open · a visit is open/)).toBeVisible();
  await screens(page, 21, "rep-today-open-visit");
  await open.getByRole("button", { name: `Check out at ${stop.location.name}` }).click();
  await expect(page.getByRole("heading", { level: 1, name: stop.location.name })).toBeVisible();
  await expect(page.getByText(/^Check-in recorded on the server at/)).toBeVisible();
  await page.getByLabel("Outcome").selectOption("FOLLOW_UP");
  await screens(page, 21, "rep-visit-check-out");
  await context.setGeolocation(north(stop, 6)); // a step towards the door: the watch's fresh fix for the check-out
  await page.getByRole("button", { name: "Check out" }).click();
  await expect(page.getByText(/^Check-out:/)).toContainText("VALID");
  await expect(page.getByRole("button", { name: /^Next stop: / })).toBeVisible();
  // The server closed the visit this phone never opened.
  expect((await sessionToday(page)).open_visit).toBeNull();
  const detail = await (await page.request.get(`/api/v1/visits/${visitId}`)).json();
  expect(detail.visit).toMatchObject({ outcome: "FOLLOW_UP" });
  expect(detail.visit.check_out_time).not.toBeNull();
});

test("a position request that never answers: a countdown, then a check-in with the recent fix", async ({ page, context }) => {
  test.setTimeout(90_000); // the fix must age past its freshness (10 s), then the countdown runs its 15 s
  // Chromium can stall a one-off request beside an active watch: here it never answers at all. The watch still works.
  await page.addInitScript(() => {
    Object.defineProperty(Geolocation.prototype, "getCurrentPosition", { configurable: true, value: () => undefined });
  });
  await openRepApp(page, "rep13@fieldbeat.test");
  const [first] = await todayPlan(page);
  await context.setGeolocation(north(first!, 4));
  await expect(page.getByTestId("fix")).toContainText("±8 m"); // the watch delivered a fix
  const fixAt = Date.now();
  await page.waitForTimeout(11_000); // the phone stands still: no new fix, the last one is no longer fresh
  await stopButton(page, first!).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  // Never a silent wait: the button counts down.
  await expect(page.getByRole("button", { name: /^Waiting for a fresh position… \d+ s$/ })).toBeVisible();
  const choice = page.getByRole("alert").filter({ hasText: "No fresh position in 15 s." });
  await expect(choice).toBeVisible({ timeout: 20_000 });
  await expect(choice.getByRole("button", { name: "Try again" })).toBeVisible();
  const useRecent = choice.getByRole("button", { name: /^Use the position from \d+ s ago$/ });
  const age = Number(/from (\d+) s ago/.exec((await useRecent.textContent()) ?? "")?.[1]);
  expect(age).toBeGreaterThanOrEqual(25);
  expect(age).toBeLessThanOrEqual(Math.ceil((Date.now() - fixAt) / 1000) + 2);
  await screens(page, 21, "rep-visit-fix-choice");
  await useRecent.click();
  const verdict = page.getByText(/^Check-in:/);
  await expect(verdict).toContainText("VALID");
  // Under 2 minutes old: a recent fix, not a stale one.
  await expect(page.getByText(/Flags: .*STALE_FIX/)).toHaveCount(0);
  expect((await sessionToday(page)).open_visit).toMatchObject({ location: { id: first!.location.id } });
});

test("End day with stops not yet visited asks first and names them; with a visit open it says to check out", async ({ page, context }) => {
  test.setTimeout(60_000);
  await openRepApp(page, "rep11@fieldbeat.test");
  const stops = await todayPlan(page);
  await context.setGeolocation(north(stops[0]!, 3));
  await page.getByRole("button", { name: "Start day" }).click();
  await expect(page.getByText("Your day is open")).toBeVisible();

  await page.getByRole("button", { name: "End day" }).click();
  const dialog = page.getByRole("alertdialog", { name: "End the day?" });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`Not visited yet: ${stops.map((s) => s.location.name).join(", ")}.`);
  await screens(page, 21, "rep-end-day-dialog");
  await dialog.getByRole("button", { name: "Keep working" }).click();
  await expect(dialog).toHaveCount(0);
  expect((await sessionToday(page)).session?.status).toBe("OPEN");

  // A visit open: End day sends the rep to check out first. (The rep steps up to the door: a fresh fix.)
  await context.setGeolocation(north(stops[0]!, 4));
  await stopButton(page, stops[0]!).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  await expect(page.getByText(/^Check-in:/)).toContainText("VALID");
  await page.getByRole("button", { name: "← Today" }).click();
  await page.getByRole("button", { name: "End day" }).click();
  const open = page.getByRole("alertdialog", { name: `A visit is still open at ${stops[0]!.location.name}: check out first.` });
  await expect(open).toBeVisible();
  await expect(open.getByRole("button", { name: "End day anyway" })).toHaveCount(0);
  await open.getByRole("button", { name: `Check out at ${stops[0]!.location.name}` }).click();
  await context.setGeolocation(north(stops[0]!, 5));
  await page.getByRole("button", { name: "Check out" }).click();
  await expect(page.getByText(/^Check-out:/)).toContainText("VALID");
  await page.getByRole("button", { name: "← Today" }).click();

  await page.getByRole("button", { name: "End day" }).click();
  const ask = page.getByRole("alertdialog", { name: "End the day?" });
  await expect(ask).toContainText(`Not visited yet: ${stops.slice(1).map((s) => s.location.name).join(", ")}.`);
  await ask.getByRole("button", { name: "End day anyway" }).click();
  await expect(page.getByTestId("day-ended")).toHaveText(/^Your day has ended at \d\d:\d\d\.$/);
  await expect.poll(async () => (await sessionToday(page)).session?.status).toBe("CLOSED");
});

test("after a reload offline the badge reads Online as soon as the network is back, and the queue flushes at once", async ({ page, context }) => {
  await openRepApp(page, "rep10@fieldbeat.test");
  await expect(badge(page)).toHaveText(/^Online/);
  await goOffline(context, true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await expect(badge(page)).toHaveText(/^Offline/);
  await page.getByRole("button", { name: "Start day" }).click();
  await expect(badge(page)).toHaveText(/^Offline · 1 to send/);
  await goOffline(context, false);
  // At once: well before the 15 s replay timer or any backoff.
  await expect(badge(page)).toHaveText("Online", { timeout: 6_000 });
  expect((await sessionToday(page)).session?.status).toBe("OPEN");
  await tab(page, "Sync").click();
  await expect(page.getByRole("status").filter({ hasText: /^Online · 0 waiting · 0 failed/ })).toBeVisible();
});
