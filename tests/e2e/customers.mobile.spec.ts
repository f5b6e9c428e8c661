/**
 * The customers pages at phone width (360 px): no sideways scrolling, touch targets of at least 44 px, the map drawn
 * with no tile server; screenshots of the list, the edit form and the import preview.
 */
import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN, signInAs } from "./helpers/auth";
import { chooseCsv, customersCsv, expectMapDrawn, expectNoHorizontalOverflow } from "./helpers/customers";
import { saveShot } from "./helpers/screens";

/** What the phone shows (the viewport, not the whole 50-row page), scrolled to `at` when given. */
async function shot(page: Page, screen: string, at?: Locator) {
  if (at) await at.evaluate((el) => el.scrollIntoView({ block: "start" }));
  await saveShot(page, `18-customers-${screen}-360.png`);
}

async function expectTouchTargets(page: Page, names: { role: "button" | "link" | "searchbox" | "combobox" | "spinbutton" | "textbox"; name: string | RegExp }[]) {
  for (const n of names) {
    const box = await page.getByRole(n.role, { name: n.name }).first().boundingBox();
    expect(box, `${n.role} ${n.name}`).not.toBeNull();
    expect(box!.height, `${n.role} ${n.name}`).toBeGreaterThanOrEqual(44);
  }
}

test("the customers list, a customer and the import preview fit a 360 px phone", async ({ page }) => {
  test.setTimeout(90_000);
  await signInAs(page, ADMIN);
  await page.goto("/manager/customers");
  await expect(page.getByRole("heading", { level: 1, name: "Customers" })).toBeVisible();
  await expectMapDrawn(page, /Map of the 50 listed customers/, 50);
  await expectNoHorizontalOverflow(page);
  await expectTouchTargets(page, [
    { role: "searchbox", name: "Search" },
    { role: "combobox", name: "Status" },
    { role: "combobox", name: "Type" },
    { role: "button", name: "Filter" },
    { role: "link", name: "New customer" },
    { role: "link", name: "Import CSV" },
    { role: "link", name: "Next page" },
  ]);
  // Every row's name is a link big enough to tap, and the paging works.
  const first = page.getByRole("rowheader").first().getByRole("link");
  expect((await first.boundingBox())!.height).toBeGreaterThanOrEqual(44);
  await shot(page, "list");
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page).toHaveURL(/cursor=/, { timeout: 20_000 });
  await expect(page.getByRole("link", { name: "First page" })).toBeVisible();
  await expectNoHorizontalOverflow(page);

  // A search narrows the list.
  await page.getByRole("searchbox", { name: "Search" }).fill("a");
  await page.getByRole("combobox", { name: "Status" }).selectOption("true");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/q=a&active=true/, { timeout: 20_000 });
  await expect(page.getByRole("link", { name: "Clear filters" })).toBeVisible();

  // A customer's page: the edit form and its map pick.
  await page.getByRole("rowheader").first().getByRole("link").click();
  await expect(page.getByRole("form", { name: "Edit customer" })).toBeVisible();
  await expect(page.getByRole("region", { name: /Map pick/ }).locator("path.fm-circle")).toHaveCount(1, { timeout: 15_000 });
  await expectNoHorizontalOverflow(page);
  await expectTouchTargets(page, [
    { role: "textbox", name: "Name" },
    { role: "spinbutton", name: "Geofence radius (m)" },
    { role: "button", name: "Save customer" },
    { role: "button", name: /Deactivate customer|Reactivate customer/ },
  ]);
  await shot(page, "edit", page.getByRole("group", { name: "Place and geofence" }));

  // The import preview with an error table.
  await page.goto("/manager/customers/import");
  await chooseCsv(page, "customers.csv", customersCsv(Math.random().toString(36).slice(2, 8), { bad: true }));
  await page.getByRole("button", { name: "Check file" }).click();
  await expect(page.getByTestId("count-invalid")).toHaveText("2");
  await expectMapDrawn(page, /Map of the 5 valid rows/, 5);
  await expectNoHorizontalOverflow(page);
  await expectTouchTargets(page, [
    { role: "button", name: "Check the file again" },
    { role: "button", name: /Download error CSV/ },
  ]);
  await shot(page, "import-preview", page.getByTestId("import-preview"));
});
