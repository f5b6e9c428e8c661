import { expect, type Page } from "@playwright/test";

export const DEMO_PASSWORD = process.env.DEMO_PASSWORD ?? "fieldbeat-demo";
export const ADMIN = "admin@fieldbeat.test";
export const MANAGER1 = "manager1@fieldbeat.test";
export const REP01 = "rep01@fieldbeat.test";

/** Signs in through the real form (as a person would), optionally answering the MFA step. */
export async function signInAs(page: Page, email: string, opts: { password?: string; totp?: () => Promise<string> } = {}) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(opts.password ?? DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  if (opts.totp) {
    const code = page.getByLabel("Authentication code");
    await expect(code).toBeVisible();
    await code.fill(await opts.totp());
    await page.getByRole("button", { name: "Verify and sign in" }).click();
  }
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
}

/** The page's own alert (Next's route announcer also has role="alert", so exclude it). */
export const formAlert = (page: Page) => page.locator('[role="alert"]:not(#__next-route-announcer__)');
