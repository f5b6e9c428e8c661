/**
 * Fan-out across app instances: two `npm start` servers (this build) on one PostgreSQL database. A manager's
 * Team now page is served by instance B; a rep checks in through instance A; the feed and the marker on B update
 * without a reload (PostgreSQL NOTIFY → B's LISTEN → its SSE stream). Needs TEST_DATABASE_URL (a local PostgreSQL
 * with PostGIS); skipped without it. Ports: E2E_PORT + 10 and E2E_PORT + 11.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { requireLocalUrl, withDatabase } from "../support/test-db-url";
import { MANAGER1, signInAs } from "./helpers/auth";
import { repApi } from "./helpers/field-api";

const base = process.env.TEST_DATABASE_URL;
const portA = Number(process.env.E2E_PORT ?? 3100) + 10;
const portB = portA + 1;

test.describe("two app instances on one PostgreSQL", () => {
  test.skip(!base, "TEST_DATABASE_URL is not set");
  test.describe.configure({ timeout: 180_000 });
  const servers: ChildProcess[] = [];
  let dbName = "";
  let url = "";

  test.beforeAll(async () => {
    const root = requireLocalUrl(base!);
    dbName = `fieldbeat_e2e_two_${randomBytes(4).toString("hex")}`;
    const admin = postgres(withDatabase(root, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    url = withDatabase(root, dbName);
    const env = { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnop" };
    execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "db/scripts/seed.ts"], { env, stdio: "pipe" });
    // The production start (npm start's command): supervisor, lean door and Next.
    for (const port of [portA, portB]) servers.push(spawn(process.execPath, ["scripts/start.mjs", "-p", String(port)], { env, stdio: "ignore" }));
    for (const port of [portA, portB]) {
      await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
    }
  });

  test.afterAll(async () => {
    for (const s of servers) s.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1_000));
    const admin = postgres(withDatabase(requireLocalUrl(base!), "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  test("a check-in sent to instance A appears on a page served by instance B", async ({ browser, playwright }) => {
    const context = await browser.newContext({ baseURL: `http://127.0.0.1:${portB}` });
    const page = await context.newPage();
    await context.route(/^https?:\/\/(?!127\.0\.0\.1|localhost)/, (route) => route.abort());
    await signInAs(page, MANAGER1);
    await page.goto("/manager");
    await expect(page.locator("[data-live-status='live']")).toBeVisible();
    const onA = await playwright.request.newContext({ baseURL: `http://127.0.0.1:${portA}` });
    const visit = await (await repApi(onA, "rep03@fieldbeat.test")).checkInAtLastPlace();
    const row = page.locator(`tr[data-rep-id='${visit.personnelId}']`);
    const name = (await row.getByRole("link").textContent())!;
    // Not necessarily the first line: an alert about this very check-in (e.g. REPEATED_COORDS) may follow it at once.
    await expect(page.getByTestId("activity-feed").locator("li", { hasText: `${name} checked in` })).toHaveCount(1);
    await expect(page.locator(`[data-marker-id='rep-${visit.personnelId}']`)).toHaveAttribute("aria-label", new RegExp(`^${name}: In a visit`));
    await onA.dispose();
    await context.close();
  });
});
