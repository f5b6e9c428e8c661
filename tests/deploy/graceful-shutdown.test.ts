/**
 * Graceful shutdown of the production server (issue #22 item 3), on the built app: `npm start`'s supervisor
 * (scripts/start.mjs → scripts/server.mjs, lean door + Next) on PostgreSQL, with the job runner on, gets SIGTERM while
 * reps send ping batches as fast as they can and a manager holds the live stream open. Then:
 *   - every ping the server acknowledged (a 2xx answer that did not refuse it) is stored — none lost;
 *   - the live stream ended with a `retry:` hint and the closing comment (EventSource reconnects elsewhere);
 *   - the job runner and the pool closed and the process exited 0, well before the drain bound.
 * Uses the checkout's build (.next, as `npm test` leaves it after the e2e run); builds it when missing.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort, waitReady } from "../support/server-process";
import { dropDatabase, requireLocalUrl, withDatabase } from "../support/test-db-url";

const ROOT = path.resolve(import.meta.dirname, "../..");
const pgUrl = process.env.TEST_DATABASE_URL;
if (!pgUrl && process.env.CI === "true") throw new Error("CI=true: the shutdown test needs TEST_DATABASE_URL (a local PostgreSQL with PostGIS)");
const AUTH_SECRET = "shutdown-test-secret-0123456789abcdefghijkl";
process.env.AUTH_SECRET = AUTH_SECRET; // the tokens this test signs are checked by the server with the same secret

const REPS = 4;
const BATCH = 50;
const LOAD_BEFORE_SIGTERM_MS = 1_500;


describe.skipIf(!pgUrl)("SIGTERM under a load of ping batches (the built server, PostgreSQL)", () => {
  const base = pgUrl ? requireLocalUrl(pgUrl) : undefined;
  const dbName = `fieldbeat_shutdown_${process.pid}_${randomBytes(3).toString("hex")}`;
  const dbUrl = base ? withDatabase(base, dbName) : "";
  let sql: postgres.Sql;
  let server: ChildProcess | undefined;
  let logs = "";
  let port = 0;
  const reps: { id: number; token: string }[] = [];
  let managerToken = "";

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

    sql = postgres(dbUrl, { max: 2, onnotice: () => {} });
    // Work hours all day, every day, in UTC: a ping taken now is inside them whenever the test runs.
    await sql`INSERT INTO org_settings (id, time_zone, work_day_start, work_day_end, work_days) VALUES (1, 'UTC', '00:00', '23:59:59', '{1,2,3,4,5,6,7}')
              ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, work_day_start = excluded.work_day_start,
                work_day_end = excluded.work_day_end, work_days = excluded.work_days`;
    const [mgr] = await sql<{ id: number }[]>`INSERT INTO personnel (name, email, role) VALUES ('Manager', 'manager@shutdown.test', 'manager') RETURNING id`;
    const { issueAccessToken } = await import("../../src/server/auth/tokens");
    managerToken = await issueAccessToken(mgr!.id, new Date());
    const now = Date.now();
    for (let i = 0; i < REPS; i++) {
      const [rep] = await sql<{ id: number }[]>`INSERT INTO personnel (name, email, role, manager_id) VALUES (${`Rep ${i}`}, ${`rep${i}@shutdown.test`}, 'rep', ${mgr!.id}) RETURNING id`;
      // Open days yesterday, today and tomorrow (UTC): the load may run across midnight.
      for (const d of [-1, 0, 1]) {
        const date = new Date(now + d * 86_400_000).toISOString().slice(0, 10);
        await sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status) VALUES (${rep!.id}, ${date}::date, ${new Date(Date.parse(date) - 1).toISOString()}, 'OPEN')`;
      }
      reps.push({ id: rep!.id, token: await issueAccessToken(rep!.id, new Date()) });
    }
    port = await freePort();
  }, 20 * 60_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await sql?.end();
    if (base) await dropDatabase(base, dbName);
  });

  it("acknowledged pings are all stored, the live stream gets its retry hint, and the server exits 0", async () => {
    const proc = spawn(process.execPath, ["--max-old-space-size=192", "scripts/start.mjs", "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        DATABASE_URL: dbUrl,
        AUTH_SECRET,
        JOBS_ENABLED: "true",
        LOG_LEVEL: "warn",
        RATE_LIMIT_PER_MINUTE: "100000",
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

    // The manager's live stream, read as raw SSE text.
    const stream = await fetch(`${url}/api/v1/events`, { headers: { authorization: `Bearer ${managerToken}` } });
    expect(stream.status, logs).toBe(200);
    let sseText = "";
    const sseDone = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) sseText += decoder.decode(chunk, { stream: true });
      } catch {
        // cut
      }
    })();

    // The load: each rep sends batch after batch until the server stops answering.
    const acked = new Set<string>();
    const sent = { batches: 0, answered: 0, afterSigterm: 0, ackedAfterSigterm: 0, failed: 0 };
    let sigtermAt = 0;
    const statuses = new Map<number, number>();
    const rep = async (r: { id: number; token: string }) => {
      for (;;) {
        const pings = Array.from({ length: BATCH }, (_, i) => ({
          client_id: randomUUID(),
          lat: 12.97 + Math.random() / 100,
          lon: 77.59 + Math.random() / 100,
          accuracy_m: 5,
          captured_at: new Date(Date.now() - (BATCH - i) * 100).toISOString(),
        }));
        sent.batches++;
        const afterSigterm = sigtermAt > 0;
        if (afterSigterm) sent.afterSigterm++;
        let res: Response;
        try {
          res = await fetch(`${url}/api/v1/tracking/pings`, {
            method: "POST",
            headers: { authorization: `Bearer ${r.token}`, "content-type": "application/json" },
            body: JSON.stringify({ pings }),
          });
        } catch {
          sent.failed++;
          if (sigtermAt > 0) return; // the server is gone: stop
          continue;
        }
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status >= 200 && res.status < 300) {
          const body = (await res.json()) as { rejected: { client_id: string }[] };
          const refused = new Set(body.rejected.map((x) => x.client_id));
          for (const p of pings) if (!refused.has(p.client_id)) acked.add(p.client_id);
          sent.answered++;
          if (afterSigterm) sent.ackedAfterSigterm++;
        } else await res.arrayBuffer();
      }
    };
    const load = Promise.all(reps.map(rep));
    // The load runs a moment, and until batches are being acknowledged (a loaded machine answers the first slowly).
    const loadFrom = Date.now();
    while ((Date.now() - loadFrom < LOAD_BEFORE_SIGTERM_MS || sent.answered < REPS) && Date.now() - loadFrom < 60_000) await new Promise((r) => setTimeout(r, 50));
    const ackedBefore = acked.size;
    sigtermAt = Date.now();
    proc.kill("SIGTERM");
    const code = await exited;
    const stoppedMs = Date.now() - sigtermAt;
    await load;
    await sseDone;

    const summary = JSON.stringify({ ...sent, acked: acked.size, ackedBefore, stoppedMs, statuses: Object.fromEntries(statuses) });
    expect(code, logs).toBe(0);
    expect(stoppedMs, summary).toBeLessThan(20_000);
    // Every connection closed on its own: none was left for the drain bound to cut (an answered live stream's
    // connection kept open for the keep-alive timeout was, until the server closed it when its answer ended).
    expect(logs).toMatch(/stopped in \d+ ms/);
    expect(logs).not.toMatch(/were cut/);
    expect(ackedBefore, summary).toBeGreaterThan(0); // real load reached the server before SIGTERM
    expect(sent.afterSigterm, summary).toBeGreaterThan(0); // and kept coming while it shut down

    // None acknowledged is lost.
    const ids = [...acked];
    const stored = await sql<{ n: string }[]>`SELECT count(*) AS n FROM location_pings WHERE client_id = ANY(${ids}::uuid[])`;
    expect(Number(stored[0]!.n), summary).toBe(ids.length);
    // Every answer was a success or an honest refusal to come back later — never a 5xx for a request it accepted.
    for (const status of statuses.keys()) expect([200, 201, 503], summary).toContain(status);

    // The live stream ended with the retry hint and the closing comment, as its last frame.
    expect(sseText).toMatch(/^retry: 3000\n: connected\n\n/);
    expect(sseText, sseText).toMatch(/retry: \d{4}\n: server shutting down, reconnect\n\n$/);
    // The job runner stopped after its current job before the pool closed.
    expect(logs).not.toMatch(/pg-boss error/);
  }, 300_000);
});
