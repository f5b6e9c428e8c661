import { randomUUID } from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, MANAGER1, signInAs } from "./helpers/auth";
import { repApi } from "./helpers/field-api";
import { screens } from "./helpers/screens";

// Issue #21, the manager's side: numbers that mean what they say, alerts that follow the review, a map that tells reps apart.

const CRON_SECRET = "e2e-only-cron-secret-0123456789abcdef"; // playwright.config.ts webServer env

/** Only the app itself answers: every map tile is refused, as on a locked-down network. */
async function blockOffsite(page: Page) {
  await page.context().route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
}

type Summary = { from: string; today: string; time_zone: string; reps: { id: number; email: string; name: string; last_fix: { at: string } | null }[]; planned_places: unknown[] };
async function teamSummary(request: APIRequestContext, from?: string): Promise<Summary> {
  const res = await request.get(`/api/v1/dashboard/team-summary${from ? `?from=${from}` : ""}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as Summary;
}

/** The fixed-offset zone where the clock now reads 03:xx (Etc/GMT-k is UTC+k; offsets run from −12 to +14). */
function zoneAtThreeAm(now: Date): string {
  const h = now.getUTCHours();
  const k = h <= 15 ? 3 - h : 27 - h;
  return k === 0 ? "Etc/GMT" : k > 0 ? `Etc/GMT-${k}` : `Etc/GMT+${-k}`;
}

test("Team now at 03:00 organisation time: every stop not yet visited is upcoming, none is missed", async ({ page, browser }) => {
  test.setTimeout(120_000);
  await blockOffsite(page);
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await signInAs(admin, ADMIN);
  const settings = async (body: Record<string, unknown>) => {
    const res = await admin.request.patch("/api/v1/settings", { data: { client_id: randomUUID(), ...body }, headers: { origin: new URL(admin.url()).origin } });
    expect(res.status(), await res.text()).toBe(200);
  };
  const original = ((await (await admin.request.get("/api/v1/settings")).json()) as { time_zone: string }).time_zone;
  // No waiting for an hour's turn: if the clock passes 04:00 during the test, it is still hours before the first planned stop
  // (09:00) and the organisation's date has not changed, so every assertion below holds.
  const zone = zoneAtThreeAm(new Date());
  await settings({ time_zone: zone });
  try {
    await signInAs(page, MANAGER1);
    const summary = await teamSummary(page.request);
    expect(summary.time_zone).toBe(zone);
    // A plan for the organisation's today (it may be another date than the seed's): two stops later in the day.
    const rep = summary.reps.find((r) => r.email === "rep08@fieldbeat.test")!;
    const locations = ((await (await admin.request.get("/api/v1/locations?limit=2")).json()) as { items: { id: number }[] }).items;
    const put = await admin.request.put(`/api/v1/plans/${rep.id}/${summary.today}`, {
      data: { client_id: randomUUID(), stops: [{ location_id: locations[0]!.id, planned_time: "09:00" }, { location_id: locations[1]!.id, planned_time: "10:30" }] },
      headers: { origin: new URL(admin.url()).origin },
    });
    expect(put.status(), await put.text()).toBe(200);

    await page.goto("/manager");
    await expect(page.getByText(`today, ${summary.today} · ${zone}`)).toBeVisible();
    const [done, planned] = ((await page.locator("[data-kpi='Planned vs done']").textContent()) ?? "").split(" / ").map(Number);
    const hint = page.locator("[data-kpi='Completion'] + dd");
    const m = /^of (\d+) stops due by now; (\d+) upcoming$/.exec(((await hint.textContent()) ?? "").trim());
    expect(m, "the Completion card says what it counts").not.toBeNull();
    const [due, upcoming] = [Number(m![1]), Number(m![2])];
    // Due by now = visited (at 03:00 no planned time has passed): nothing is missed, the rest is upcoming.
    expect(due).toBe(done);
    expect(upcoming).toBe(planned! - due);
    expect(upcoming).toBeGreaterThanOrEqual(2);
    // The alert job at 03:00 raises no late check-in (today's stops, the two above included, are not due): the open
    // alerts are the ones raised before the zone changed (the demo day's stops that were late in the old zone, if the
    // test runs during its working hours), and no more.
    const lateAlerts = page.getByTestId("alerts").getByText("Late check-in");
    const before = await lateAlerts.count();
    const job = await page.request.get("/api/cron/alerts-check", { headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(job.status(), await job.text()).toBe(200);
    await page.reload();
    await expect(page.getByText(`today, ${summary.today} · ${zone}`)).toBeVisible();
    await expect(lateAlerts).toHaveCount(before);
    // The rep's own view agrees: today's two stops are upcoming.
    await page.goto(`/manager/reps/${rep.id}?from=${summary.today}&to=${summary.today}`);
    const rows = page.getByRole("table", { name: "Visit timeline" }).locator("tbody tr");
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: "upcoming" })).toHaveCount(2);
    await expect(page.getByText("missed")).toHaveCount(0);
    await screens(page, 21, "manager-rep-timeline-upcoming", { fullPage: true });
  } finally {
    await settings({ time_zone: original });
    await adminCtx.close();
  }
});

test("approving a visit resolves its review alert on the manager's open Team now page, live; the marker's tooltip follows", async ({ page, request, context }) => {
  test.setTimeout(60_000);
  await blockOffsite(page);
  await signInAs(page, MANAGER1);
  await page.goto("/manager");
  await expect(page.locator("[data-live-status='live']")).toBeVisible();
  await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

  // A check-in 2 km from the customer: INVALID, so the visit needs a review (a risky_visit alert).
  const rep = await repApi(request, "rep06@fieldbeat.test");
  const last = ((await (await request.get("/api/v1/visits?limit=1", { headers: rep.headers })).json()) as { visits: { location_id: number; check_in_lat: number; check_in_lon: number }[] }).visits[0]!;
  const res = await request.post("/api/v1/visits/check-in", {
    headers: rep.headers,
    data: { client_id: randomUUID(), location_id: last.location_id, lat: last.check_in_lat + 0.018, lon: last.check_in_lon, accuracy_m: 6, captured_at: new Date().toISOString() },
  });
  expect(res.status(), await res.text()).toBe(201);
  const visit = ((await res.json()) as { visit: { id: number; personnel_id: number; validation_status: string } }).visit;
  expect(visit.validation_status).toBe("INVALID");

  const name = (await page.locator(`tr[data-rep-id='${visit.personnel_id}']`).getByRole("link").textContent())!;
  // The marker's tooltip (hover, or a tap on a phone) names the rep and follows the live state.
  const marker = page.locator(`[data-marker-id='rep-${visit.personnel_id}']`);
  await expect(marker).toHaveAttribute("aria-label", new RegExp(`^${name}: In a visit`));
  await marker.hover();
  await expect(page.locator(".leaflet-tooltip", { hasText: `${name}: In a visit` })).toBeVisible();

  const alert = page.getByTestId("alerts").locator("li").filter({ has: page.locator(`a[href='/manager/visits/${visit.id}']`) });
  await expect(alert).toContainText("Needs review", { timeout: 20_000 });
  await screens(page, 21, "manager-team-now-legend", { fullPage: true });

  // Another tab: the visit's evidence page, approved there.
  const review = await context.newPage();
  await review.goto(`/manager/visits/${visit.id}`);
  await review.getByRole("button", { name: "Approve" }).click();
  await expect(review.getByText("Saved: visit approved.")).toBeVisible();
  await review.close();

  await expect(alert).toHaveCount(0, { timeout: 15_000 });
  expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
});

test("reps are told apart on the map: each marker has the rep's initials and colour, and a legend names them", async ({ page }) => {
  test.setTimeout(60_000);
  await blockOffsite(page);
  await signInAs(page, MANAGER1);
  await page.goto("/manager");
  const legend = page.getByRole("region", { name: "Map legend" });
  const reps = (await teamSummary(page.request)).reps;
  await expect(legend.getByRole("list", { name: "Reps on the map" }).getByRole("listitem")).toHaveCount(reps.length);
  const map = page.getByRole("region", { name: /Map of the team/ });
  const markers = map.locator("[data-marker-id^='rep-']");
  await expect(markers.first()).toBeVisible();
  const drawn = await markers.evaluateAll((els) => els.map((e) => ({ text: e.textContent, bg: (e as HTMLElement).style.background })));
  expect(drawn.length).toBe(reps.filter((r) => r.last_fix).length);
  for (const d of drawn) expect(d.text).toMatch(/^[A-Z'’]{2}$/);
  // Colours repeat only after ten reps: a team of eight has eight.
  expect(new Set(drawn.map((d) => d.bg)).size).toBe(Math.min(10, drawn.length));
  for (const r of reps) await expect(legend.getByText(r.name, { exact: false })).toBeVisible();
});

test("a past day's Team now is not live and shows that day's positions", async ({ page }) => {
  test.setTimeout(60_000);
  await blockOffsite(page);
  await signInAs(page, MANAGER1);
  const today = (await teamSummary(page.request)).today;
  let day = "";
  for (let back = 1; back < 8 && !day; back++) {
    const d = new Date(Date.parse(`${today}T12:00:00Z`) - back * 86_400_000).toISOString().slice(0, 10);
    if ((await teamSummary(page.request, d)).planned_places.length > 0) day = d;
  }
  expect(day).not.toBe("");
  const past = await teamSummary(page.request, day);
  const end = Date.parse(`${day}T00:00:00Z`) + 2 * 86_400_000; // after the day's end in any zone
  // The positions as that day left them: no fix from a later day.
  for (const r of past.reps) if (r.last_fix) expect(Date.parse(r.last_fix.at)).toBeLessThan(end);
  await page.goto(`/manager?date=${day}`);
  await expect(page.locator("[data-live-status='off']")).toHaveText(`Not live: the day as it ended (positions and activity of ${day})`);
  await expect(page.getByText("● Live")).toHaveCount(0);
  await expect(page.getByText(`${day} (past day)`)).toBeVisible();
  const map = page.getByRole("region", { name: /Map of the team/ });
  await expect(map.locator("[data-marker-id^='rep-']")).toHaveCount(past.reps.filter((r) => r.last_fix).length);
  // The alerts panel is that day's: the alerts raised on it, each with its status (not the ones open now).
  const alerts = page.locator(`[data-alerts-day='${day}']`);
  await expect(alerts.getByRole("heading", { name: new RegExp(`^Alerts raised on ${day} \\(\\d+ raised, \\d+ still open\\)$`) })).toBeVisible();
  for (const row of await alerts.locator("[data-alert-id]").all()) {
    const status = await row.getAttribute("data-alert-status");
    await expect(row.getByText(status === "open" ? "Still open" : /^(Acknowledged \d{2}:\d{2}|Open at the day's end; acknowledged )/)).toBeVisible();
  }
  await screens(page, 21, "manager-past-day", { fullPage: true });
});
