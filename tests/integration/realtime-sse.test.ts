/**
 * GET /api/v1/events over real HTTP connections: resume from Last-Event-ID out of the outbox (exactly the missed
 * events, in order, no duplicates), per-viewer scope (two managers listening while both teams act), refusal
 * before the stream opens, heartbeat, and cleanup when the client disconnects. Both drivers: NOTIFY from the
 * events trigger reaches the hub through PGlite's in-process listen or a postgres.js LISTEN connection.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GET as eventsRoute } from "../../src/app/api/v1/events/route";
import type { Actor } from "../../src/server/auth/actor";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { queryRows } from "../../src/server/db/client";
import { openEventStream } from "../../src/server/realtime/event-stream";
import { hubFor } from "../../src/server/realtime/hub";
import { putDayPlan, orgDay } from "../../src/server/plans/day-plan";
import { resetShutdownForTests, shutdownApp } from "../../src/server/lifecycle/shutdown";
import { startSession } from "../../src/server/sessions/start-session";
import { checkIn } from "../../src/server/visits/check-in";
import { describeEachDriver } from "../support/db";
import { seedDemoPeople, serveRoutes, SseClient } from "../support/live-http";

describeEachDriver("SSE event stream", (ctx) => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let people: Record<string, Actor>;
  let loc: { id: number; lat: number; lon: number };
  const open: SseClient[] = [];

  beforeAll(async () => {
    const db = ctx.handle.db;
    people = await seedDemoPeople(ctx.handle);
    const [l] = await queryRows<{ id: number; lat: number; lon: number }>(db, sql`SELECT id, ST_Y(coordinates::geometry) AS lat, ST_X(coordinates::geometry) AS lon FROM locations WHERE active ORDER BY id LIMIT 1`);
    loc = { id: l!.id, lat: Number(l!.lat), lon: Number(l!.lon) };
    server = await serveRoutes({ "/api/v1/events": eventsRoute as never });
  }, 120_000);

  afterAll(async () => {
    open.forEach((c) => c.close());
    await server?.close();
  });

  const bearer = async (key: string) => ({ authorization: `Bearer ${await issueAccessToken(people[key]!.id, new Date())}` });
  const listen = async (key: string, extra: Record<string, string> = {}) => {
    const { client, body } = await SseClient.open(`${server.url}/api/v1/events`, { ...(await bearer(key)), ...extra });
    open.push(client);
    expect(body, `${key}'s stream opens`).toBeNull();
    await client.until(() => client.frames.some((f) => f.comment === "connected"));
    return client;
  };
  const checkInAs = (key: string) =>
    checkIn({ db: ctx.handle.db, actor: people[key]!, now: new Date() }, { client_id: randomUUID(), location_id: loc.id, lat: loc.lat, lon: loc.lon, accuracy_m: 5, captured_at: new Date().toISOString() });
  const startDay = (key: string) => startSession({ db: ctx.handle.db, actor: people[key]!, now: new Date() }, { client_id: randomUUID() });
  const maxEventId = async () => Number((await queryRows<{ m: number }>(ctx.handle.db, sql`SELECT coalesce(max(id), 0)::int AS m FROM events`))[0]!.m);

  it("refuses before opening: 401 without a credential, as JSON", async () => {
    const anon = await SseClient.open(`${server.url}/api/v1/events`, {});
    expect(anon.client.status).toBe(401);
    expect(JSON.parse(anon.body!)).toMatchObject({ error: { code: "UNAUTHENTICATED" } });
  });

  it("a rep's stream carries only plan.changed of their own plan, live and replayed (issue #19)", async () => {
    // One instant for "today" and the writes that plan it: two readings of the wall clock straddled the org's midnight
    // once in a while (the plan's day was then in the past).
    const now = new Date();
    const { today } = await orgDay(ctx.handle.db, now);
    const putPlan = (key: string) =>
      putDayPlan({ db: ctx.handle.db, actor: people.admin!, now }, people[key]!.id, today, { client_id: randomUUID(), stops: [{ location_id: loc.id }] });
    const before = await maxEventId();
    const r1 = await listen("rep01");
    const r2 = await listen("rep02");
    await startDay("rep01");
    await checkInAs("rep01");
    await putPlan("rep02");
    await putPlan("rep01");
    // Events leave in commit order: once rep01 has their plan change, their own check-in or rep02's plan would be there too.
    await r1.until(() => r1.events().length >= 1);
    await r2.until(() => r2.events().length >= 1);
    expect(r1.events().map((e) => [e.event, e.data.personnel_id])).toEqual([["plan.changed", people.rep01!.id]]);
    expect(r1.events()[0]!.data.payload).toMatchObject({ date: today, source: "manual" });
    expect(r2.events().map((e) => [e.event, e.data.personnel_id])).toEqual([["plan.changed", people.rep02!.id]]);
    // A reconnect replays from the outbox with the same rule.
    const again = await listen("rep01", { "last-event-id": String(before) });
    await again.until(() => again.events().length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(again.events().map((e) => [e.event, e.data.personnel_id])).toEqual([["plan.changed", people.rep01!.id]]);
  });

  it("resumes from Last-Event-ID with exactly the missed events, in order, then continues live without duplicates", async () => {
    for (const r of ["rep02", "rep03", "rep04", "rep05"]) await startDay(r);
    const before = await maxEventId();
    const made = [];
    for (const r of ["rep02", "rep03", "rep04"]) made.push((await checkInAs(r)).body.visit.id);
    const m1 = await listen("manager1", { "last-event-id": String(before) });
    await m1.until(() => m1.events().length >= 3);
    const replayed = m1.events();
    expect(replayed.map((e) => e.event)).toEqual(["visit.checked_in", "visit.checked_in", "visit.checked_in"]);
    expect(replayed.map((e) => e.data.visit_id)).toEqual(made);
    expect(replayed.map((e) => e.data.personnel_id)).toEqual([people.rep02!.id, people.rep03!.id, people.rep04!.id]);
    expect(replayed.map((e) => e.id)).toEqual([...replayed.map((e) => e.id)].sort((a, b) => a - b));

    const live = (await checkInAs("rep05")).body.visit.id;
    await m1.until(() => m1.events().some((e) => e.data.visit_id === live));
    const all = m1.events();
    expect(all.map((e) => e.data.visit_id)).toEqual([...made, live]);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
  });

  it("accepts ?last_event_id= for a first connect (EventSource cannot set the header then)", async () => {
    const before = await maxEventId();
    await startDay("rep06");
    const { client } = await SseClient.open(`${server.url}/api/v1/events?last_event_id=${before}`, await bearer("manager1"));
    open.push(client);
    await client.until(() => client.events().length >= 1);
    expect(client.events()[0]).toMatchObject({ event: "session.started", data: { personnel_id: people.rep06!.id } });
  });

  it("never carries another team's events: two managers listening while reps of both teams act", async () => {
    const m1 = await listen("manager1");
    const m2 = await listen("manager2");
    const team = async (managerKey: string) =>
      new Set((await queryRows<{ id: number }>(ctx.handle.db, sql`SELECT id FROM personnel WHERE manager_id = ${people[managerKey]!.id} OR id = ${people[managerKey]!.id}`)).map((r) => r.id));
    const [t1, t2] = [await team("manager1"), await team("manager2")];
    const a = (await checkInAs("rep07")).body.visit.id;
    const b = (await checkInAs("rep10")).body.visit.id;
    const c = (await checkInAs("rep11")).body.visit.id;
    const d = (await checkInAs("rep08")).body.visit.id;
    // Events leave in commit order: once each has its team's last event, anything of the other team would be there too.
    await m1.until(() => m1.events().some((e) => e.data.visit_id === d));
    await m2.until(() => m2.events().some((e) => e.data.visit_id === c));
    expect(m1.events().filter((e) => e.event === "visit.checked_in").map((e) => e.data.visit_id)).toEqual([a, d]);
    expect(m2.events().filter((e) => e.event === "visit.checked_in").map((e) => e.data.visit_id)).toEqual([b, c]);
    expect(m1.events().every((e) => t1.has(e.data.personnel_id as number))).toBe(true);
    expect(m2.events().every((e) => t2.has(e.data.personnel_id as number))).toBe(true);
    const admin = await listen("admin", { "last-event-id": String((await maxEventId()) - 8) });
    await admin.until(() => admin.events().length >= 8);
    expect(admin.events().map((e) => e.data.visit_id)).toEqual(expect.arrayContaining([a, b, c, d]));
  });

  it("releases the hub subscription when the client disconnects", async () => {
    const hub = hubFor(ctx.handle);
    const base = hub.size;
    const client = await listen("manager3");
    expect(hub.size).toBe(base + 1);
    client.close();
    await expect.poll(() => hub.size, { timeout: 10_000 }).toBe(base);
  });

  it("sends a heartbeat comment while idle", async () => {
    const abort = new AbortController();
    const stream = await openEventStream({ db: ctx.handle.db, actor: people.manager1!, now: new Date() }, ctx.handle, { lastEventId: null, signal: abort.signal, heartbeatMs: 30 });
    const reader = stream.getReader();
    let text = "";
    while (!text.includes(": heartbeat")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/^retry: 3000\n: connected\n\n/);
    abort.abort();
    expect((await reader.read()).done).toBe(true);
  });

  it("on shutdown, ends every open stream with a retry hint and a closing comment; a stream opened then ends at once; the resume point holds", async () => {
    const hub = hubFor(ctx.handle);
    const a = await listen("admin");
    const b = await listen("manager1");
    await startDay("rep12");
    await a.until(() => a.events().length > 0);
    const lastSeen = a.events().at(-1)!.id;
    try {
      expect((await shutdownApp()).streams).toBeGreaterThanOrEqual(2);
      for (const c of [a, b]) {
        await c.until(() => c.ended);
        const last = c.frames.at(-1)!;
        expect(last.comment).toBe("server shutting down, reconnect");
        expect(last.retry).toBeGreaterThanOrEqual(1000);
        expect(last.retry).toBeLessThan(3000);
      }
      // Every stream of the process has ended (those of earlier cases too) and left the hub.
      await expect.poll(() => hub.size, { timeout: 10_000 }).toBe(0);
      // A request already in flight when the shutdown began: answered, but sent elsewhere at once.
      const late = await listen("manager1");
      await late.until(() => late.ended);
      expect(late.frames.at(-1)!.comment).toBe("server shutting down, reconnect");
    } finally {
      resetShutdownForTests();
    }
    // The client reconnects (elsewhere) with its Last-Event-ID and gets what happened meanwhile, nothing before.
    await startDay("rep13");
    const again = await listen("admin", { "last-event-id": String(lastSeen) });
    await again.until(() => again.events().some((e) => e.data.personnel_id === people.rep13!.id));
    expect(again.events().every((e) => e.id > lastSeen)).toBe(true);
  });
});
