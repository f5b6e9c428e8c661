import { test, type Page } from "@playwright/test";

export const PHONE = { width: 360, height: 780 };
export const LAPTOP = { width: 1366, height: 900 };

/**
 * With SCREENSHOTS=1, saves what the page shows as docs/screenshots/<file>; without it, does nothing (an ordinary
 * test run rewrites no file in the checkout). The test's own steps around it (viewport changes, scrolling) still run.
 */
export async function saveShot(page: Page, file: string, opts: { fullPage?: boolean } = {}) {
  if (process.env.SCREENSHOTS !== "1") return;
  await page.screenshot({ path: `docs/screenshots/${file}`, fullPage: opts.fullPage ?? false });
}

/**
 * With SCREENSHOTS=1, saves the screen at a phone's and a laptop's width as docs/screenshots/<issue>-<screen>-<width>.png
 * (the page is put back to the width it had). Without it, does nothing: an ordinary test run writes no files.
 */
export async function screens(page: Page, issue: number, screen: string, opts: { fullPage?: boolean } = {}) {
  if (process.env.SCREENSHOTS !== "1") return;
  // Two full-page captures can take long on a busy machine: they do not eat the test's own time.
  test.info().setTimeout(test.info().timeout + 60_000);
  const before = page.viewportSize();
  for (const size of [PHONE, LAPTOP]) {
    await page.setViewportSize(size);
    await page.waitForTimeout(300); // the map re-fits and the layout settles at the new width
    await saveShot(page, `${issue}-${screen}-${size.width}.png`, opts);
  }
  if (before) await page.setViewportSize(before);
}
