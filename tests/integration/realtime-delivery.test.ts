/**
 * Live events over real SSE connections: none lost, none doubled, in one order — when concurrent transactions
 * commit out of id order around a resume, when a client reconnects every few hundred milliseconds while eight
 * writers commit concurrently, when the hub's database listener is killed while events are written, and when a
 * backlog is too large to replay (a `stream.reset` frame instead of a silent gap). Open streams are re-authorised:
 * a deactivated admin's stream stops, so do a revoked API key's and a demoted manager's, and a rep moved to
 * another manager leaves the first manager's stream. Streams end at their maximum lifetime.
 * PGlite runs one transaction at a time (a read waits behind an open transaction), so the out-of-order and
 * listener-kill cases need a PostgreSQL server; the rest run on both drivers.
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import postgres, { type TransactionSql } from "postgres";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { GET as eventsRoute } from "../../src/app/api/v1/events/route";
import type { Actor } from "../../src/server/auth/actor";
import { createApiKey } from "../../src/server/auth/api-keys/create-api-key";
import { revokeApiKey } from "../../src/server/auth/api-keys/revoke-api-key";
import { issueAccessToken } from "../../src/server/auth/tokens";
import { recentActivity } from "../../src/server/dashboard/activity.queries";
import { queryRows } from "../../src/server/db/client";
import { openEventStream, REPLAY_LIMIT } from "../../src/server/realtime/event-stream";
import { positionNow } from "../../src/server/realtime/horizon";
import { hubFor, RESET_AFTER } from "../../src/server/realtime/hub";
import { describeEachDriver } from "../support/db";
import { requireLocalUrl, withDatabase } from "../support/test-db-url";
import { Random } from "../../db/seed/random";
import { seedDemoPeople, serveRoutes, SseClient } from "../support/live-http";

describeEachDriver("live event delivery", (ctx) => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  let people: Record<string, Actor>;
  let team1: number[];
  const open: SseClient[] = [];

  beforeAll(async () => {
    const db = ctx.handle.db;
    people = await seedDemoPeople(ctx.handle);
    team1 = (await queryRows<{ id: number }>(db, sql`SELECT id FROM personnel WHERE manager_id = ${people.manager1!.id} AND role = 'rep' ORDER BY id`)).map((r) => Number(r.id));
    server = await serveRoutes({ "/api/v1/events": eventsRoute as never });
  }, 120_000);

  afterAll(async () => {
    open.forEach((c) => c.close());
    await server?.close();
  });

  const bearer = async (key: string) => ({ authorization: `Bearer ${await issueAccessToken(people[key]!.id, new Date())}` });
  const connect = async (headers: Record<string, string>) => {
    const { client, body } = await SseClient.open(`${server.url}/api/v1/events`, headers);
    if (body !== null) throw new Error(`stream refused: ${client.status} ${body}`);
    open.push(client);
    await client.until(() => client.frames.some((f) => f.comment === "connected"));
    return client;
  };
  const listen = async (key: string, lastEventId?: number) => connect({ ...(await bearer(key)), ...(lastEventId === undefined ? {} : { "last-event-id": String(lastEventId) }) });
  /** The test's own events (payload.mark), in the order a client received them. */
  const marks = (c: SseClient) => c.events().filter((e) => (e.data.payload as { mark?: string } | undefined)?.mark !== undefined).map((e) => (e.data.payload as { mark: string }).mark);
  const insertEvent = (personnelId: number, mark: string) =>
    sql`INSERT INTO events (type, personnel_id, payload) VALUES ('visit.checked_in', ${personnelId}, ${JSON.stringify({ mark })}::jsonb) RETURNING id`;
  const emit = async (personnelId: number, mark: string) => Number((await queryRows<{ id: number }>(ctx.handle.db, insertEvent(personnelId, mark)))[0]!.id);
  const pg = () => {
    const c = ctx.handle.client;
    if (c.kind !== "postgres") throw new Error("PostgreSQL only");
    return c.sql;
  };
  /** A transaction held open until released: `steps` run inside it, then it waits for `commit()`. */
  const heldTransaction = <T>(steps: (tx: TransactionSql) => Promise<T>) => {
    let commit!: () => void;
    const release = new Promise<void>((r) => (commit = r));
    let ready!: (v: T) => void;
    const result = new Promise<T>((r) => (ready = r));
    const done = pg().begin(async (tx) => {
      ready(await steps(tx));
      await release;
    });
    return { result, commit: async () => (commit(), await done) };
  };
  const lastId = (c: SseClient, fallback: number) => c.events().at(-1)?.id ?? fallback;

  it.skipIf(ctx.driver === "pglite")("two transactions committing out of id order around a resume: each event once, in one order", async () => {
    const before = (await positionNow(ctx.handle.db)).id;
    const c1 = await listen("manager1", before);
    const insert = (mark: string) => async (tx: TransactionSql) => Number((await tx.unsafe(`INSERT INTO events (type, personnel_id, payload) VALUES ('visit.checked_in', $1, $2::jsonb) RETURNING id`, [team1[0]!, JSON.stringify({ mark })]))[0]!.id);
    const a = heldTransaction(insert("A")); // the lower id, committed last
    const idA = await a.result;
    const idB = await pg().begin(insert("B"));
    expect(idB).toBeGreaterThan(idA);
    // B is committed but A, older, is still open: B is not deliverable yet, and the page's position stays before both.
    await hubFor(ctx.handle).wake();
    expect((await positionNow(ctx.handle.db)).id).toBe(before);
    expect((await recentActivity(ctx.handle.db, sql`SELECT ${team1[0]!}::int`)).lastEventId).toBe(before);
    c1.close();
    const c2 = await listen("manager1", lastId(c1, before));
    await a.commit();
    await c2.until(() => marks(c2).length >= 2);
    expect([...marks(c1), ...marks(c2)]).toEqual(["A", "B"]);
  });

  it.skipIf(ctx.driver === "pglite")("the higher id first when its transaction is older: resume points follow delivery order", async () => {
    const start = (await positionNow(ctx.handle.db)).id;
    const c1 = await listen("manager1", start);
    let insertC!: () => void;
    const goC = new Promise<void>((r) => (insertC = r));
    let idC = 0;
    let hasXid!: () => void;
    const xidTaken = new Promise<void>((r) => (hasXid = r));
    const older = pg().begin(async (tx) => {
      await tx`SELECT pg_current_xact_id()`; // the older transaction id
      hasXid();
      await goC;
      idC = Number((await tx.unsafe(`INSERT INTO events (type, personnel_id, payload) VALUES ('visit.checked_in', $1, '{"mark":"C"}'::jsonb) RETURNING id`, [team1[1]!]))[0]!.id);
    });
    await xidTaken;
    const idD = await emit(team1[1]!, "D"); // younger transaction, lower id, commits first
    insertC();
    await older;
    expect(idC).toBeGreaterThan(idD);
    await c1.until(() => marks(c1).length >= 2);
    expect(marks(c1)).toEqual(["C", "D"]);
    expect(c1.events().slice(-2).map((e) => e.id)).toEqual([idC, idD]);
    // Resuming after C (the higher id) still gets D; after D, nothing is sent again.
    const afterC = await listen("manager1", idC);
    const afterD = await listen("manager1", idD);
    await emit(team1[1]!, "E");
    await afterC.until(() => marks(afterC).includes("E"));
    await afterD.until(() => marks(afterD).includes("E"));
    expect(marks(afterC)).toEqual(["D", "E"]);
    expect(marks(afterD)).toEqual(["E"]);
  });

  it.skipIf(ctx.driver === "pglite")("a writing transaction open in ANOTHER database of the cluster holds nothing back; one open in this database does", async () => {
    // xids are cluster-wide: a horizon taken from pg_snapshot_xmin alone would wait for another app's (or a migration's)
    // transaction in the same cluster, which can never write this outbox.
    const other = postgres(withDatabase(requireLocalUrl(inject("postgresUrl")!), "postgres"), { max: 1, onnotice: () => {} });
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    try {
      let hasXid!: () => void;
      const xidTaken = new Promise<void>((r) => (hasXid = r));
      const elsewhere = other.begin(async (tx) => {
        await tx`SELECT pg_current_xact_id()`; // an xid older than the events below, held open
        hasXid();
        await released;
      });
      await xidTaken;
      const start = (await positionNow(ctx.handle.db)).id;
      const c1 = await listen("manager1", start);
      const idF = await emit(team1[0]!, "F");
      await c1.until(() => marks(c1).includes("F"));
      expect((await positionNow(ctx.handle.db)).id).toBe(idF);
      // The same in this database: an older open transaction keeps a later commit back until it ends.
      const here = heldTransaction(async (tx) => void (await tx`SELECT pg_current_xact_id()`));
      await here.result;
      const idG = await emit(team1[0]!, "G");
      await hubFor(ctx.handle).wake();
      expect((await positionNow(ctx.handle.db)).id).toBe(idF);
      await here.commit();
      await c1.until(() => marks(c1).includes("G"));
      expect((await positionNow(ctx.handle.db)).id).toBe(idG);
      expect(marks(c1)).toEqual(["F", "G"]);
      release();
      await elsewhere;
    } finally {
      release();
      await other.end();
    }
  });

  it("a client reconnecting every few hundred ms while eight writers commit concurrently gets all 48 events once", async () => {
    const rng = new Random(17_2);
    const base = (await positionNow(ctx.handle.db)).id;
    const writers = Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let i = 0; i < 6; i++) {
          await ctx.handle.db.transaction(async (tx) => {
            await tx.execute(sql`SELECT pg_sleep(${rng.next() * 0.03})`);
            await tx.execute(insertEvent(team1[w % team1.length]!, `w${w}-${i}`));
            await tx.execute(sql`SELECT pg_sleep(${rng.next() * 0.05})`);
          });
        }
      })(),
    );
    let done = false;
    const all = Promise.all(writers).then(() => (done = true));
    const received: string[] = [];
    let last = base;
    const headers = await bearer("admin");
    while (!done || received.length < 48) {
      const c = await connect({ ...headers, "last-event-id": String(last) });
      await new Promise((r) => setTimeout(r, 150 + rng.next() * 150));
      c.close();
      received.push(...marks(c));
      last = lastId(c, last);
      if (done && received.length < 48) await hubFor(ctx.handle).wake();
    }
    await all;
    expect(received).toHaveLength(48);
    expect(new Set(received).size).toBe(48);
    // Each writer's events arrive in the order that writer committed them.
    for (let w = 0; w < 8; w++) expect(received.filter((m) => m.startsWith(`w${w}-`))).toEqual(Array.from({ length: 6 }, (_, i) => `w${w}-${i}`));
  }, 60_000);

  it.skipIf(ctx.driver === "pglite")("the listener connection is killed and events are written meanwhile: the hub backfills them", async () => {
    const c = await listen("manager1");
    const [victim] = await queryRows<{ pid: number }>(
      ctx.handle.db,
      sql`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query ILIKE 'listen "fieldbeat_%'`,
    );
    expect(victim).toBeDefined();
    await queryRows(ctx.handle.db, sql`SELECT pg_terminate_backend(${victim!.pid})`);
    for (const m of ["K1", "K2", "K3"]) await emit(team1[2]!, m);
    await c.until(() => marks(c).length >= 3);
    await emit(team1[2]!, "K4");
    await c.until(() => marks(c).includes("K4"));
    expect(marks(c)).toEqual(["K1", "K2", "K3", "K4"]);
  }, 30_000);

  it("a deactivated admin's open stream stops, and reconnecting is refused", async () => {
    const db = ctx.handle.db;
    await db.execute(sql`UPDATE personnel SET role = 'admin', manager_id = NULL WHERE id = ${people.manager3!.id}`);
    const headers = await bearer("manager3");
    const c = await connect(headers);
    await emit(team1[0]!, "before-deactivation");
    await c.until(() => marks(c).includes("before-deactivation"));
    await db.execute(sql`UPDATE personnel SET active = false WHERE id = ${people.manager3!.id}`);
    await c.until(() => c.ended, 10_000);
    const again = await SseClient.open(`${server.url}/api/v1/events`, headers);
    expect(again.client.status).toBe(401);
  });

  it("a revoked API key's stream stops; a demoted manager's stream stops", async () => {
    const admin = { db: ctx.handle.db, actor: people.admin!, now: new Date() };
    const { key } = await createApiKey(admin, { client_id: randomUUID(), name: "sse test", access: "read", personnel_id: people.manager2!.id });
    const viaKey = await connect({ "x-api-key": key.secret! });
    const manager = await listen("manager2");
    await revokeApiKey(admin, { id: key.id });
    await viaKey.until(() => viaKey.ended, 10_000);
    await ctx.handle.db.execute(sql`UPDATE personnel SET role = 'rep' WHERE id = ${people.manager2!.id}`);
    await manager.until(() => manager.ended, 10_000);
  });

  it("a rep moved to another manager leaves the first manager's stream within seconds", async () => {
    const moved = team1.at(-1)!;
    const stays = team1[0]!;
    const c = await listen("manager1");
    await ctx.handle.db.execute(sql`UPDATE personnel SET manager_id = ${people.manager2!.id} WHERE id = ${moved}`);
    // Keep writing an event about the moved rep followed by a marker about one who stays, until a marker arrives
    // without the moved rep's event before it: the stream has narrowed.
    for (let round = 0; ; round++) {
      expect(round).toBeLessThan(50);
      await emit(moved, `moved-${round}`);
      await emit(stays, `stays-${round}`);
      await c.until(() => marks(c).includes(`stays-${round}`));
      if (!marks(c).includes(`moved-${round}`)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 30_000);

  it("ends a stream at its maximum lifetime (EventSource then reconnects and resumes)", async () => {
    const abort = new AbortController();
    const stream = await openEventStream({ db: ctx.handle.db, actor: people.manager1!, now: new Date() }, ctx.handle, { lastEventId: null, signal: abort.signal, maxLifetimeMs: 50 });
    const reader = stream.getReader();
    while (!(await reader.read()).done);
    abort.abort();
  });

  it("past the hub's own cap, only the streams that missed too much in their scope reset; the others catch up on their own", async () => {
    open.splice(0).forEach((c) => c.close());
    const db = ctx.handle.db;
    // Earlier tests demoted manager2 and made manager3 an admin: the viewers here are manager1 and one of its reps (a
    // rep's stream carries its own plan changes), the filler is about a rep of manager3's (seen by neither).
    const [team3rep] = (await queryRows<{ id: number }>(db, sql`SELECT id FROM personnel WHERE manager_id = ${people.manager3!.id} AND role = 'rep' ORDER BY id LIMIT 1`)).map((r) => Number(r.id));
    const [repKey] = Object.entries(people).find(([, a]) => a.id === team1[0]!)!;
    const manager = await listen("manager1");
    const rep = await listen(repKey);
    // One transaction, in id order: RESET_AFTER events of manager3's rep, REPLAY_LIMIT + 10 of another rep of manager1's,
    // three plan changes of the listening rep. The hub delivers its cap (the first RESET_AFTER: nothing for these two
    // streams) and skips the rest: manager1's share of the skip is over the replay cap, the rep's is three events.
    const bulk = (personnelId: number, n: number, type: string) =>
      sql`INSERT INTO events (type, personnel_id, payload) SELECT ${type}, ${personnelId}, jsonb_build_object('n', g) FROM generate_series(1, ${n}) g`;
    await db.transaction(async (tx) => {
      await tx.execute(bulk(team3rep!, RESET_AFTER, "tracking.pings"));
      await tx.execute(bulk(team1[1]!, REPLAY_LIMIT + 10, "tracking.pings"));
      await tx.execute(sql`INSERT INTO events (type, personnel_id, payload) SELECT 'plan.changed', ${team1[0]!}, jsonb_build_object('mark', 'skipped-' || g) FROM generate_series(1, 3) g`);
    });
    await hubFor(ctx.handle).wake();
    await manager.until(() => manager.frames.some((f) => f.event === "stream.reset"), 60_000);
    expect(manager.events(["tracking.pings"])).toHaveLength(0);
    await db.execute(sql`INSERT INTO events (type, personnel_id, payload) VALUES ('plan.changed', ${team1[0]!}, '{"mark":"after-skip"}'::jsonb)`);
    await rep.until(() => marks(rep).includes("after-skip"), 60_000);
    expect(marks(rep)).toEqual(["skipped-1", "skipped-2", "skipped-3", "after-skip"]);
    expect(rep.frames.some((f) => f.event === "stream.reset")).toBe(false);
    manager.close();
    rep.close();
  }, 180_000);

  it("a backlog beyond the replay cap is answered with stream.reset and a position to resume from, not a silent gap", async () => {
    open.splice(0).forEach((c) => c.close());
    const before = (await positionNow(ctx.handle.db)).id;
    await ctx.handle.db.execute(
      sql`INSERT INTO events (type, personnel_id, payload) SELECT 'tracking.pings', ${team1[0]!}, '{}'::jsonb FROM generate_series(1, ${REPLAY_LIMIT + 1})`,
    );
    // The process's hub reads that backlog too and, past its own cap, resets its clients: wait until it is past it
    // (a probe stream sees a marker written after the backlog, or the hub's reset), so the streams below meet only
    // the replay path under test.
    const probe = await listen("manager1");
    await emit(team1[0]!, "hub-caught-up");
    await probe.until(() => marks(probe).includes("hub-caught-up") || probe.frames.some((f) => f.event === "stream.reset"));
    probe.close();
    const now = (await positionNow(ctx.handle.db)).id;
    const c = await listen("manager1", before);
    await c.until(() => c.frames.some((f) => f.event === "stream.reset"));
    const reset = c.frames.find((f) => f.event === "stream.reset")!;
    expect(Number(reset.id)).toBe(now);
    expect(c.events(["tracking.pings"])).toHaveLength(0);
    const resumed = await listen("manager1", Number(reset.id));
    await emit(team1[0]!, "after-reset");
    await resumed.until(() => marks(resumed).includes("after-reset"));
    expect(resumed.events().map((e) => e.event)).toEqual(["visit.checked_in"]);
  }, 60_000);
});
