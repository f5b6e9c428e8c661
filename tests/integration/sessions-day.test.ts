import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, expect, it, vi } from "vitest";
import { POST as endRoute } from "../../src/app/api/v1/sessions/end/route";
import { POST as startRoute } from "../../src/app/api/v1/sessions/start/route";
import { GET as todayRoute } from "../../src/app/api/v1/sessions/today/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as checkOutRoute } from "../../src/app/api/v1/visits/check-out/route";
import { localDate } from "../../src/lib/time";
import type { Actor } from "../../src/server/auth/actor";
import { queryRows } from "../../src/server/db/client";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid, writeCounts } from "../support/visits-world";
import { ensurePingPartitions } from "../../src/server/tracking/ping-partitions";

describeEachDriver("daily sessions: start, today, end", (ctx) => {
  let rep: Actor, loc: number;
  beforeAll(async () => {
    // The clock is injected: noon in Bengaluru, so "30 minutes ago" and "two days ago ± 1 h" stay on the
    // dates the test means whatever the hour it runs (it failed daily 18:30–19:00 UTC on the real clock).
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true, now: new Date("2026-03-02T06:30:00Z") });
    useDbHandle(ctx.handle);
    rep = await makePerson(ctx.handle.db, "rep");
    loc = await makeLocation(ctx.handle.db, 12.9716, 77.5946);
  });
  afterEach(() => useDbHandle(ctx.handle));
  afterAll(() => vi.useRealTimers());

  const start = (as: number, body: Record<string, unknown>) => call(startRoute, "/api/v1/sessions/start", { as, body });
  const end = (as: number, body: Record<string, unknown>) => call(endRoute, "/api/v1/sessions/end", { as, body });
  const today = (as: number) => call(todayRoute, "/api/v1/sessions/today", { as });
  const events = async (id: number) =>
    (await queryRows<{ type: string }>(ctx.handle.db, sql`SELECT type FROM events WHERE personnel_id = ${id} ORDER BY id`)).map((e) => e.type);

  it("a whole day: start (idempotent), visit, end blocked while the visit is open, end with travel from pings, reopen", async () => {
    const date = localDate(new Date(), "Asia/Kolkata");
    expect((await today(rep.id)).body).toEqual({ session: null, session_date: date, open_visit: null });

    const startBody = { client_id: uuid(), captured_at: isoAgo(30 * 60_000), lat: 12.97, lon: 77.59 };
    const s1 = await start(rep.id, startBody);
    expect(s1.status).toBe(201);
    expect(s1.body.session).toMatchObject({ personnel_id: rep.id, session_date: date, status: "OPEN", login_time: startBody.captured_at, total_visits: 0, start_client_id: startBody.client_id });
    const replay = await start(rep.id, startBody);
    expect(replay.status).toBe(200);
    expect(replay.text).toBe(s1.text);
    const again = await start(rep.id, { client_id: uuid() });
    expect(again.status).toBe(200);
    expect(again.body.session).toEqual(s1.body.session);
    expect((await today(rep.id)).body.session).toEqual(s1.body.session);

    const ci = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(20 * 60_000), offline_replay: true } });
    expect(ci.status).toBe(201);
    expect((await today(rep.id)).body.session.total_visits).toBe(1);

    const before = await writeCounts(ctx.handle.db);
    const blocked = await end(rep.id, { client_id: uuid() });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: "VISIT_STILL_OPEN", open_visit_id: ci.body.visit.id });
    expect(await writeCounts(ctx.handle.db)).toEqual(before);

    const co = await call(checkOutRoute, "/api/v1/visits/check-out", { as: rep.id, body: { client_id: uuid(), visit_id: ci.body.visit.id, lat: 12.97161, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(10 * 60_000), offline_replay: true } });
    expect(co.status).toBe(200);

    // Two breadcrumbs 1,000 m apart on the spheroid, good accuracy: the day's travel becomes 1.00 km at the end.
    const sessionId = s1.body.session.id as number;
    // Pings written here directly: their day partition first (the pings use-case makes its own; ping-partitions.ts).
    await ensurePingPartitions(ctx.handle.db, isoAgo(9 * 60_000).slice(0, 10), isoAgo(5 * 60_000).slice(0, 10));
    await ctx.handle.db.execute(sql`
      INSERT INTO location_pings (client_id, personnel_id, session_id, coords, accuracy_m, source, captured_at)
      SELECT gen_random_uuid(), ${rep.id}, ${sessionId}, g, 5, 'gps', t FROM (VALUES
        (ST_SetSRID(ST_MakePoint(77.60, 12.95), 4326)::geography, ${isoAgo(9 * 60_000)}::timestamptz),
        (ST_Project(ST_SetSRID(ST_MakePoint(77.60, 12.95), 4326)::geography, 1000, radians(90)), ${isoAgo(5 * 60_000)}::timestamptz)) p(g, t)`);

    const endBody = { client_id: uuid(), captured_at: isoAgo(60_000) };
    const e1 = await end(rep.id, endBody);
    expect(e1.status).toBe(200);
    expect(e1.body.session).toMatchObject({ id: sessionId, status: "CLOSED", logout_time: endBody.captured_at, end_client_id: endBody.client_id, total_visits: 1, total_travel_km: 1 });
    expect((await end(rep.id, endBody)).text).toBe(e1.text);
    const none = await end(rep.id, { client_id: uuid() });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("NO_OPEN_SESSION");
    expect(await events(rep.id)).toEqual(["session.started", "visit.checked_in", "visit.checked_out", "session.ended"]);
    const [ended] = await queryRows<{ payload: Record<string, unknown> }>(ctx.handle.db, sql`SELECT payload FROM events WHERE personnel_id = ${rep.id} AND type = 'session.ended'`);
    expect(ended!.payload).toMatchObject({ session_id: sessionId, total_visits: 1, total_travel_km: 1 });

    // Working after "End day": a check-in reopens the same day.
    const late = await call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: uuid(), location_id: loc, lat: 12.97162, lon: 77.5946, accuracy_m: 5, captured_at: new Date().toISOString() } });
    expect(late.status).toBe(201);
    expect((await today(rep.id)).body.session).toMatchObject({ id: sessionId, status: "OPEN", logout_time: null, total_visits: 2 });
  });

  it("the first check-in of the day opens the session by itself", async () => {
    const other = await makePerson(ctx.handle.db, "rep");
    const ci = await call(checkInRoute, "/api/v1/visits/check-in", { as: other.id, body: { client_id: uuid(), location_id: loc, lat: 12.97163, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(1000) } });
    expect(ci.status).toBe(201);
    const t = await today(other.id);
    expect(t.body.session).toMatchObject({ status: "OPEN", total_visits: 1, login_time: ci.body.visit.check_in_time, start_client_id: null });
    expect(await events(other.id)).toEqual(["session.started", "visit.checked_in"]);
  });

  it("a late offline replay of a past day's check-in counts on that day without reopening it", async () => {
    const db = ctx.handle.db;
    const late = await makePerson(db, "rep");
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    const day = localDate(twoDaysAgo, "Asia/Kolkata");
    // That day was started and ended (offline) and those actions already synced.
    expect((await start(late.id, { client_id: uuid(), captured_at: new Date(twoDaysAgo.getTime() - 3_600_000).toISOString() })).status).toBe(201);
    expect((await end(late.id, { client_id: uuid(), captured_at: new Date(twoDaysAgo.getTime() + 3_600_000).toISOString() })).status).toBe(200);
    const ci = await call(checkInRoute, "/api/v1/visits/check-in", {
      as: late.id,
      body: { client_id: uuid(), location_id: loc, lat: 12.97164, lon: 77.5946, accuracy_m: 5, captured_at: twoDaysAgo.toISOString(), offline_replay: true, queued_at: twoDaysAgo.toISOString() },
    });
    expect(ci.status).toBe(201);
    expect(ci.body.visit.planned_date).toBe(day);
    expect(ci.body.validation.flags).toEqual([]);
    const rows = await queryRows<{ session_date: string; status: string; total_visits: number }>(
      db,
      sql`SELECT session_date::text AS session_date, status, total_visits FROM daily_sessions WHERE personnel_id = ${late.id}`,
    );
    expect(rows).toEqual([{ session_date: day, status: "CLOSED", total_visits: 1 }]);
  });

  it.each([
    ["start", { client_id: "nope" }, 400, "client_id"],
    ["start", { client_id: uuid(), lat: 91, lon: 10 }, 400, "lat"],
    ["start", { client_id: uuid(), captured_at: isoAgo(-10 * 60_000) }, 400, "captured_at"],
    ["end", { captured_at: isoAgo(1000) }, 400, "client_id"],
  ] as const)("%s %j → %i on %s, nothing written", async (which, body, status, field) => {
    const before = await writeCounts(ctx.handle.db);
    const r = await (which === "start" ? start : end)(rep.id, body);
    expect(r.status).toBe(status);
    expect(r.body.error.field).toBe(field);
    expect(await writeCounts(ctx.handle.db)).toEqual(before);
  });

  it("admins have no day to start (403); no credentials is 401", async () => {
    const admin = await makePerson(ctx.handle.db, "admin");
    expect((await start(admin.id, { client_id: uuid() })).status).toBe(403);
    expect((await call(todayRoute, "/api/v1/sessions/today")).status).toBe(401);
  });
});
