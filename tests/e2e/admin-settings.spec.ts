/**
 * Organisation settings, one place (issue #18.4): an admin changes a setting, sees the server's validation message
 * on the field itself, corrects it and saves; screenshots of /admin/settings at laptop and phone width.
 */
import { expect, test } from "@playwright/test";
import { ADMIN, signInAs } from "./helpers/auth";
import { saveShot } from "./helpers/screens";

test("an admin changes a setting: a bad value is named on its field, the corrected one is saved", async ({ page }) => {
  test.setTimeout(120_000); // a cold production server renders the long form slowly on a busy machine
  await signInAs(page, ADMIN);
  await page.goto("/admin/settings");
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  for (const section of ["Organisation", "Working week", "Customers and visits", "Route planning", "Location tracking", "Dashboard alerts", "Data retention", "Sign-in security"]) {
    await expect(page.getByRole("heading", { level: 2, name: section })).toBeVisible();
  }
  const radius = page.getByLabel("Default geofence radius (metres)");
  const before = await radius.inputValue();

  await page.setViewportSize({ width: 1366, height: 900 });
  await saveShot(page, "18-admin-settings-1366.png");

  await radius.fill("2");
  await page.getByRole("button", { name: "Save" }).click();
  // The server's message, on the field (described-by) and announced in the status region; nothing saved.
  const radiusAfter = page.getByLabel("Default geofence radius (metres)");
  await expect(radiusAfter).toHaveAttribute("aria-invalid", "true");
  await expect(radiusAfter).toHaveAccessibleDescription(/at least 5 metres/);
  await expect(page.getByRole("status")).toContainText(/Not saved: .*at least 5 metres/);
  await page.setViewportSize({ width: 360, height: 780 });
  await radiusAfter.scrollIntoViewIfNeeded();
  await saveShot(page, "18-admin-settings-error-360.png");

  await radiusAfter.fill("65");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");
  await page.reload();
  await expect(page.getByLabel("Default geofence radius (metres)")).toHaveValue("65");
  await expect(page.getByLabel("Default geofence radius (metres)")).toHaveAttribute("aria-invalid", "false");
  await saveShot(page, "18-admin-settings-360.png");

  // Put it back for the specs after this one.
  await page.getByLabel("Default geofence radius (metres)").fill(before);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("Saved");
});
