import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { expect, test, type Page } from "@playwright/test";
import type { VisitReportRow } from "../../src/contracts/reports";
import { MANAGER1, signInAs } from "./helpers/auth";
import { LAPTOP, screens } from "./helpers/screens";

/**
 * Issue #20 as a manager meets it on the production build: last week's report (whatever day the demo was started),
 * its XLSX opened with exceljs and checked against the JSON API, a scheduled e-mail created and deleted (SMTP is not
 * configured here, and the page says so), the analytics page with its charts and their tables; screenshots of both
 * pages on a laptop and a phone.
 */
async function blockOffsite(page: Page) {
  await page.context().route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
}

/** An XLSX cell as the JSON API writes it: dates and date-times (wall clock in the org's zone) as ISO text. */
function cellText(v: ExcelJS.CellValue): string | number | boolean | null {
  if (v instanceof Date) return v.toISOString().slice(0, 19).replace(/T00:00:00$/, "");
  return v as string | number | boolean | null;
}

test.describe("Reports and analytics", () => {
  test.beforeEach(async ({ page }) => {
    test.setTimeout(120_000);
    await blockOffsite(page);
    await page.setViewportSize(LAPTOP);
    await signInAs(page, MANAGER1);
  });

  test("last week's XLSX matches the JSON report, with progress shown while it downloads", async ({ page }) => {
    await page.goto("/manager/reports");
    await page.getByLabel("Period").selectOption("last_week");
    await page.getByRole("button", { name: "Show" }).click();
    await expect(page).toHaveURL(/preset=last_week/);
    const from = await page.getByLabel("From", { exact: true }).inputValue();
    const to = await page.getByLabel("To", { exact: true }).inputValue();
    expect(Date.parse(to) - Date.parse(from)).toBe(6 * 86_400_000);
    expect(new Date(`${from}T00:00:00Z`).getUTCDay()).toBe(1); // a Monday

    // The preview and the summary show the seeded week (the demo seeds its history relative to its first start).
    const preview = page.getByRole("table", { name: "Visits in the period" });
    await expect(preview.locator("tbody tr").first()).toBeVisible();
    const summary = page.getByRole("table", { name: "Summary per rep" });
    await expect(summary.getByRole("rowheader", { name: "Total" })).toBeVisible();

    const api = await page.request.get(`/api/v1/reports/visits?from=${from}&to=${to}`);
    expect(api.status()).toBe(200);
    const json = (await api.json()) as { rows: VisitReportRow[]; next_cursor: string | null };
    expect(json.next_cursor).toBeNull();
    expect(json.rows.length).toBeGreaterThan(20);
    await expect(page.getByRole("heading", { name: new RegExp(`^Visits \\((first 50 of )?${json.rows.length}\\)$`) })).toBeVisible();

    // Hold the file back a moment so the progress state can be seen (a big report streams for a while).
    await page.route("**/api/v1/reports/visits?*format=xlsx", async (route) => {
      const res = await route.fetch();
      await new Promise((r) => setTimeout(r, 1_500));
      await route.fulfill({ response: res });
    });
    const downloading = page.waitForEvent("download");
    await page.getByRole("button", { name: "Download XLSX" }).click();
    await expect(page.getByRole("status").filter({ hasText: "Preparing XLSX" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Download CSV" })).toBeDisabled();
    const download = await downloading;
    expect(download.suggestedFilename()).toBe(`visits-${from}-${to}.xlsx`);
    const file = await download.path();

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const rows: (string | number | boolean | null)[][] = [];
    sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1).map(cellText)));
    const [header, ...data] = rows;
    expect(header?.slice(0, 4)).toEqual(["Date", "Rep", "Employee ID", "Customer"]);
    expect(data).toHaveLength(json.rows.length);
    const pick = (r: (string | number | boolean | null)[]) => [r[0], r[1], r[3], r[6], r[8] ?? null, r[9] ?? null];
    expect(data.map(pick)).toEqual(json.rows.map((r) => [r.date, r.rep_name, r.customer, r.check_in, r.minutes, r.verdict]));
    await expect(page.getByRole("button", { name: "Download CSV" })).toBeEnabled();

    await screens(page, 20, "reports", { fullPage: true });
  });

  test("a manager creates a scheduled e-mail (field errors first), sees it listed, and deletes it", async ({ page }) => {
    await page.goto("/manager/reports");
    await page.waitForLoadState("networkidle"); // hydrated: the form's choices are React state
    await expect(page.getByText("E-mail is not configured")).toBeVisible();
    const form = page.getByRole("form", { name: "New scheduled e-mail" });
    await form.getByRole("combobox", { name: /^Report/ }).selectOption("summary");
    await form.getByRole("combobox", { name: /^Cadence/ }).selectOption("weekly");
    await form.getByRole("combobox", { name: /^Weekday/ }).selectOption("5");
    await form.getByLabel(/^Time/).fill("17:30");
    await form.getByRole("combobox", { name: /^Format/ }).selectOption("pdf");
    const recipients = form.getByRole("textbox", { name: /^Recipients/ });
    await recipients.fill("boss@example.com, not-an-address");
    await form.getByRole("button", { name: "Create schedule" }).click();
    await expect(recipients).toHaveAttribute("aria-invalid", "true");
    // A refused submit keeps what was chosen.
    await expect(form.getByRole("combobox", { name: /^Weekday/ })).toHaveValue("5");
    await expect(form.getByRole("combobox", { name: /^Format/ })).toHaveValue("pdf");
    // The message sits on the field (aria-describedby) and the form's status announces it.
    await expect(page.locator(`#${await recipients.getAttribute("aria-describedby")}`)).toHaveText("“not-an-address” is not an e-mail address.");
    await expect(form.getByRole("status")).toHaveText("Not saved: “not-an-address” is not an e-mail address.");

    await recipients.fill("boss@example.com\nsales.head@example.com");
    await form.getByRole("button", { name: "Create schedule" }).click();
    await expect(form.getByRole("status")).toHaveText("Schedule created: summary report, weekly at 17:30.");
    const item = page.getByRole("list", { name: "Schedules" }).getByRole("listitem").filter({ hasText: "Summary report, weekly on Friday at 17:30, PDF" });
    await expect(item).toHaveCount(1);
    await expect(item).toContainText("To boss@example.com, sales.head@example.com");
    await expect(item).toContainText("Not sent yet.");

    await item.getByRole("button", { name: /^Delete schedule: Summary report, weekly on Friday/ }).click();
    await expect(page.getByText("Schedule deleted.")).toBeVisible();
    await expect(item).toHaveCount(0);
  });

  test("the analytics page shows its charts with their numbers as tables", async ({ page }) => {
    await page.goto("/manager/analytics");
    await expect(page.getByRole("heading", { name: "Analytics", level: 1 })).toBeVisible();
    await expect(page.getByRole("img", { name: /Visits per week/ })).toBeVisible();
    const weekly = page.getByRole("table", { name: "Weekly figures" });
    await expect(weekly).toBeVisible();
    expect(await weekly.locator("tbody tr").count()).toBe(8);
    await expect(page.getByRole("table", { name: /reps compared/i })).toBeVisible();
    await expect(page.getByRole("table", { name: "Planned and visited stops per customer" })).toBeVisible();
    const heat = page.getByRole("region", { name: /Heat map of visits/ });
    await expect(heat).toBeVisible();
    await expect(heat.locator("path.fm-circle").first()).toBeAttached();
    await expect(page.getByRole("table", { name: /Busiest places/ })).toBeAttached();
    await screens(page, 20, "analytics", { fullPage: true });
  });
});
