/**
 * The Docker image's runtime, tested without Docker (none runs here): assemble the folder with the very script
 * the Dockerfile runs, copy nothing else, then — from that folder alone, outside the checkout — migrate an empty
 * PostgreSQL database, start the production server, check readiness, sign in over the API, and stop it with
 * SIGTERM as `docker stop` would. The Dockerfile itself is linted (dockerfile-utils, the VS Code Docker linter).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { validate } from "dockerfile-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitReady } from "../support/server-process";
import { dropDatabase, requireLocalUrl, withDatabase } from "../support/test-db-url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl && process.env.CI === "true") throw new Error("CI=true: the runtime test needs TEST_DATABASE_URL (a local PostgreSQL with PostGIS)");


describe("the Dockerfile", () => {
  it("lints clean", () => {
    const problems = validate(readFileSync(path.join(ROOT, "Dockerfile"), "utf8"));
    expect(problems).toEqual([]);
  });

  it("builds with the same script the runtime test runs, from Node 22 LTS, as a non-root user, with a health check", () => {
    const text = readFileSync(path.join(ROOT, "Dockerfile"), "utf8");
    expect(text).toMatch(/^FROM node:22-bookworm-slim AS build$/m);
    expect(text).toMatch(/^RUN sh scripts\/docker\/assemble-runtime\.sh \/app$/m);
    expect(text).toMatch(/^USER node$/m);
    expect(text).toMatch(/^HEALTHCHECK .*\n.*\/api\/health/m);
  });
});

describe.skipIf(!pgUrl)("the runtime folder, alone, with PostgreSQL", () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), "fieldbeat-runtime-")), "app");
  const dbName = `fieldbeat_runtime_${process.pid}_${randomBytes(3).toString("hex")}`;
  const base = pgUrl ? requireLocalUrl(pgUrl) : undefined;
  const dbUrl = base ? withDatabase(base, dbName) : "";
  let server: ChildProcess | undefined;
  let port = 0;
  let logs = "";

  // No variable of this shell leaks in: the folder must run with what an image's environment holds.
  const runtimeEnv = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: os.tmpdir(),
    NODE_ENV: "production" as const,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: dbUrl,
    AUTH_SECRET: "runtime-test-secret-0123456789abcdefghijkl",
    UPLOADS_DIR: path.join(out, "..", "uploads"),
    JOBS_ENABLED: "false",
    PORT: String(port),
  });

  beforeAll(async () => {
    // In `npm test` the e2e suite has just built this checkout: the script keeps that build when no source is newer
    // (ASSEMBLE_REUSE_BUILD, which the Dockerfile never sets), and does everything else as in the image.
    execFileSync("sh", ["scripts/docker/assemble-runtime.sh", out], {
      cwd: ROOT,
      env: { ...process.env, ASSEMBLE_REUSE_BUILD: "1" },
      stdio: "pipe",
      timeout: 15 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const admin = postgres(withDatabase(base!, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    port = await freePort();
  }, 16 * 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await dropDatabase(base!, dbName);
    rmSync(path.dirname(out), { recursive: true, force: true });
  });

  it("holds the build, the migrations and production dependencies only", () => {
    for (const f of [".next/BUILD_ID", "dist/migrate.mjs", "dist/create-admin.mjs", "scripts/start.mjs", "db/migrations/meta/_journal.json", "public/sw.js", "node_modules/next/package.json"]) {
      expect(existsSync(path.join(out, f)), f).toBe(true);
    }
    for (const dev of ["vitest", "drizzle-kit", "typescript", "eslint", "tsx"]) {
      expect(existsSync(path.join(out, "node_modules", dev)), `${dev} is a dev dependency`).toBe(false);
    }
    expect(existsSync(path.join(out, ".next/cache"))).toBe(false);
  });

  it("migrates an empty database, serves, signs a person in, and stops on SIGTERM", async () => {
    execFileSync(process.execPath, ["--conditions=react-server", "dist/migrate.mjs"], { cwd: out, env: runtimeEnv(), stdio: "pipe", timeout: 120_000 });
    // The first admin, as the README tells an operator to create one (the demo seed is not in the image).
    const made = execFileSync(process.execPath, ["--conditions=react-server", "dist/create-admin.mjs", "--email", "ops@example.com", "--name", "Ops Admin"], {
      cwd: out,
      env: { ...runtimeEnv(), ADMIN_PASSWORD: "runtime-test-password" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(made).toMatch(/admin ops@example.com created/);

    const proc = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs"], { cwd: out, env: runtimeEnv(), stdio: ["ignore", "pipe", "pipe"] });
    server = proc;
    proc.stdout!.on("data", (b: Buffer) => (logs += b));
    proc.stderr!.on("data", (b: Buffer) => (logs += b));
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitReady(proc, base, 120);
    expect(ready?.status, logs).toBe(200);
    expect(await ready!.json()).toMatchObject({ status: "ready" });

    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "ops@example.com", password: "runtime-test-password" }),
    });
    expect(login.status, logs).toBe(200);
    const { access_token } = (await login.json()) as { access_token: string };
    const me = await fetch(`${base}/api/v1/auth/me`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ email: "ops@example.com", role: "admin" });
    // The login page renders from the build.
    const page = await fetch(`${base}/login`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Sign in");

    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 240_000);
});
