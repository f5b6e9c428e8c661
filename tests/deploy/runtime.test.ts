/**
 * The Docker image's runtime, tested without Docker (none runs here): assemble the folder with the very script
 * the Dockerfile runs, copy nothing else, then — from that folder alone, outside the checkout — migrate an empty
 * PostgreSQL database, start the production server, check readiness, sign in over the API, and stop it with
 * SIGTERM as `docker stop` would; then start it again on the embedded database (PGlite + PostGIS, no DATABASE_URL)
 * with OpenTelemetry on. The folder stays within the image-size goal (≤ 350 MB, docs/decisions/0022).
 * The Dockerfile itself is linted (dockerfile-utils, the VS Code Docker linter).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import sharp from "sharp";
import { validate } from "dockerfile-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitReady } from "../support/server-process";
import { dropDatabase, requireLocalUrl, withDatabase } from "../support/test-db-url";
import { startOtlpReceiver, waitFor } from "../support/otlp-receiver";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl && process.env.CI === "true") throw new Error("CI=true: the runtime test needs TEST_DATABASE_URL (a local PostgreSQL with PostGIS)");
const MAX_BYTES = 350 * 1024 * 1024; // issue #22: the image's runtime folder, before the base image
const AUTH_SECRET = "runtime-test-secret-0123456789abcdefghijkl";

/** Every file and symbolic link under `dir`: its bytes (as `du --apparent-size` counts them) and any link leaving it. */
function walk(dir: string, root = dir, acc = { bytes: 0, outside: [] as string[] }) {
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    const st = lstatSync(p);
    if (st.isSymbolicLink()) {
      const target = path.resolve(path.dirname(p), readlinkSync(p));
      if (path.relative(root, target).startsWith("..")) acc.outside.push(`${path.relative(root, p)} -> ${readlinkSync(p)}`);
    } else if (st.isDirectory()) walk(p, root, acc);
    else acc.bytes += st.size;
  }
  return acc;
}


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
    AUTH_SECRET,
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

  it("stays within 350 MB: no compiler, no build tools, no link out of the folder", () => {
    // Next's compiler (SWC, ≈ 97 MB) and the bundlers only build; the folder's config is plain JavaScript.
    expect(existsSync(path.join(out, "next.config.ts"))).toBe(false);
    expect(existsSync(path.join(out, "dist/next.config.mjs"))).toBe(true);
    const nextScoped = existsSync(path.join(out, "node_modules/@next")) ? readdirSync(path.join(out, "node_modules/@next")) : [];
    expect(nextScoped.filter((n) => n.startsWith("swc"))).toEqual([]);
    expect(existsSync(path.join(out, "node_modules/next/dist/compiled/webpack"))).toBe(false);
    expect(existsSync(path.join(out, "node_modules/playwright-core"))).toBe(false);
    const { bytes, outside } = walk(out);
    // A link into the build machine's checkout would work here and break in the image (COPY --from copies the link).
    expect(outside).toEqual([]);
    expect(bytes, `${(bytes / 1024 / 1024).toFixed(1)} MB`).toBeLessThanOrEqual(MAX_BYTES);
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

    // HTTP_COMPRESS is read when the server starts (next.config), not when the image was built: the build's config
    // compresses (the default), the server started with HTTP_COMPRESS=false must not.
    const built = JSON.parse(readFileSync(path.join(out, ".next/required-server-files.json"), "utf8")) as { config: { compress: boolean } };
    expect(built.config.compress).toBe(true);
    const proc = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs"], { cwd: out, env: { ...runtimeEnv(), HTTP_COMPRESS: "false" }, stdio: ["ignore", "pipe", "pipe"] });
    server = proc;
    proc.stdout!.on("data", (b: Buffer) => (logs += b));
    proc.stderr!.on("data", (b: Buffer) => (logs += b));
    const base = `http://127.0.0.1:${port}`;
    const ready = await waitReady(proc, base, 120);
    expect(ready?.status, logs).toBe(200);
    expect(await ready!.json()).toMatchObject({ status: "ready" });
    // The lean door loaded its routes from the folder's build, and answers the liveness check.
    expect(logs).toMatch(/\(lean door: 5 routes\)/);
    const health = await fetch(`${base}/api/health`);
    expect(health.status, logs).toBe(200);

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
    // A rep checks in (a lean-door route) and uploads a selfie (Next's door: sharp and exifr from the folder), stored
    // on local disk under UPLOADS_DIR and served back through the signed files route.
    const db = postgres(dbUrl, { max: 1, onnotice: () => {} });
    const [mgr] = await db<{ id: number }[]>`INSERT INTO personnel (name, email, role) VALUES ('Manager', 'manager@runtime.test', 'manager') RETURNING id`;
    const [rep] = await db<{ id: number }[]>`INSERT INTO personnel (name, email, role, manager_id) VALUES ('Rep', 'rep@runtime.test', 'rep', ${mgr!.id}) RETURNING id`;
    const [loc] = await db<{ id: number }[]>`INSERT INTO locations (name, coordinates, geofence_radius) VALUES ('Shop', ST_SetSRID(ST_MakePoint(77.5946, 12.9716), 4326)::geography, 50) RETURNING id`;
    await db.end();
    process.env.AUTH_SECRET = AUTH_SECRET; // before the app's env module loads: the token is checked by the server
    const { issueAccessToken } = await import("../../src/server/auth/tokens");
    const repAuth = { authorization: `Bearer ${await issueAccessToken(rep!.id, new Date())}` };
    const checkIn = await fetch(`${base}/api/v1/visits/check-in`, {
      method: "POST",
      headers: { ...repAuth, "content-type": "application/json" },
      body: JSON.stringify({ client_id: randomUUID(), location_id: loc!.id, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: new Date().toISOString() }),
    });
    expect(checkIn.status, await checkIn.clone().text()).toBe(201);
    const visitId = ((await checkIn.json()) as { visit: { id: number } }).visit.id;
    const now = new Date().toISOString();
    const form = new FormData();
    const jpeg = await sharp({ create: { width: 640, height: 480, channels: 3, background: "#8a7f70" } }).jpeg().toBuffer();
    form.set("photo", new Blob([new Uint8Array(jpeg)], { type: "image/jpeg" }), "selfie.jpg");
    form.set("meta", JSON.stringify({ client_id: randomUUID(), source: "camera", capture_fix: { lat: 12.97161, lon: 77.5946, accuracy_m: 8, captured_at: now }, device_time: now, user_agent: "runtime-test" }));
    const selfie = await fetch(`${base}/api/v1/visits/${visitId}/selfie`, { method: "POST", headers: repAuth, body: form });
    expect(selfie.status, `${await selfie.clone().text()}\n${logs}`).toBe(201);
    const { thumb_url } = (await selfie.json()) as { thumb_url: string };
    expect(readdirSync(path.join(runtimeEnv().UPLOADS_DIR!, "visits", String(visitId))).map((f) => f.replace(/^.*-/, "")).sort()).toEqual(["display.jpg", "original.jpg", "thumb.jpg"]);
    const thumb = await fetch(`${base}${thumb_url}`, { headers: repAuth });
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get("content-type")).toBe("image/jpeg");
    // The day's visits as PDF and XLSX files (pdfkit with its fonts, exceljs: loaded from the folder by Next's routes).
    const today = new Date().toISOString().slice(0, 10);
    const pdf = await fetch(`${base}/api/v1/reports/visits?from=${today}&to=${today}&format=pdf`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(pdf.status, logs).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");
    const xlsx = await fetch(`${base}/api/v1/reports/visits?from=${today}&to=${today}&format=xlsx`, { headers: { authorization: `Bearer ${access_token}` } });
    expect(xlsx.status, logs).toBe(200);
    expect(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString()).toBe("PK");

    // The login page renders from the build.
    const page = await fetch(`${base}/login`, { headers: { "accept-encoding": "gzip, br" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-encoding")).toBeNull();
    expect(await page.text()).toContain("Sign in");
    // Its hashed static files and public/ (the service worker) are served from the folder.
    const css = /href="(\/_next\/static\/[^"]+\.css)"/.exec(await (await fetch(`${base}/login`)).text())?.[1];
    expect(css).toBeDefined();
    expect((await fetch(`${base}${css}`)).status).toBe(200);
    const sw = await fetch(`${base}/sw.js`);
    expect(sw.status).toBe(200);
    expect(await sw.text()).toContain("precache");

    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    proc.kill("SIGTERM");
    expect(await exited).toBe(0);
  }, 240_000);

  it("runs on the embedded database (PGlite + PostGIS) with OpenTelemetry on, from the folder alone", async () => {
    // What the traced folder must still hold: PGlite's WASM and PostGIS bundle, the demo seed, the OTel SDK.
    const receiver = await startOtlpReceiver();
    let output = "";
    try {
      const env: NodeJS.ProcessEnv = { ...runtimeEnv(), PGLITE_DATA_DIR: path.join(out, "..", "pglite"), OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_BSP_SCHEDULE_DELAY: "200" };
      delete env.DATABASE_URL;
      const proc = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs"], { cwd: out, env, stdio: ["ignore", "pipe", "pipe"] });
      server = proc;
      proc.stdout!.on("data", (b: Buffer) => (output += b));
      proc.stderr!.on("data", (b: Buffer) => (output += b));
      const base = `http://127.0.0.1:${port}`;
      // The first start creates the database, migrates it and seeds the demo (≈ 30 s on a loaded 2-core machine).
      const ready = await waitReady(proc, base, 360);
      expect(ready?.status, output).toBe(200);
      expect(output).toContain("OpenTelemetry on");
      expect(output).toContain("embedded PostgreSQL (PGlite + PostGIS)");
      expect(output).toMatch(/\(lean door: 5 routes\)/);

      // A lean-door route (the liveness check is never traced), exported as its SERVER span: without credentials, 401.
      expect((await fetch(`${base}/api/v1/locations/nearby?lat=12.97&lon=77.59`)).status, output).toBe(401);
      const span = await waitFor(() => receiver.spans.find((x) => x.name === "GET /api/v1/locations/nearby"), 30_000);
      expect(span, `spans: ${receiver.spans.map((x) => x.name).join(", ")}\n${output}`).toBeDefined();
      expect(span!.attributes).toMatchObject({ "fieldbeat.door": "lean", "http.response.status_code": 401 });
      // A demo person signs in (Next's door, PostGIS-backed data seeded from the folder's build).
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: "admin@fieldbeat.test", password: "fieldbeat-demo" }),
      });
      expect(login.status, output).toBe(200);

      const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
      proc.kill("SIGTERM");
      expect(await exited, output).toBe(0);
    } finally {
      await receiver.close();
    }
  }, 420_000);
});
