/**
 * Customers and their import (issue #18) through the UI, as an admin: a file with two bad rows is checked and its
 * errors named by row and column, the fixed file is imported, a customer is found on the map and its radius edited.
 */
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, MANAGER1, signInAs } from "./helpers/auth";
import { chooseCsv, customersCsv, expectMapDrawn } from "./helpers/customers";
import { saveShot } from "./helpers/screens";

test.use({ viewport: { width: 1366, height: 900 } });

const shot = (page: Page, screen: string) => saveShot(page, `18-customers-${screen}-1366.png`, { fullPage: true });

test("an admin imports a CSV with two bad rows, sees them named, fixes the file, imports, finds a customer on the map and edits its radius", async ({ page }) => {
  test.setTimeout(120_000);
  const tag = Math.random().toString(36).slice(2, 8);
  await signInAs(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Customers" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await page.getByRole("link", { name: "Import CSV" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Import customers" })).toBeVisible();

  // The template names the columns the importer reads.
  const [template] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download template CSV" }).click()]);
  expect((await readFile(await template.path())).toString("utf8").split("\r\n")[0]).toBe("external_ref,name,address,lat,lon,geofence_radius,location_type");

  // 1. The file with two bad rows: checked, nothing written, both named by line and by the file's own column name.
  await chooseCsv(page, "customers.csv", customersCsv(tag, { bad: true }));
  await page.getByRole("button", { name: "Check file" }).click();
  const preview = page.getByTestId("import-preview");
  await expect(preview.getByTestId("count-invalid")).toHaveText("2");
  await expect(preview.getByTestId("count-rows")).toHaveText("7");
  await expect(preview.getByTestId("count-new")).toHaveText("5");
  await expect(preview).toContainText("Ignored columns (not ours): Owner");
  const errors = page.getByRole("table", { name: /Row errors/ });
  await expect(errors.getByRole("row")).toHaveCount(3);
  await expect(errors.getByRole("row").nth(1)).toContainText(/^4\s*Latitude\s*"abc" is not a number/);
  await expect(errors.getByRole("row").nth(2)).toContainText(/^7\s*Radius\s*the geofence radius \(metres\) must be between 5 and 5000/);
  await expect(page.getByRole("button", { name: /^Import \d+ rows$/ })).toBeDisabled();
  await expectMapDrawn(page, /Map of the 5 valid rows/, 5);
  const [errorCsv] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: /Download error CSV/ }).click()]);
  const errorLines = (await readFile(await errorCsv.path())).toString("utf8").trim().split("\r\n");
  expect(errorLines[0]).toBe("row,column,code,message");
  expect(errorLines.slice(1).map((l) => l.split(",").slice(0, 3).join(","))).toEqual(["4,Latitude,NOT_A_NUMBER", "7,Radius,OUT_OF_RANGE"]);
  await shot(page, "import-preview");
  // Nothing was written by the check.
  const none = await page.request.get(`/api/v1/locations?q=${encodeURIComponent(`E2E-${tag}`)}`);
  expect((await none.json()).items).toEqual([]);

  // 2. The fixed file: no errors, imported in one go, with a visible progress state and a summary.
  await chooseCsv(page, "customers-fixed.csv", customersCsv(tag, { bad: false }));
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(preview.getByTestId("count-invalid")).toHaveText("0");
  await expect(preview.getByTestId("count-new")).toHaveText("7");
  await expect(preview).toContainText("No row errors.");
  await page.getByRole("button", { name: "Import 7 rows" }).click();
  const summary = page.getByTestId("import-summary");
  await expect(summary).toContainText(/Created\s*7/);
  await expect(summary.getByRole("heading", { name: "Imported" })).toBeFocused();
  await expect(page.getByTestId("import-status")).toHaveText("Import finished.");

  // 3. Found in the list and on the map: every listed customer has its pin and its geofence circle drawn.
  await summary.getByRole("link", { name: "See the customers" }).click();
  await page.getByRole("searchbox", { name: "Search" }).fill(`E2E Customer ${tag}`);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(new RegExp(`q=E2E\\+Customer\\+${tag}`));
  await expect(page.getByRole("rowheader")).toHaveCount(7);
  const map = await expectMapDrawn(page, /Map of the 7 listed customers/, 7);
  await expect(map.locator("path.fm-circle")).toHaveCount(7);
  await shot(page, "list");
  // A click on the third customer's pin opens it.
  await map.getByRole("img", { name: new RegExp(`^E2E Customer ${tag} 3,`) }).click();
  await expect(page.getByRole("heading", { level: 1, name: `E2E Customer ${tag} 3` })).toBeVisible();
  const id = Number(new URL(page.url()).pathname.split("/").pop());
  expect(id).toBeGreaterThan(0);

  // 4. Edit its radius: the circle is redrawn as the number changes; the note on past verdicts is there.
  await expect(page.getByTestId("verdict-note")).toContainText("does not rewrite past verdicts");
  const pick = page.getByRole("region", { name: /Map pick/ });
  const circle = pick.locator("path.fm-circle");
  await expect(circle).toHaveCount(1, { timeout: 15_000 });
  const before = await circle.getAttribute("d");
  const radius = page.getByRole("spinbutton", { name: "Geofence radius (m)" });
  await expect(radius).toHaveValue("60");
  await radius.fill("250");
  await expect.poll(() => circle.getAttribute("d")).not.toBe(before);
  await shot(page, "edit");
  await page.getByRole("button", { name: "Save customer" }).click();
  await expect(page.getByRole("form", { name: "Edit customer" }).getByRole("status")).toHaveText(`Saved: E2E Customer ${tag} 3, geofence 250 m.`);
  await expect(page.getByTestId("customer-radius")).toHaveText("250 m");
  const res = await page.request.get(`/api/v1/locations/${id}`);
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ id, geofence_radius: 250, external_ref: `E2E-${tag}-3`, active: true });

  // 5. The same file again changes nothing.
  await page.goto("/manager/customers/import");
  await chooseCsv(page, "customers-fixed.csv", customersCsv(tag, { bad: false }));
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(preview.getByTestId("count-new")).toHaveText("0");
  // Row 4 (customer 3) had radius 60 in the file, now 250: the file would set it back, so it counts as an update.
  await expect(preview.getByTestId("count-updated")).toHaveText("1");
  await expect(preview.getByTestId("count-unchanged")).toHaveText("6");
});

