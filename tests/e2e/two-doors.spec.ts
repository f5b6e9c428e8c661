/**
 * The production start's two doors on the built app (issue #23): two `npm start` servers on one PostgreSQL database,
 * one with the lean door (the default) and one with LEAN_DOOR=off (every request through Next). The same requests
 * get the same answers from both — status, error shape, Allow, rate-limit and security headers, bodies byte for byte —
 * and the lean server keeps one pool and one actor-cache LISTEN connection for both doors, keeps idle keep-alive
 * connections past a proxy's idle timeout, and replaces a server process that dies. Needs TEST_DATABASE_URL (skipped
 * without it). Ports: E2E_PORT + 20 and + 21.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, openSync } from "node:fs";
import http from "node:http";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import { requireLocalUrl, withDatabase } from "../support/test-db-url";

const base = process.env.TEST_DATABASE_URL;
const leanPort = Number(process.env.E2E_PORT ?? 3100) + 20;
const nextPort = leanPort + 1;
const LEAN = `http://127.0.0.1:${leanPort}`;
const NEXT = `http://127.0.0.1:${nextPort}`;
const POOL_MAX = 3;
const SECRET = "e2e-only-secret-0123456789abcdefghijklmnop";

test.describe("the lean door and Next's door", () => {
  test.skip(!base, "TEST_DATABASE_URL is not set");
  test.describe.configure({ timeout: 240_000, mode: "serial" });
  const servers = new Map<number, ChildProcess>();
  let dbName = "";
  let url = "";
  let token = "";
  let place = { id: 0, lat: 0, lon: 0 };

  const start = (port: number, extra: Record<string, string> = {}) => {
    const env = { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1", AUTH_SECRET: SECRET, JOBS_ENABLED: "false", DATABASE_POOL_MAX: String(POOL_MAX), ...extra };
    mkdirSync("test-results", { recursive: true });
    const out = openSync(`test-results/two-doors-server-${port}.log`, "w"); // the server's own output, for a failure
    servers.set(port, spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs", "-p", String(port)], { env, stdio: ["ignore", out, out] }));
  };
  const up = (origin: string) => expect.poll(async () => (await fetch(`${origin}/api/health`).catch(() => null))?.status ?? 0, { timeout: 90_000 }).toBe(200);

  test.beforeAll(async () => {
    test.setTimeout(300_000); // seeding the database and starting a server: more than a test's default
    const root = requireLocalUrl(base!);
    dbName = `fieldbeat_e2e_doors_${randomBytes(4).toString("hex")}`;
    const admin = postgres(withDatabase(root, "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`CREATE DATABASE "${dbName}"`);
    await admin.end();
    url = withDatabase(root, dbName);
    execFileSync("node_modules/.bin/tsx", ["--conditions=react-server", "db/scripts/seed.ts"], { env: { ...process.env, DATABASE_URL: url }, stdio: "pipe" });
    const db = postgres(url, { max: 1, onnotice: () => {} });
    place = (await db<{ id: number; lat: number; lon: number }[]>`SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations WHERE active ORDER BY id LIMIT 1`)[0]!;
    await db.end();
    start(leanPort);
    await up(LEAN);
    const res = await fetch(`${LEAN}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "rep01@fieldbeat.test", password: "fieldbeat-demo" }) });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { access_token: string }).access_token;
  });

  test.afterAll(async () => {
    for (const s of servers.values()) s.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 1_500));
    const admin = postgres(withDatabase(requireLocalUrl(base!), "postgres"), { max: 1, onnotice: () => {} });
    await admin.unsafe(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  test("both doors of one process share one pool and one actor-cache listener", async () => {
    const auth = { authorization: `Bearer ${token}` };
    // Concurrent bearer requests through both doors: nearby on the lean door, the caller's own row through Next.
    await Promise.all(
      Array.from({ length: 24 }, (_, i) => fetch(i % 2 ? `${LEAN}/api/v1/locations/nearby?lat=${place.lat}&lon=${place.lon}` : `${LEAN}/api/v1/auth/me`, { headers: auth }).then((r) => expect(r.status).toBe(200))),
    );
    const db = postgres(url, { max: 1, onnotice: () => {} });
    try {
      const rows = await db<{ application_name: string; n: number }[]>`
        SELECT application_name, count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY application_name`;
      const by = Object.fromEntries(rows.map((r) => [r.application_name, r.n]));
      expect(by["fieldbeat-actor-cache"]).toBe(1);
      // Every other connection is the pool's: at most DATABASE_POOL_MAX (two module instances could open twice that).
      const pool = rows.filter((r) => r.application_name !== "fieldbeat-actor-cache").reduce((a, r) => a + r.n, 0);
      expect(pool).toBeGreaterThan(0);
      expect(pool).toBeLessThanOrEqual(POOL_MAX);
    } finally {
      await db.end();
    }
  });

  test("the same requests get the same answers from both doors", async () => {
    start(nextPort, { LEAN_DOOR: "off" });
    await up(NEXT);
    const auth = { authorization: `Bearer ${token}` };
    const json = { ...auth, "content-type": "application/json" };
    const fix = { lat: place.lat, lon: place.lon, accuracy_m: 8, captured_at: new Date().toISOString() };
    const requests: [string, RequestInit][] = [
      ["/api/health", {}],
      [`/api/v1/locations/nearby?lat=${place.lat}&lon=${place.lon}&radius=5000&limit=5`, { headers: auth }],
      ["/api/v1/locations/nearby?lat=91&lon=0", { headers: auth }],
      ["/api/v1/locations/nearby?lat=1&lon=1", {}],
      ["/api/v1/visits/check-in", { method: "GET", headers: auth }],
      ["/api/v1/visits/check-in", { method: "OPTIONS" }],
      ["/api/v1/visits/check-in", { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "{}" }],
      ["/api/v1/visits/check-in", { method: "POST", headers: json, body: "{oops" }],
      ["/api/v1/visits/check-in", { method: "POST", headers: json, body: JSON.stringify({ client_id: "not-a-uuid", location_id: 1, ...fix }) }],
      ["/api/v1/visits/check-out", { method: "POST", headers: json, body: JSON.stringify({ client_id: randomUUID(), visit_id: 2_000_000_000, ...fix }) }],
      ["/api/v1/tracking/pings", { method: "DELETE", headers: auth }],
      ["/api/v1/tracking/pings", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(1_100_000) }) }],
    ];
    const COMPARED = ["content-type", "allow", "cache-control", "retry-after", "x-ratelimit-limit", "x-content-type-options", "x-frame-options", "referrer-policy", "permissions-policy", "cross-origin-opener-policy", "strict-transport-security"];
    for (const [path, init] of requests) {
      const [a, b] = await Promise.all([fetch(LEAN + path, init), fetch(NEXT + path, init)]);
      const label = `${init.method ?? "GET"} ${path.slice(0, 60)}`;
      expect(a.status, label).toBe(b.status);
      for (const h of COMPARED) expect(a.headers.get(h), `${label}: ${h}`).toBe(b.headers.get(h));
      expect(a.headers.has("x-ratelimit-remaining"), label).toBe(b.headers.has("x-ratelimit-remaining"));
      expect(await a.text(), label).toBe(await b.text());
    }
    // A check-in on the lean door, replayed through Next: the first answer, byte for byte.
    const body = JSON.stringify({ client_id: randomUUID(), location_id: place.id, ...fix });
    const first = await fetch(`${LEAN}/api/v1/visits/check-in`, { method: "POST", headers: json, body });
    expect([201, 409]).toContain(first.status);
    const replay = await fetch(`${NEXT}/api/v1/visits/check-in`, { method: "POST", headers: json, body });
    if (first.status === 201) expect(replay.status).toBe(200);
    expect(await replay.text()).toBe(await first.text());
  });

  test("an idle keep-alive connection outlives a proxy's idle timeout: the proxy closes it, not the app", async () => {
    // Node closes idle connections after 5 s (+1 s) by default: a pooling client (a proxy, a load balancer, Playwright's
    // own request context) that sends on such a socket as it closes gets a reset. npm start keeps them for 65 s.
    const agent = new http.Agent({ keepAlive: true });
    const get = () =>
      new Promise<{ status: number; keepAlive: string | undefined; reused: boolean }>((resolve, reject) => {
        const req = http.get(`${LEAN}/api/health`, { agent }, (res) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode ?? 0, keepAlive: res.headers["keep-alive"]?.toString(), reused: req.reusedSocket }));
        });
        req.on("error", reject);
      });
    try {
      const first = await get();
      expect(first).toEqual({ status: 200, keepAlive: "timeout=65", reused: false });
      await new Promise((r) => setTimeout(r, 7_000)); // past Node's default close (6 s)
      expect(await get()).toEqual({ status: 200, keepAlive: "timeout=65", reused: true });
    } finally {
      agent.destroy();
    }
  });

  test("a server process that dies is replaced; the supervisor stays", async () => {
    const supervisor = servers.get(leanPort)!;
    const worker = Number(execFileSync("pgrep", ["-P", String(supervisor.pid)]).toString().trim().split("\n")[0]);
    expect(worker).toBeGreaterThan(0);
    process.kill(worker, "SIGKILL");
    await up(LEAN);
    const next = Number(execFileSync("pgrep", ["-P", String(supervisor.pid)]).toString().trim().split("\n")[0]);
    expect(next).not.toBe(worker);
    expect(supervisor.exitCode).toBeNull();
  });

  test("SIGTERM: the supervisor passes it on, the server process drains and both exit 0", async () => {
    const supervisor = servers.get(leanPort)!;
    const exited = new Promise<number | null>((resolve) => supervisor.once("exit", (code) => resolve(code)));
    supervisor.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect((await fetch(`${LEAN}/api/health`).catch(() => null))?.status).toBeUndefined();
  });
});
