/**
 * Admin user management, audit log and security settings through the UI.
 * Written by the ADMIN helper and NOT yet run (Playwright runs belong to the sign-in helper / lead).
 */
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, signInAs } from "./helpers/auth";

const tag = () => Math.random().toString(36).slice(2, 8);

/** A person's row, found by its row header (the name), not by the Manager column that may also name them. */
const rowOf = (page: Page, name: string) => page.getByRole("row").filter({ has: page.getByRole("rowheader", { name }) });

async function createPerson(page: Page, p: { name: string; email: string; role?: string; manager?: string; password?: string }) {
  await page.goto("/admin/people");
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").fill(p.name);
  await form.getByLabel("Email").fill(p.email);
  await form.getByLabel("Role").selectOption(p.role ?? "rep");
  if (p.manager) await form.getByRole("combobox", { name: "Manager", exact: true }).selectOption({ label: p.manager });
  if (p.password) await form.getByLabel(/^Password/).fill(p.password);
  await form.getByRole("button", { name: "Create person" }).click();
  return form;
}

/** The first manager in the create form's list (a demo manager), by its option label. */
async function firstManagerLabel(page: Page): Promise<string> {
  await page.goto("/admin/people");
  const options = page.getByRole("form", { name: "New person" }).getByRole("combobox", { name: "Manager", exact: true }).locator("option");
  const labels = await options.allTextContents();
  const label = labels.find((l) => l.includes("(manager)"));
  if (!label) throw new Error("no manager to choose");
  return label.trim();
}

test("an admin creates a rep with a generated password, shown once, and the rep can sign in with it", async ({ page, browser }) => {
  await signInAs(page, ADMIN);
  const manager = await firstManagerLabel(page);
  const t = tag();
  const form = await createPerson(page, { name: `E2E Rep ${t}`, email: `e2e-${t}@example.test`, manager });
  await expect(form.getByRole("status").first()).toContainText(`Created E2E Rep ${t}`);
  const password = (await page.getByTestId("temporary-password").textContent())?.trim() ?? "";
  expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
  await expect(rowOf(page, `E2E Rep ${t}`)).toBeVisible();

  const other = await browser.newContext();
  const repPage = await other.newPage();
  await signInAs(repPage, `e2e-${t}@example.test`, { password });
  await expect(repPage).toHaveURL(/\/rep/);
  await other.close();

  // A reload does not show the password again.
  await page.reload();
  await expect(page.getByTestId("temporary-password")).toHaveCount(0);
});

test("a taken email is reported on the Email field and the typed values stay", async ({ page }) => {
  await signInAs(page, ADMIN);
  const manager = await firstManagerLabel(page);
  const form = await createPerson(page, { name: "Duplicate Person", email: "REP01@fieldbeat.test", manager });
  const email = form.getByLabel("Email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText("Someone already has this email address.").first()).toBeVisible();
  await expect(form.getByLabel("Name")).toHaveValue("Duplicate Person");
});

test("deactivating a person signs them out at their next request; reactivating works", async ({ page, browser }) => {
  await signInAs(page, ADMIN);
  const manager = await firstManagerLabel(page);
  const t = tag();
  const password = `e2e-password-${t}`;
  await createPerson(page, { name: `E2E Leaver ${t}`, email: `leaver-${t}@example.test`, manager, password });
  await expect(rowOf(page, `E2E Leaver ${t}`)).toBeVisible();

  const other = await browser.newContext();
  const repPage = await other.newPage();
  await signInAs(repPage, `leaver-${t}@example.test`, { password });
  await expect(repPage).toHaveURL(/\/rep/);

  const row = rowOf(page, `E2E Leaver ${t}`);
  await row.getByText("Change").click();
  page.once("dialog", (d) => d.accept());
  await row.getByRole("button", { name: "Deactivate" }).click();
  await expect(row.getByRole("status").filter({ hasText: "deactivated" })).toBeVisible();
  await expect(rowOf(page, `E2E Leaver ${t}`).getByRole("cell", { name: "Deactivated" })).toBeVisible();

  await repPage.reload();
  await expect(repPage).toHaveURL(/\/login/);
  await other.close();

  // The row's "Change" panel stays open across the refresh that follows the deactivation.
  const again = rowOf(page, `E2E Leaver ${t}`);
  await again.getByRole("button", { name: "Reactivate" }).click();
  await expect(rowOf(page, `E2E Leaver ${t}`).getByRole("cell", { name: "Active", exact: true })).toBeVisible();
});

test("setting a manager that reports to the person is refused with a message on the Manager field", async ({ page }) => {
  await signInAs(page, ADMIN);
  // manager1 under one of manager1's own reps is impossible (a rep cannot manage); use two new managers A → B.
  const t = tag();
  const a = `E2E Boss ${t}`;
  const b = `E2E Middle ${t}`;
  // Each creation is confirmed before the next page load: a navigation while the first submit is in flight cancels it.
  const first = await createPerson(page, { name: a, email: `boss-${t}@example.test`, role: "manager", password: `pw-${t}-long-enough` });
  await expect(first.getByRole("status").first()).toContainText(`Created ${a}`);
  const second = await createPerson(page, { name: b, email: `middle-${t}@example.test`, role: "manager", manager: `${a} (manager)`, password: `pw-${t}-long-enough` });
  await expect(second.getByRole("status").first()).toContainText(`Created ${b}`);
  const row = rowOf(page, a);
  await row.getByText("Change").click();
  await row.getByRole("combobox", { name: "Manager", exact: true }).selectOption({ label: `${b} (manager)` });
  await row.getByRole("button", { name: "Set manager" }).click();
  await expect(row.getByRole("combobox", { name: "Manager", exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(row.getByText(/hierarchy would loop/).first()).toBeVisible();
});

test("the audit log shows people changes newest first and filters by action", async ({ page }) => {
  await signInAs(page, ADMIN);
  const manager = await firstManagerLabel(page);
  const t = tag();
  await createPerson(page, { name: `E2E Audited ${t}`, email: `audited-${t}@example.test`, manager, password: `pw-${t}-long-enough` });
  await page.goto("/admin/audit");
  await page.getByLabel("What").selectOption("personnel.*");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/action=personnel\.\*/);
  const first = page.locator("tbody tr").first();
  await expect(first).toHaveAttribute("data-action", "personnel.created");
  await expect(first).toContainText(`E2E Audited ${t}`);
  // Every row matches the filter.
  for (const action of await page.locator("tbody tr").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-action")))) expect(action).toMatch(/^personnel\./);
});

test("security settings: requiring manager MFA is refused until the admin has MFA, with the reason announced", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/admin/settings");
  const box = page.getByLabel(/Require two-factor authentication/);
  await expect(box).not.toBeChecked();
  await box.check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("status")).toContainText("Set up MFA for your own account first");
});

test("admin pages work with the keyboard: the create form is reachable and submits with Enter", async ({ page }) => {
  await signInAs(page, ADMIN);
  await page.goto("/admin/people");
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").focus();
  await page.keyboard.type("Keyboard Only");
  await page.keyboard.press("Tab");
  await page.keyboard.type("not-an-email");
  await page.keyboard.press("Enter");
  // The browser's own email check stops the submit; the field is focused for correction.
  await expect(form.getByLabel("Email")).toBeFocused();
});
