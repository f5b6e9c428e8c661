import { expect, test } from "@playwright/test";
import { goOffline, openRepApp, todayPlan } from "./helpers/pwa";

const pngSize = (b: Buffer) => ({ w: b.readUInt32BE(16), h: b.readUInt32BE(20) });

test("the manifest is valid for installation: name, start_url, standalone, theme, 192/512 and maskable PNG icons", async ({ request }) => {
  const res = await request.get("/manifest.webmanifest");
  expect(res.status()).toBe(200);
  const m = await res.json();
  expect(m).toMatchObject({ name: expect.any(String), short_name: "Fieldbeat", start_url: "/rep", display: "standalone", theme_color: expect.stringMatching(/^#/), background_color: expect.stringMatching(/^#/) });
  for (const [size, purpose] of [[192, "any"], [512, "any"], [192, "maskable"], [512, "maskable"]] as const) {
    const icon = m.icons.find((i: { sizes: string; purpose: string }) => i.sizes === `${size}x${size}` && i.purpose === purpose);
    expect(icon, `${size} ${purpose}`).toBeTruthy();
    const img = await request.get(icon.src);
    expect(img.headers()["content-type"]).toBe("image/png");
    expect(pngSize(await img.body())).toEqual({ w: size, h: size });
  }
  const sw = await request.get("/sw.js");
  expect(sw.status()).toBe(200);
  expect(await sw.text()).toContain("/offline.html");
});

test("the service worker controls /rep; with the network off the app shell and Today open, other pages show the offline page", async ({ page, context }) => {
  await openRepApp(page, "rep21@fieldbeat.test");
  const stops = await todayPlan(page);
  expect(stops.length).toBeGreaterThan(0);
  const manifestLink = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(manifestLink).toContain("manifest");

  await goOffline(context, true);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Offline" }).first()).toBeVisible();
  const list = page.getByRole("list", { name: "Planned visits" });
  for (const s of stops) await expect(list.getByRole("button", { name: `${s.sequence}. ${s.location.name}` })).toBeVisible();

  await page.goto("/account/security");
  await expect(page.getByRole("heading", { name: "You are offline" })).toBeVisible();
  await goOffline(context, false);
});
