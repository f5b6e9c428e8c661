/** Two-step verification through the account page, as a person does it (the MFA specs share these). */
import { expect, type Page } from "@playwright/test";
import { generate } from "otplib";

/**
 * A TOTP code the server has not seen yet: each time step is accepted once (replay protection, ±1 step of
 * drift), so successive codes for one secret use successive steps, waiting for the clock when needed.
 */
const lastStepBySecret = new Map<string, number>();
export async function freshCode(secret: string): Promise<string> {
  for (;;) {
    const now = Math.floor(Date.now() / 30_000);
    const step = Math.max(now - 1, (lastStepBySecret.get(secret) ?? 0) + 1);
    if (step <= now + 1) {
      lastStepBySecret.set(secret, step);
      return generate({ secret, epoch: step * 30 });
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function enrolOwnMfa(page: Page): Promise<string> {
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up two-step verification" }).click();
  const secret = (await page.getByTestId("totp-secret").textContent())?.trim() ?? "";
  await page.getByLabel("6-digit code").fill(await freshCode(secret));
  await page.getByRole("button", { name: "Confirm and turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await page.getByRole("button", { name: "I have saved my codes" }).click();
  await expect(page.getByRole("heading", { name: "Two-step verification: on" })).toBeVisible();
  return secret;
}

export async function disableOwnMfa(page: Page, secret: string) {
  await page.goto("/account/security");
  await page.getByLabel(/Code to turn it off/).fill(await freshCode(secret));
  await page.getByRole("button", { name: "Turn off two-step verification" }).click();
  await expect(page.getByRole("heading", { name: "Two-step verification: off" })).toBeVisible();
}

/** Puts the organisation back to optional MFA and turns both people's MFA off; each step looks before it acts. */
export async function restoreOptionalMfa(admin: Page, adminSecret: string, manager: Page, managerSecret: string | undefined) {
  await admin.goto("/admin/settings");
  const required = admin.getByLabel(/Require two-factor authentication/);
  if (await required.isChecked()) {
    await required.uncheck();
    await admin.getByRole("button", { name: "Save" }).click();
    await expect(admin.getByText("Saved: MFA is optional for managers and admins.")).toBeVisible();
  }
  for (const [p, secret] of [[admin, adminSecret], [manager, managerSecret]] as const) {
    if (!secret) continue;
    await p.goto("/account/security");
    if ((await p.getByRole("heading", { name: "Two-step verification: on" }).count()) > 0) await disableOwnMfa(p, secret);
  }
}
