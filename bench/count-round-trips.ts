/**
 * Counts the database round trips of one POST /api/v1/visits/check-in, one check-out, one GET /api/v1/locations/nearby and one
 * 500-fix POST /api/v1/tracking/pings,
 * through the real route handlers (authentication, rate limit, use-case) on a scratch PostgreSQL database.
 *
 *   npx tsx --conditions=react-server bench/count-round-trips.ts
 *
 * ROUND_TRIPS_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_roundtrips] is dropped and recreated (local only).
 * Prints every statement postgres.js sends (BEGIN and COMMIT included), in order, and the socket writes the
 * request cost: a statement postgres.js has not prepared on that connection yet costs two (Parse/Describe, then
 * Bind/Execute once the parameter types are back), a prepared one costs one. The app's client is used as the app
 * opens it (`preparingClient`, DATABASE_PREPARE=false to compare: `ROUND_TRIPS_PREPARE=false`).
 */
import { randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import postgres from "postgres";

const URL_ = process.env.ROUND_TRIPS_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_roundtrips";

async function recreate(url: string) {
  const u = new URL(url);
  if (!["127.0.0.1", "localhost"].includes(u.hostname)) throw new Error("refusing to drop a non-local database");
  const name = u.pathname.slice(1);
  const admin = postgres({ host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username || "postgres"), database: "postgres", onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
}

async function main() {
  await recreate(URL_);
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const schema = await import("../src/server/db/schema");
  const { closing, migrate, preparingClient } = await import("../src/server/db/client");
  const { useDbHandle: pointAppAt } = await import("../src/server/db");
  const { seedDemoData } = await import("../db/seed");
  const { issueAccessToken } = await import("../src/server/auth/tokens");
  const { flushApiRateLimits } = await import("../src/server/auth/rate-limit");

  let log: string[] | null = null;
  let writes = 0;
  const u = new URL(URL_);
  const client = postgres(URL_, {
    max: 4,
    connection: { jit: "off" },
    onnotice: () => {},
    debug: (_conn, query) => log?.push(query.replace(/\s+/g, " ").slice(0, Number(process.env.ROUND_TRIPS_WIDTH ?? 110))),
    // A socket whose writes are counted: each is one message batch the client then waits on.
    // (`socket` is a postgres.js option its type declarations leave out.)
    ...{ socket: () =>
      new Promise<net.Socket>((resolve, reject) => {
        const s = net.connect(Number(u.port || 5432), u.hostname);
        const write = s.write.bind(s) as (...a: unknown[]) => boolean;
        s.write = ((...a: unknown[]) => {
          if (log) writes++;
          return write(...a);
        }) as typeof s.write;
        s.once("connect", () => resolve(s));
        s.once("error", reject);
      }) },
  } as postgres.Options<Record<string, never>>);
  const db = drizzle(process.env.ROUND_TRIPS_PREPARE === "false" ? client : preparingClient(client), { schema }) as never;
  const handle = { db, driver: "postgres" as const, client: { kind: "postgres" as const, sql: client, url: URL_ }, ...closing(() => client.end()) };
  await migrate(handle);
  await seedDemoData(db, { now: new Date(), password: "fieldbeat-demo", fixturesDir: path.resolve("../shared/fixtures") });
  pointAppAt(handle);

  const [rep] = await client<{ id: number }[]>`SELECT id FROM personnel WHERE role = 'rep' AND active ORDER BY id LIMIT 1`;
  const [loc] = await client<{ id: number; lat: number; lon: number }[]>`
    SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations WHERE active ORDER BY id LIMIT 1`;
  // Close whatever the seed left open for this rep, so the measured check-in is a fresh one on an existing day.
  await client`UPDATE visits SET check_out_time = check_in_time + interval '1 minute' WHERE personnel_id = ${rep!.id} AND check_out_time IS NULL`;
  const token = await issueAccessToken(rep!.id, new Date());
  const auth = { authorization: `Bearer ${token}` };
  const checkInRoute = await import("../src/app/api/v1/visits/check-in/route");
  const nearbyRoute = await import("../src/app/api/v1/locations/nearby/route");

  /** A JSON POST from the rep, straight to a route handler. */
  const postJson = (handler: (req: Request, ctx: { params: Promise<Record<string, never>> }) => Promise<Response>, path: string, body: unknown) =>
    handler(new Request(`http://localhost${path}`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) }), {
      params: Promise.resolve({}),
    });
  const checkIn = (lat: number) =>
    postJson(checkInRoute.POST, "/api/v1/visits/check-in", { client_id: randomUUID(), location_id: loc!.id, lat, lon: loc!.lon, accuracy_m: 8, captured_at: new Date().toISOString() });

  // Warm-up (module loading, the rate limiter's first row, prepared statements), then the measured call.
  // Twice: the day's first check-in takes the transactional path, later ones the single statement measured below.
  let res: Response;
  /** One request with its statements and socket writes counted (the rate limit's batched write, due within a second, flushed first: not part of it). */
  const counted = async (send: () => Promise<Response>) => {
    await flushApiRateLimits();
    log = [];
    writes = 0;
    const response = await send();
    const counts = { res: response, lines: log, writes };
    log = null;
    return counts;
  };
  for (const dLat of [0.0001, 0.00015]) {
    res = await checkIn(loc!.lat + dLat);
    if (res.status !== 201) throw new Error(`warm-up check-in answered ${res.status}: ${await res.text()}`);
    await client`UPDATE visits SET check_out_time = now() WHERE personnel_id = ${rep!.id} AND check_out_time IS NULL`;
  }
  const checkInCounted = await counted(() => checkIn(loc!.lat + 0.0002));
  res = checkInCounted.res;
  if (res.status !== 201) throw new Error(`check-in answered ${res.status}: ${await res.text()}`);
  const visitId = ((await res.json()) as { visit: { id: number } }).visit.id;

  // Check-out: warmed up like the check-in (a few check-in/check-out pairs prepare its statements on the pool's
  // connections), then the check-out of a fresh visit is counted.
  const checkOutRoute = await import("../src/app/api/v1/visits/check-out/route");
  const checkOut = (id: number) =>
    postJson(checkOutRoute.POST, "/api/v1/visits/check-out", { client_id: randomUUID(), visit_id: id, lat: loc!.lat + 0.0002, lon: loc!.lon, accuracy_m: 8, captured_at: new Date().toISOString() });
  let openVisit = visitId;
  for (let i = 0; i < 4; i++) {
    res = await checkOut(openVisit);
    if (res.status !== 200) throw new Error(`warm-up check-out answered ${res.status}: ${await res.text()}`);
    res = await checkIn(loc!.lat + 0.0003 + i * 0.0001);
    if (res.status !== 201) throw new Error(`warm-up check-in answered ${res.status}: ${await res.text()}`);
    openVisit = ((await res.json()) as { visit: { id: number } }).visit.id;
  }
  const checkOutCounted = await counted(() => checkOut(openVisit));
  res = checkOutCounted.res;
  if (res.status !== 200) throw new Error(`check-out answered ${res.status}: ${await res.text()}`);

  const nearby = () =>
    nearbyRoute.GET(new Request(`http://localhost/api/v1/locations/nearby?lat=${loc!.lat}&lon=${loc!.lon}&radius=5000&limit=20`, { headers: auth }), { params: Promise.resolve({}) });
  await nearby();
  const nearbyCounted = await counted(() => nearby());
  res = nearbyCounted.res;
  if (res.status !== 200) throw new Error(`nearby answered ${res.status}: ${await res.text()}`);

  // A 500-fix batch on the rep's open day (work hours widened to the whole week, so any hour of the run counts).
  await client`UPDATE org_settings SET work_day_start = '00:00', work_day_end = '23:59', work_days = '{1,2,3,4,5,6,7}' WHERE id = 1`;
  const pingsRoute = await import("../src/app/api/v1/tracking/pings/route");
  const pings = () => {
    const t = Date.now();
    const batch = Array.from({ length: 500 }, (_, i) => ({
      client_id: randomUUID(), lat: loc!.lat + i * 1e-5, lon: loc!.lon, accuracy_m: 8, captured_at: new Date(t - (500 - i) * 1000).toISOString(),
    }));
    return postJson(pingsRoute.POST, "/api/v1/tracking/pings", { pings: batch });
  };
  await client`UPDATE daily_sessions SET login_time = now() - interval '1 hour' WHERE personnel_id = ${rep!.id} AND status = 'OPEN'`;
  await pings();
  const pingsCounted = await counted(() => pings());
  res = pingsCounted.res;
  const accepted = ((await res.json()) as { accepted?: number }).accepted;
  if (res.status !== 200 || accepted !== 500) throw new Error(`pings answered ${res.status}, accepted ${accepted}`);

  for (const [name, { lines, writes: w }] of [["check-in", checkInCounted], ["check-out", checkOutCounted], ["nearby", nearbyCounted], ["pings (500 fixes)", pingsCounted]] as const) {
    console.log(`\n${name}: ${lines.length} statements, ${w} socket writes`);
    lines.forEach((q, i) => console.log(`  ${String(i + 1).padStart(2)}. ${q}`));
  }
  console.log(
    "\nNot counted above: the actor cache's barrier (`SELECT 1` on its own listener connection, one per batch of requests that arrive\n" +
      "together; a lone request pays one) and the rate limit's batched write (one statement per second for all keys).",
  );
  await flushApiRateLimits();
  await (await import("../src/server/auth/actor-cache")).actorCacheFor(handle)?.close();
  pointAppAt(undefined);
  await client.end();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
