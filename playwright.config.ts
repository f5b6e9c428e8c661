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
// `npm start`'s own command (the production start: supervisor, lean door and Next), without npm in between.
const npmStart = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: { start: string } }).scripts.start;

export default defineConfig({
  testDir: "tests/e2e",
  fullyParallel: false,
  workers: 1,
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
  projects: [
    { name: "desktop", use: { ...devices["Desktop Chrome"], channel: undefined }, testIgnore: /.*\.mobile\.spec\.ts/ },
    { name: "phone", use: { ...devices["Pixel 7"], viewport: { width: 360, height: 780 }, channel: undefined }, testMatch: /.*\.mobile\.spec\.ts/ },
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