test("a manager creates a customer by clicking the map and dragging the pin, then deactivates and reactivates it", async ({ page }) => {
  test.setTimeout(90_000);
  const tag = Math.random().toString(36).slice(2, 8);
  await signInAs(page, MANAGER1);
  await page.goto("/manager/customers/new");
  const form = page.getByRole("form", { name: "New customer" });
  await form.getByLabel("Name").fill(`Picked ${tag}`);
  const pick = page.getByRole("region", { name: /Map pick/ });
  const surface = pick.locator(".leaflet-container");
  await expect(surface).toBeVisible({ timeout: 15_000 });
  await expect(form.getByLabel("Latitude")).toHaveValue("");
  // Click to place: the pin, the default-radius circle and the coordinates appear.
  const box = (await surface.boundingBox())!;
  await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  await expect(form.getByLabel("Latitude")).not.toHaveValue("");
  const pin = pick.getByRole("img", { name: /drag to move/ });
  await expect(pin).toBeVisible();
  await expect(pick.locator("path.fm-circle")).toHaveCount(1);
  const lat1 = Number(await form.getByLabel("Latitude").inputValue());
  // Drag the pin 60 px up: it moves north.
  const p = (await pin.boundingBox())!;
  await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2);
  await page.mouse.down();
  await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2 - 30, { steps: 5 });
  await page.mouse.move(p.x + p.width / 2, p.y + p.height / 2 - 60, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => Number(await form.getByLabel("Latitude").inputValue())).toBeGreaterThan(lat1);
  // A radius out of range is named on its field; nothing is created.
  await form.getByLabel("Geofence radius (m)").fill("2");
  await form.getByRole("button", { name: "Create customer" }).click();
  // The browser's own range check stops the submit first; the server's message is the fallback for scripts.
  expect(await form.getByLabel("Geofence radius (m)").evaluate((el) => (el as HTMLInputElement).validity.rangeUnderflow)).toBe(true);
  await expect(page).toHaveURL(/\/manager\/customers\/new$/);
  await form.getByLabel("Geofence radius (m)").fill("75");
  await form.getByRole("button", { name: "Create customer" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `Picked ${tag}` })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByTestId("customer-radius")).toHaveText("75 m");

  page.on("dialog", (d) => void d.accept());
  await page.getByRole("button", { name: "Deactivate customer" }).click();
  await expect(page.getByRole("heading", { name: "Status: deactivated" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Picked ${tag} (deactivated)`);
  await page.getByRole("button", { name: "Reactivate customer" }).click();
  await expect(page.getByRole("heading", { name: "Status: active" })).toBeVisible();
});

test("a rep cannot open the customers pages", async ({ page }) => {
  await signInAs(page, "rep01@fieldbeat.test");
  const res = await page.goto("/manager/customers");
  expect(res?.status()).toBe(403);
});
