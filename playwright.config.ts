import { existsSync, readFileSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

// Debian's Chromium: Playwright's own browser download is not reachable here (see README).
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(chromium)) {
  throw new Error(
    `No Chromium at ${chromium}. Install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH to a Chromium/Chrome binary.`,
  );
}

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const dataDir = `.data/e2e-pglite-${port}`;
const desktop = { ...devices["Desktop Chrome"], channel: undefined };
const orgWide = /\/(admin-settings|field-day|org-mfa|planning)\.spec\.ts$/;
const ownServers = /\/two-(doors|instances)\.spec\.ts$/;
// `npm start`'s own command (the production start: supervisor, lean door and Next), without npm in between.
const npmStart = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  // Two lanes at once (each project below runs one spec file at a time): the browser tests mostly wait on the
  // server and the browser, and one lane left a 2-core machine idle more than half the time.
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 30_000,
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: chromium,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    },
  },
  // The specs share one seeded server, so which may run beside which is decided here, by what each changes:
  //  - org-wide: they change organisation settings (time zone, MFA requirement, geofence default, routing numbers)
  //    that every other spec's pages and answers depend on. They run first, one at a time, alone on the shared server;
  //  - own-servers: they start their own servers on their own PostgreSQL databases, so they run beside the org-wide ones;
  //  - then, side by side: the other desktop specs (manager1's team: reps 01-08; managers 1 and 3 and the admin,
  //    signing in and changing people, customers and their own MFA) one at a time, and the phone specs (each with its
  //    own reps among 10-24, none on manager1's team; rep01 and the admin only to look at pages), which are independent
  //    of each other and take both lanes once the desktop specs are done. A failure among the org-wide specs skips the
  //    two projects after them (the shared server may be left changed).
  //    One file alone without them: npx playwright test --no-deps tests/e2e/FILE.
  projects: [
    { name: "org-wide", use: desktop, testMatch: orgWide, workers: 1 },
    { name: "own-servers", use: desktop, testMatch: ownServers, workers: 1 },
    { name: "desktop", use: desktop, testIgnore: [/.*\.mobile\.spec\.ts/, orgWide, ownServers], dependencies: ["org-wide"], workers: 1 },
    { name: "phone", use: { ...devices["Pixel 7"], viewport: { width: 360, height: 780 }, channel: undefined }, testMatch: /.*\.mobile\.spec\.ts/, dependencies: ["org-wide"], workers: 2 },
  ],
  // A production build on a fresh embedded database, seeded on first start as a newcomer's would be, served by
  // `npm start` (both doors: the lean one for the hot API routes, Next for the rest).
  webServer: {
    // The service worker is built after Next (its precache lists the build output), as `npm run build` does.
    command: `rm -rf ${dataDir} .data/e2e-uploads-${port} && node_modules/.bin/next build && node_modules/.bin/tsx scripts/build-sw.ts && ${npmStart} -p ${port}`,
    url: `${baseURL}/api/health`,
    timeout: 240_000,
    reuseExistingServer: !process.env.CI,
    // A production server needs its own signing secret; this one exists only for the test run.
    env: { LOG_LEVEL: "warn", PGLITE_DATA_DIR: dataDir, UPLOADS_DIR: `.data/e2e-uploads-${port}`, NEXT_TELEMETRY_DISABLED: "1", DATABASE_URL: "", AUTH_SECRET: "e2e-only-secret-0123456789abcdefghijklmnop", CRON_SECRET: "e2e-only-cron-secret-0123456789abcdef" },
    stdout: "pipe",
    stderr: "pipe",
  },
});
