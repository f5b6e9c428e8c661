import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { north, openRepApp, tab, todayPlan } from "./helpers/pwa";

test.use({ permissions: ["geolocation"], geolocation: { latitude: 12.9716, longitude: 77.5946, accuracy: 8 } });

async function checkInAt(page: Page, name: string) {
  await page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name }).click();
  await expect(page.getByRole("heading", { level: 1, name: name.replace(/^\d+\. /, "") })).toBeVisible();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
}

test("near a planned stop: the app offers the check-in, the server says VALID with the distance, and the stop shows done after check-out", async ({ page, context }) => {
  await openRepApp(page, "rep22@fieldbeat.test");
  const [first] = await todayPlan(page);
  await context.setGeolocation(north(first!, 5));
  await page.getByRole("button", { name: "Start day" }).click();
  await expect(page.getByText("Your day is open")).toBeVisible();
  // The open day watches the position: a fresh fix inside the fence offers the check-in.
  await expect(page.getByRole("alertdialog", { name: `Check in at ${first!.location.name}?` })).toBeVisible();
  await page.getByRole("button", { name: "Check in here" }).click();
  await page.getByRole("button", { name: "Check in", exact: true }).click();
  const verdict = page.getByText(/^Check-in:/);
  await expect(verdict).toContainText("VALID");
  await expect(verdict).toContainText(/\d+\.\d\d m from the customer/);
  await expect(page.getByTestId("fix")).toContainText("±8 m");
  await expect(page.getByRole("button", { name: "Take selfie" })).toBeVisible();
  await page.getByLabel("Notes").fill("Restocked the display");
  await page.getByLabel("Outcome").selectOption("ORDER_TAKEN");
  await page.getByRole("button", { name: "Check out" }).click();
  await expect(page.getByText(/^Check-out:/)).toContainText("VALID");
  await page.getByRole("button", { name: "← Today" }).click();
  const row = page.getByRole("list", { name: "Planned visits" }).getByRole("button", { name: `1. ${first!.location.name}` });
  await expect(row).toContainText("Done");
  // The server agrees: the stop is linked to the visit without the client naming the planned visit.
  expect((await todayPlan(page))[0]).toMatchObject({ status: "DONE", visit: { validation_status: "VALID", outcome: "ORDER_TAKEN" } });
});

test("far from the stop: INVALID with the distance, shown to the rep", async ({ page, context }) => {
  await openRepApp(page, "rep23@fieldbeat.test");
  const stops = await todayPlan(page);
  const stop = stops[1]!;
  await context.setGeolocation(north(stop, 900));
  await checkInAt(page, `${stop.sequence}. ${stop.location.name}`);
  const verdict = page.getByText(/^Check-in:/);
  await expect(verdict).toContainText("INVALID");
  const metres = Number(/(\d+\.\d\d) m from the customer/.exec((await verdict.textContent()) ?? "")?.[1]);
  expect(metres).toBeGreaterThan(850);
  expect(metres).toBeLessThan(950);
});

test("rep screens have no serious or critical accessibility violations", async ({ page, context }) => {
  test.setTimeout(90_000); // six screens, each analysed by axe on a shared 2-core machine
  await openRepApp(page, "rep24@fieldbeat.test", { consent: false });
  const check = async (what: string) => {
    const { violations } = await new AxeBuilder({ page }).analyze();
    const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(bad.map((v) => `${what}: ${v.id} ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
  };
  await check("consent");
  await page.getByRole("button", { name: "I understand, continue" }).click();
  await check("today");
  const [first] = await todayPlan(page);
  await context.setGeolocation(north(first!, 3));
  await checkInAt(page, `1. ${first!.location.name}`);
  await expect(page.getByText(/^Check-in:/)).toBeVisible();
  await check("visit");
  await tab(page, "Sync").click();
  await check("sync");
  await tab(page, "Summary").click();
  await check("summary");
  await tab(page, "Nearby").click();
  await page.getByRole("button", { name: "Find customers near me" }).click();
  await expect(page.getByRole("list", { name: "Nearby customers" }).getByRole("button").first()).toBeVisible();
  await check("nearby");
});
