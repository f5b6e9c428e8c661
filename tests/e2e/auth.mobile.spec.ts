import { expect, test } from "@playwright/test";
import { REP01, signInAs } from "./helpers/auth";

test("a rep's pages fit a 360 px phone with touch targets of at least 44 px", async ({ page }) => {
  await signInAs(page, REP01);
  await expect(page).toHaveURL(/\/rep$/);
  await expect(page.getByRole("heading", { level: 1, name: "Today" })).toBeVisible();
  for (const path of ["/rep", "/account/security"]) {
    await page.goto(path);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth, path).toBeLessThanOrEqual(360);
    const targets = page.locator("main a, main button, main input, header a, header button");
    const n = await targets.count();
    expect(n).toBeGreaterThan(0);
    for (let i = 0; i < n; i++) {
      const box = await targets.nth(i).boundingBox();
      if (!box) continue; // hidden (e.g. the skip link)
      expect(box.height, `${path}: ${await targets.nth(i).evaluate((el) => el.outerHTML.slice(0, 80))}`).toBeGreaterThanOrEqual(44);
    }
  }
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
});
