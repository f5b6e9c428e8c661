import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "fieldbeat-demo";
export const ADMIN = "admin@fieldbeat.test";
export const MANAGER1 = "manager1@fieldbeat.test";
export const REP01 = "rep01@fieldbeat.test";

/**
 * Signs in through the real form (as a person would), optionally answering the MFA step. Returns once the
 * attempt has settled: navigated away from /login, an error is shown, or the MFA step is asked for —
 * so a following page.goto() never races the session cookie.
 */
export async function signInAs(page: Page, email: string, opts: { password?: string; totp?: () => Promise<string> } = {}) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(opts.password ?? DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await settled(page);
  if (opts.totp) {
    const code = page.getByLabel("Authentication code");
    await expect(code).toBeVisible();
    await code.fill(await opts.totp());
    await page.getByRole("button", { name: "Verify and sign in" }).click();
    await expect.poll(async () => !onLogin(page) || (await formAlert(page).count()) > 0, { timeout: 15_000 }).toBe(true);
  }
}

const onLogin = (page: Page) => new URL(page.url()).pathname.startsWith("/login");

async function settled(page: Page) {
  await expect
    .poll(async () => !onLogin(page) || (await formAlert(page).count()) > 0 || (await page.getByLabel("Authentication code").count()) > 0, { timeout: 15_000 })
    .toBe(true);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** The page's own alert (Next's route announcer also has role="alert", so exclude it). */
export const formAlert = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)');
