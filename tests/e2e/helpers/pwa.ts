import { expect, type BrowserContext, type Page } from "@playwright/test";
import { signInAs } from "./auth";

export type Stop = { planned_visit_id: number; sequence: number; status: string; location: { id: number; name: string; lat: number; lon: number; geofence_radius: number } };

/** Signs in as a rep, opens /rep, waits until the service worker controls the page and the rep has accepted the notice. */
export async function openRepApp(page: Page, email: string, opts: { consent?: boolean } = {}) {
  await signInAs(page, email);
  await page.goto("/rep");
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect.poll(() => page.evaluate(() => !!navigator.serviceWorker.controller), { timeout: 15_000 }).toBe(true);
  if (opts.consent !== false) await page.getByRole("button", { name: "I understand, continue" }).click();
  await expect(page.getByRole("list", { name: "Planned visits" })).toBeVisible();
}

export async function todayPlan(page: Page): Promise<Stop[]> {
  const res = await page.request.get("/api/v1/plans/today");
  expect(res.status()).toBe(200);
  return (await res.json()).stops as Stop[];
}

/** A point `m` metres north of a stop (1° latitude ≈ 111,320 m). */
export const north = (s: Stop, m: number) => ({ latitude: s.location.lat + m / 111_320, longitude: s.location.lon, accuracy: 8 });

export async function goOffline(context: BrowserContext, offline: boolean) {
  await context.setOffline(offline);
}

export const tab = (page: Page, name: "Today" | "Nearby" | "Sync" | "Summary") => page.getByRole("navigation", { name: "Rep app" }).getByRole("button", { name: new RegExp(`^${name}`) });
