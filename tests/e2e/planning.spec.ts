import { expect, test, type Page } from "@playwright/test";
import { ADMIN, MANAGER1, signInAs } from "./helpers/auth";
import { openRepApp } from "./helpers/pwa";
import { saveShot } from "./helpers/screens";

/**
 * Issue #19 end to end: a manager builds a beat on the Plans page, the scheduled-job door runs beats-materialize, the
 * manager writes and optimises today's day, and the rep's app — open on a phone in another browser — shows each new
 * order without a reload (plan.changed over the events stream). Screenshots: the Plans page at 1366 px, the rep's Today
 * with the route at 360 px.
 */
const REP = "rep08@fieldbeat.test"; // manager1's team
const CRON_SECRET = "e2e-only-cron-secret-0123456789abcdef"; // playwright.config.ts webServer env

async function blockOffsite(page: Page) {
  await page.context().route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
}

type Customer = { id: number; name: string; lat: number; lon: number };
const repOrder = (phone: Page) => phone.locator("ol[aria-label='Planned visits'] > li").evaluateAll((els) => els.map((e) => Number((e as HTMLElement).dataset.locationId)));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const dayAfter = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

test("a manager builds a beat, runs the job door, optimises a day, and the rep's open app shows the new order live", async ({ page, browser, request }) => {
  test.setTimeout(180_000);
  await blockOffsite(page);

  // The rep's phone: open on Today before the manager changes anything.
  const phoneContext = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const phone = await phoneContext.newPage();
  await blockOffsite(phone);
  await openRepApp(phone, REP);
  // Gone after any reload: the phone must follow every change live.
  await phone.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
  const mine = (await (await phone.request.get("/api/v1/plans/today")).json()) as { personnel_id: number; date: string };
  const repId = mine.personnel_id;
  const today = mine.date;
  // The demo's own beats cover Monday–Saturday: this one runs on Sundays, from the next Sunday after today.
  const dow = new Date(`${today}T00:00:00Z`).getUTCDay();
  const sunday = dayAfter(today, (7 - dow) % 7 || 7);

  await signInAs(page, MANAGER1);
  const repName = ((await (await page.request.get(`/api/v1/personnel/${repId}`)).json()) as { name: string }).name;
  const customers = ((await (await page.request.get("/api/v1/locations?active=true&limit=200")).json()) as { items: Customer[] }).items;
  const names = new Map<string, number>();
  for (const c of customers) names.set(c.name, (names.get(c.name) ?? 0) + 1);
  const todays = ((await (await page.request.get(`/api/v1/plans/${repId}/${today}`)).json()) as { stops: { status: string; location: { id: number } }[] }).stops;
  const visited = new Set(todays.filter((s) => s.status !== "PENDING").map((s) => s.location.id));
  const taken = new Set(todays.map((s) => s.location.id));
  const unique = customers.filter((c) => names.get(c.name) === 1 && !taken.has(c.id));
  const pendingOrder = async () => (await repOrder(phone)).filter((id) => !visited.has(id));

  // 1. A beat: Sundays from the next one, three customers picked from the searchable list.
  await page.goto("/manager/plans");
  await expect(page.getByRole("heading", { level: 1, name: "Plans" })).toBeVisible();
  await page.getByRole("button", { name: `New beat for ${repName}` }).click();
  const beatForm = page.locator("section[aria-labelledby='beat-h']");
  await beatForm.getByLabel("Name", { exact: true }).fill("E2E round");
  await beatForm.getByRole("checkbox", { name: "Mon", exact: true }).uncheck();
  await beatForm.getByRole("checkbox", { name: "Sun", exact: true }).check();
  await beatForm.getByLabel("Starts on").fill(sunday);
  for (const c of unique.slice(0, 3)) {
    await beatForm.getByLabel("Find a customer").fill(c.name);
    await beatForm.getByRole("button", { name: `Add ${c.name}`, exact: true }).click();
  }
  await expect(beatForm.getByRole("list", { name: "Stops in route order" }).getByRole("listitem")).toHaveCount(3);
  await beatForm.getByRole("button", { name: "Create beat" }).click();
  await expect(page.getByRole("button", { name: `Edit beat E2E round of ${repName}` }).first()).toBeVisible();

  // 2. The scheduled-job door runs beats-materialize: that Sunday holds the beat's stops (a rerun adds nothing).
  for (let run = 0; run < 2; run++) {
    const res = await request.get("/api/cron/beats-materialize", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status()).toBe(200);
  }
  const planned = (await (await page.request.get(`/api/v1/plans/${repId}/${sunday}`)).json()) as { source: string; stops: { location: { id: number } }[] };
  expect(planned.source).toBe("beat");
  expect(planned.stops.map((s) => s.location.id).sort()).toEqual(unique.slice(0, 3).map((c) => c.id).sort());
  await page.goto(`/manager/plans?from=${sunday}`);
  await expect(page.getByRole("button", { name: new RegExp(`^Edit ${escape(repName)}'s plan for ${sunday}: 3 stops`) })).toBeVisible();
  await page.goto("/manager/plans");

  // 3. Today by hand: five customers in a zigzag (west/east alternating), saved; the phone follows live.
  await page.getByRole("button", { name: new RegExp(`^Edit ${escape(repName)}'s plan for ${today}`) }).click();
  const day = page.locator("section[aria-labelledby='day-h']");
  await expect(day.getByLabel("Find a customer")).toBeVisible();
  for (let guard = 0; guard < 100 && (await day.getByRole("button", { name: /^Remove / }).count()) > 0; guard++) await day.getByRole("button", { name: /^Remove / }).first().click();
  const five = unique.slice(3, 8).sort((a, b) => a.lon - b.lon);
  const zigzag = [five[0]!, five[4]!, five[1]!, five[3]!, five[2]!];
  for (const c of zigzag) {
    await day.getByLabel("Find a customer").fill(c.name);
    await day.getByRole("button", { name: `Add ${c.name}`, exact: true }).click();
  }
  // Keyboard: move the last stop up once with the focused button and Enter.
  await day.getByRole("button", { name: `Move ${zigzag[4]!.name} up` }).focus({ timeout: 10_000 });
  await page.keyboard.press("Enter");
  const written = [zigzag[0]!, zigzag[1]!, zigzag[2]!, zigzag[4]!, zigzag[3]!].map((c) => c.id);
  await day.getByRole("button", { name: "Save day" }).click();
  await expect(day.getByRole("status").filter({ hasText: "Saved" })).toBeVisible();
  await expect.poll(pendingOrder, { timeout: 15_000 }).toEqual(written);

  // 4. Optimise: km before and after, both routes on the map; the phone shows the new order without a reload.
  await day.getByRole("button", { name: "Optimise", exact: true }).click();
  const outcome = page.getByTestId("optimise-outcome");
  await expect(outcome).toContainText(/km → .* km · saves/);
  const after = ((await (await page.request.get(`/api/v1/plans/${repId}/${today}`)).json()) as { stops: { status: string; location: { id: number } }[] }).stops
    .filter((s) => s.status === "PENDING")
    .map((s) => s.location.id);
  expect(after).not.toEqual(written);
  expect([...after].sort()).toEqual([...written].sort());
  await expect.poll(pendingOrder, { timeout: 15_000 }).toEqual(after);
  expect(await phone.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  await expect(day.locator("path.fm-line")).toHaveCount(2);
  // The map is about the day's route: the other customers are small grey dots (still clickable), hidden on demand.
  const others = day.locator(".fm-marker-small");
  expect(await others.count()).toBeGreaterThan(0);
  await expect(day.locator(".fm-marker:not(.fm-marker-small)")).toHaveCount(5);

  await page.setViewportSize({ width: 1366, height: 900 });
  await saveShot(page, "19-plans-1366.png", { fullPage: true });
  await day.getByRole("checkbox", { name: /Show all customers/ }).uncheck();
  await expect(others).toHaveCount(0);
  await saveShot(page, "19-plans-route-only-1366.png", { fullPage: true });
  await day.getByRole("checkbox", { name: /Show all customers/ }).check();
  await page.setViewportSize({ width: 360, height: 780 });
  await day.getByRole("region", { name: /route on/ }).scrollIntoViewIfNeeded();
  await saveShot(page, "19-plans-360.png", { fullPage: true });

  // The rep's Today: the route in order on the map with arrival times.
  await expect(phone.getByTestId("eta").first()).toContainText(/ETA \d\d:\d\d/);
  await phone.getByRole("button", { name: "Show map" }).click();
  await expect(phone.locator("path.fm-line")).toHaveCount(1);
  await phone.getByRole("region", { name: /route order with arrival times/ }).scrollIntoViewIfNeeded();
  await saveShot(phone, "19-rep-today-route-360.png", { fullPage: true });
  await phoneContext.close();
});

test("the rep optimises their own route on the phone with the organisation's numbers, offline, and the new order reaches the server through the queue", async ({ browser }) => {
  test.setTimeout(150_000);
  // The organisation spends 4 hours at each customer (Admin → Settings): the phone's arrival times must use it.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await blockOffsite(admin);
  await signInAs(admin, ADMIN);
  const setService = async (minutes: number) =>
    expect((await admin.request.patch("/api/v1/settings", { headers: { origin: new URL(admin.url()).origin }, data: { client_id: crypto.randomUUID(), default_service_minutes: minutes } })).status()).toBe(200);
  await setService(240);
  try {
    const context = await browser.newContext({ viewport: { width: 360, height: 780 }, isMobile: true, hasTouch: true });
    const phone = await context.newPage();
    await blockOffsite(phone);
    await openRepApp(phone, REP);
    const plan = (await (await phone.request.get("/api/v1/plans/today")).json()) as {
      personnel_id: number;
      date: string;
      routing: { default_service_minutes: number };
      stops: { status: string; location: { id: number } }[];
    };
    expect(plan.routing.default_service_minutes).toBe(240);
    const pending = plan.stops.filter((s) => s.status === "PENDING").map((s) => s.location.id);
    test.skip(pending.length < 3, "needs the day the first test wrote");
    // Scramble the order (as the rep's own reorder through the API), so the optimiser has work to do.
    const scrambled = [pending.at(-1)!, ...pending.slice(0, -1)].reverse();
    const put = await phone.request.put(`/api/v1/plans/${plan.personnel_id}/${plan.date}`, { headers: { origin: new URL(phone.url()).origin }, data: { client_id: crypto.randomUUID(), stops: scrambled.map((id) => ({ location_id: id })) } });
    expect(put.status()).toBe(200);
    const mine = async () => (await repOrder(phone)).filter((id) => pending.includes(id));
    await expect.poll(mine, { timeout: 15_000 }).toEqual(scrambled);
    // Consecutive arrival times are at least the organisation's 240 service minutes apart (the defaults' 20 would not be).
    const etas = (await phone.getByTestId("eta").allTextContents()).map((t) => /ETA (\d+):(\d\d)/.exec(t)!).map((m) => Number(m[1]) * 60 + Number(m[2]));
    expect(etas.length).toBeGreaterThanOrEqual(3);
    for (let k = 1; k < etas.length; k++) expect(etas[k]! - etas[k - 1]!).toBeGreaterThanOrEqual(240);

    await context.setOffline(true);
    await phone.getByRole("button", { name: "Optimise my route" }).click();
    await expect(phone.getByTestId("optimise-result")).toContainText(/Route optimised|already the best/);
    const local = await mine();
    expect([...local].sort()).toEqual([...scrambled].sort());
    await context.setOffline(false);
    await expect
      .poll(async () => ((await (await phone.request.get("/api/v1/plans/today")).json()) as typeof plan).stops.filter((s) => s.status === "PENDING").map((s) => s.location.id), { timeout: 30_000 })
      .toEqual(local);
    await context.close();
  } finally {
    await setService(20);
    await adminContext.close();
  }
});
