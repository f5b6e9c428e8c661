/**
 * OpenTelemetry on the built server (issue #22): `npm start`'s supervisor (scripts/start.mjs → scripts/server.mjs,
 * lean door + Next) on PostgreSQL, with OTEL_EXPORTER_OTLP_ENDPOINT pointing at a real OTLP/HTTP receiver in this
 * process (JSON encoding, so the test can read it). A rep checks in (a lean-door route) and signs in (a route Next
 * serves); then the receiver must hold:
 *   - the check-in's SERVER span (`POST /api/v1/visits/check-in`, its route, method and status) with the check-in's
 *     statements as CLIENT spans in the same trace (PostgreSQL, the database's name, the statement's text and
 *     never its parameters), under the request's transaction span;
 *   - Next's own span for the route it served;
 *   - `http.server.request.duration` for the check-in (by route, method, status), and the pool and SSE gauges;
 *   - nothing of a request whose caller did not sample its trace, and nothing of the liveness check (measured only);
 * and SIGTERM still exits 0 (the SDK is flushed last). With the variable unset no SDK is registered at all:
 * tests/unit/telemetry-off.test.ts. Uses the checkout's build (.next); builds it when missing.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitReady } from "../support/server-process";
import { dropDatabase, requireLocalUrl, withDatabase } from "../support/test-db-url";
import { startOtlpReceiver, waitFor, type OtlpReceiver, type ReceivedSpan } from "../support/otlp-receiver";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl && process.env.CI === "true") throw new Error("CI=true: the telemetry test needs TEST_DATABASE_URL (a local PostgreSQL with PostGIS)");
const AUTH_SECRET = "telemetry-test-secret-0123456789abcdefghijk";
process.env.AUTH_SECRET = AUTH_SECRET; // the token this test signs is checked by the server with the same secret
const SERVER = 2;
const CLIENT = 3;


describe.skipIf(!pgUrl)("OpenTelemetry export from the built server (PostgreSQL)", () => {
  const base = pgUrl ? requireLocalUrl(pgUrl) : undefined;
  const dbName = `fieldbeat_otel_${process.pid}_${randomBytes(3).toString("hex")}`;
  const dbUrl = base ? withDatabase(base, dbName) : "";
  let receiver: OtlpReceiver;
  let server: ChildProcess | undefined;
  let logs = "";
  let port = 0;
  let repToken = "";
  let locationId = 0;

  beforeAll(async () => {
    if (!existsSync(path.join(ROOT, ".next/BUILD_ID"))) {
      execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "pipe", timeout: 15 * 60_000, maxBuffer: 64 * 1024 * 1024 });
    }
    const admin = postgres(withDatabase(base!, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    const { openPostgres, migrate } = await import("../../src/server/db/client");
    const handle = await openPostgres({ url: dbUrl, max: 2 });
    await migrate(handle);
    await handle.close();

    const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
    const [mgr] = await sql<{ id: number }[]>`INSERT INTO personnel (name, email, role) VALUES ('Manager', 'manager@otel.test', 'manager') RETURNING id`;
    const [rep] = await sql<{ id: number }[]>`INSERT INTO personnel (name, email, role, manager_id) VALUES ('Rep', 'rep@otel.test', 'rep', ${mgr!.id}) RETURNING id`;
    const [loc] = await sql<{ id: number }[]>`INSERT INTO locations (name, coordinates, geofence_radius) VALUES ('Shop', ST_SetSRID(ST_MakePoint(77.5946, 12.9716), 4326)::geography, 50) RETURNING id`;
    locationId = loc!.id;
    await sql.end();
    const { issueAccessToken } = await import("../../src/server/auth/tokens");
    repToken = await issueAccessToken(rep!.id, new Date());
    receiver = await startOtlpReceiver();
    port = await freePort();
  }, 20 * 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await receiver?.close();
    if (base) await dropDatabase(base, dbName);
  });

  it("exports the check-in's route span, its database spans and the request-duration metric over OTLP/HTTP", async () => {
    const proc = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: dbUrl,
        DATABASE_POOL_MAX: "7",
        AUTH_SECRET,
        JOBS_ENABLED: "false",
        LOG_LEVEL: "warn",
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_SERVICE_NAME: "fieldbeat-otel-test",
        OTEL_TRACES_SAMPLER: "parentbased_always_on",
        OTEL_METRIC_EXPORT_INTERVAL: "1000",
        OTEL_BSP_SCHEDULE_DELAY: "200",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server = proc;
    proc.stdout!.on("data", (b: Buffer) => (logs += b));
    proc.stderr!.on("data", (b: Buffer) => (logs += b));
    const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
    const url = `http://127.0.0.1:${port}`;
    const ready = await waitReady(proc, url, 240);
    expect(ready?.status, logs).toBe(200);
    expect(logs).toContain("OpenTelemetry on");

    const checkIn = await fetch(`${url}/api/v1/visits/check-in`, {
      method: "POST",
      headers: { authorization: `Bearer ${repToken}`, "content-type": "application/json" },
      body: JSON.stringify({ client_id: randomUUID(), location_id: locationId, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: new Date().toISOString() }),
    });
    expect(checkIn.status, await checkIn.clone().text()).toBe(201);
    const visitId = ((await checkIn.clone().json()) as { visit: { id: number } }).visit.id;
    // A route Next serves (not a lean-door path): a wrong password, answered 401.
    const login = await fetch(`${url}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "nobody@otel.test", password: "not-the-password" }) });
    expect(login.status).toBe(401);

    // The route span of the lean door.
    const route = await waitFor(() => receiver.spans.find((s) => s.name === "POST /api/v1/visits/check-in"), 30_000);
    expect(route, `spans: ${receiver.spans.map((s) => s.name).join(", ")}\n${logs}`).toBeDefined();
    expect(route!.kind).toBe(SERVER);
    expect(route!.service).toBe("fieldbeat-otel-test");
    expect(route!.parentSpanId).toBe("");
    expect(route!.attributes).toMatchObject({ "http.route": "/api/v1/visits/check-in", "http.request.method": "POST", "http.response.status_code": 201 });

    // Its database spans: the statement that inserts the visit (a WITH … INSERT INTO visits), in the same trace,
    // below the route span through the transaction.
    const inTrace = () => receiver.spans.filter((s) => s.traceId === route!.traceId);
    const insert = await waitFor(() => inTrace().find((s) => s.kind === CLIENT && /INSERT INTO "?visits"? \(/i.test(String(s.attributes["db.query.text"]))), 10_000);
    expect(insert, inTrace().map((s) => `${s.name} ${s.attributes["db.query.text"] ?? ""}`).join("\n")).toBeDefined();
    expect(insert!.attributes).toMatchObject({ "db.system.name": "postgresql", "db.system": "postgresql", "db.namespace": dbName, "db.operation.name": insert!.name });
    // Placeholders, never the values sent (the rep's coordinates are personal data).
    expect(String(insert!.attributes["db.query.text"])).toMatch(/\$1/);
    for (const s of inTrace()) expect(JSON.stringify(s.attributes)).not.toContain("77.5946");
    const byId = new Map<string, ReceivedSpan>(inTrace().map((s) => [s.spanId, s]));
    const chain: string[] = [];
    for (let s: ReceivedSpan | undefined = insert; s; s = byId.get(s.parentSpanId)) chain.push(s.name);
    expect(chain.at(-1)).toBe("POST /api/v1/visits/check-in");
    expect(chain).toContain("transaction");

    // Next's own span for the route it served.
    const nextSpan = await waitFor(() => receiver.spans.find((s) => s.scope === "next.js" && s.kind === SERVER && s.attributes["http.route"] === "/api/v1/auth/login"), 10_000);
    expect(nextSpan, receiver.spans.filter((s) => s.scope === "next.js").map((s) => `${s.name} ${JSON.stringify(s.attributes)}`).join("\n")).toBeDefined();

    // The request-duration metric for the check-in, and the gauges.
    const duration = await waitFor(
      () => receiver.points.find((p) => p.metric === "http.server.request.duration" && p.attributes["http.route"] === "/api/v1/visits/check-in" && p.attributes["http.response.status_code"] === 201),
      15_000,
    );
    expect(duration, receiver.points.map((p) => `${p.metric} ${JSON.stringify(p.attributes)}`).join("\n")).toBeDefined();
    expect(duration).toMatchObject({ type: "histogram", unit: "s", scope: "fieldbeat", attributes: { "http.request.method": "POST" } });
    expect(duration!.count).toBeGreaterThanOrEqual(1);
    // Every API route is measured, whichever door served it (the next export may carry it: cumulative points).
    const loginDuration = await waitFor(() => receiver.points.find((p) => p.metric === "http.server.request.duration" && p.attributes["http.route"] === "/api/v1/auth/login"), 10_000);
    expect(loginDuration?.attributes["http.response.status_code"]).toBe(401);
    expect(receiver.points.find((p) => p.metric === "db.client.connection.max" && p.attributes["db.client.connection.pool.name"] === "app")?.value).toBe(7);
    expect(receiver.points.find((p) => p.metric === "db.client.connection.count")).toBeDefined();
    expect(receiver.points.find((p) => p.metric === "fieldbeat.sse.connections")?.value).toBe(0);

    // A check-out whose caller did not sample its trace (traceparent flags 00, followed by the parent-based
    // sampler): nothing of it is exported — neither the route span nor any statement of it.
    const unsampled = randomBytes(16).toString("hex");
    const quiet = await fetch(`${url}/api/v1/visits/check-out`, {
      method: "POST",
      headers: { authorization: `Bearer ${repToken}`, "content-type": "application/json", traceparent: `00-${unsampled}-${randomBytes(8).toString("hex")}-00` },
      body: JSON.stringify({ client_id: randomUUID(), visit_id: visitId, lat: 12.9716, lon: 77.5946, accuracy_m: 8, captured_at: new Date().toISOString() }),
    });
    expect(quiet.status, await quiet.clone().text()).toBe(200);
    // The liveness check is measured but never traced, nor is its database check (scripts/door.mjs).
    for (let i = 0; i < 5; i++) expect((await fetch(`${url}/api/health`)).status).toBe(200);
    const healthDuration = await waitFor(() => receiver.points.find((p) => p.metric === "http.server.request.duration" && p.attributes["http.route"] === "/api/health"), 15_000);
    expect(healthDuration?.count).toBeGreaterThanOrEqual(5);
    // A traced request sent after them: once its spans are in, theirs would have been (one batch processor, in order).
    const marker = await fetch(`${url}/api/v1/locations/nearby?lat=12.9716&lon=77.5946&radius=500`, { headers: { authorization: `Bearer ${repToken}` } });
    expect(marker.status).toBe(200);
    expect(await waitFor(() => receiver.spans.find((s) => s.name === "GET /api/v1/locations/nearby"), 15_000)).toBeDefined();
    expect(receiver.spans.filter((s) => s.traceId === unsampled)).toEqual([]);
    expect(receiver.spans.filter((s) => s.name.includes("/api/health") || s.attributes["http.route"] === "/api/health")).toEqual([]);
    expect(receiver.spans.filter((s) => /postgis_lib_version/.test(String(s.attributes["db.query.text"] ?? "")))).toEqual([]);

    proc.kill("SIGTERM");
    expect(await exited, logs).toBe(0);
  }, 300_000);
});
