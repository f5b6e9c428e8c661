import { expect, test, type Page } from "@playwright/test";
import { MANAGER1, signInAs } from "./helpers/auth";
import { repApi } from "./helpers/field-api";

/** Only the app itself answers: every map tile (and anything else off-site) is refused, as on a locked-down network. */
async function blockOffsite(page: Page) {
  await page.context().route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
}

/** A recent day with planned stops for manager1's team (the seed plans Monday–Saturday; today may be a Sunday). */
async function dayWithPlans(page: Page): Promise<string> {
  for (let back = 0; back < 8; back++) {
    const d = new Date(Date.now() - back * 86_400_000 + 5.5 * 3_600_000).toISOString().slice(0, 10);
    const res = await page.request.get(`/api/v1/dashboard/team-summary?from=${d}`);
    expect(res.status()).toBe(200);
    if (((await res.json()) as { planned_places: unknown[] }).planned_places.length > 0) return d;
  }
  throw new Error("no day with planned stops in the last week");
}

test.describe("Team now", () => {
  test.beforeEach(async ({ page }) => {
    await blockOffsite(page);
    await signInAs(page, MANAGER1);
  });

  test("the map draws rep markers and geofence circles with every tile request blocked", async ({ page }) => {
    const day = await dayWithPlans(page);
    await page.goto(`/manager?date=${day}`);
    const map = page.getByRole("region", { name: /Map of the team/ });
    await expect(map).toBeVisible();
    await expect(map.locator("[data-marker-id^='rep-']").first()).toBeVisible();
    expect(await map.locator("[data-marker-id^='rep-']").count()).toBe(8);
    await expect(map.locator("path.fm-circle").first()).toBeAttached();
    expect(await map.locator("path.fm-circle").count()).toBeGreaterThan(3);
    await expect(map.getByRole("img", { name: /: (Day ended|Day not started|Idle|Not tracked|In a visit|Travelling), last fix/ }).first()).toBeAttached();
    await expect(map.getByText("OpenStreetMap")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Team now" })).toBeVisible();
  });

  test("a rep's check-in through the API updates the feed, the KPIs and the map marker without a reload", async ({ page, request }) => {
    await page.goto("/manager");
    await expect(page.locator("[data-live-status='live']")).toBeVisible();
    const kpi = page.locator("[data-kpi='Planned vs done'] + dd");
    const before = await kpi.textContent();
    const rep = await repApi(request, "rep07@fieldbeat.test");
    const marker = () => page.locator(`[data-marker-id='rep-${visit.personnelId}']`);
    const visit = await rep.checkInAtLastPlace();
    const row = page.locator(`tr[data-rep-id='${visit.personnelId}']`);
    const name = (await row.getByRole("link").textContent())!;
    // Live: the page is never reloaded; each part catches up through the SSE stream.
    // Not necessarily the first line: an alert about this very check-in (e.g. REPEATED_COORDS) may follow it at once.
    await expect(page.getByTestId("activity-feed").locator("li", { hasText: `${name} checked in` })).toHaveCount(1);
    await expect(kpi).not.toHaveText(before!);
    await expect(marker()).toHaveAttribute("aria-label", new RegExp(`^${name}: In a visit`));
    await expect(row.locator("[data-rep-state]")).toHaveText("In a visit");
  });
});
