/**
 * The outbox's wake-ups (issue #23, docs/decisions/0013 "The outbox NOTIFY"). PostgreSQL serialises the commits of
 * transactions that sent a NOTIFY, so:
 * - a transaction writing N events sends ONE notification (statement trigger, identical payloads fold), and the hub
 *   delivers all N (both drivers);
 * - while a hub holds the poll lease, writers send none at all and the hub still delivers every event, in one order;
 * - a writer that saw the lease valid but commits after it passed is still delivered by the hub's closing rounds
 *   (the safety round is switched off here, so nothing else could deliver it), and once the hub is idle again the
 *   next writer notifies.
 * Notifications are counted on a listener of the events channel; a `pg_notify` with a unique payload, committed
 * after the writes, is the barrier (a connection receives notifications in commit order).
 */
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/server/db/client";
import { setLogSinkForTests } from "../../src/server/log";
import { EventHub } from "../../src/server/realtime/hub";
import { EVENTS_CHANNEL, type LiveEvent } from "../../src/server/realtime/live-event";
import { describeEachDriver } from "../support/db";

const until = async (cond: () => boolean | Promise<boolean>, what: string, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describeEachDriver("outbox wake-ups", (ctx) => {
  const heard: string[] = [];
  let unlisten: () => Promise<void> = async () => {};
  const hubs: EventHub[] = [];

  beforeAll(async () => {
    const c = ctx.handle.client;
    if (c.kind === "pglite") {
      const stop = await c.pg.listen(EVENTS_CHANNEL, (p: string) => void heard.push(p));
      unlisten = async () => stop();
    } else {
      const l = await c.sql.listen(EVENTS_CHANNEL, (p: string) => void heard.push(p));
      unlisten = () => l.unlisten();
    }
  });

  afterAll(async () => {
    await Promise.all(hubs.map((h) => h.close()));
    await unlisten();
  });

  /** Writer wake-ups (empty payload) heard since `from`, counted once a barrier committed after them has arrived. */
  const wakeUpsSince = async (from: number) => {
    const mark = `barrier-${randomUUID()}`;
    await queryRows(ctx.handle.db, sql`SELECT pg_notify(${EVENTS_CHANNEL}, ${mark})`);
    await until(() => heard.includes(mark), "the barrier notification");
    return heard.slice(from, heard.indexOf(mark)).filter((p) => p === "").length;
  };
  const insert = (mark: string) => sql`INSERT INTO events (type, payload) VALUES ('test.mark', ${JSON.stringify({ mark })}::jsonb)`;
  const openHub = async (opts: ConstructorParameters<typeof EventHub>[1]) => {
    const hub = new EventHub(ctx.handle, { safetyPollMs: 3_600_000, ...opts });
    hubs.push(hub);
    const got: string[] = [];
    await hub.subscribe((e: LiveEvent) => {
      const mark = (e.payload as { mark?: string }).mark;
      if (mark) got.push(mark);
    });
    return { hub, got };
  };
  const leaseLeftMs = async () =>
    Number(
      (await queryRows<{ left: string }>(ctx.handle.db, sql`SELECT (last_value - (extract(epoch FROM clock_timestamp()) * 1000)::bigint)::text AS left FROM fieldbeat_events_poll_until`))[0]!
        .left,
    );

  it("a hub closed while its round awaits the database stops quietly: no error logged, nothing delivered", async () => {
    // The hub's queries wait at this gate while it is shut; the hub is closed in between (a server shutting down, a
    // test dropping its database).
    let release: (() => void) | null = null;
    let held: Promise<unknown> | null = null; // the held query, once released: settled when the hub has its answer
    let shut = false;
    const real = ctx.handle.db;
    const db = new Proxy(real, {
      get: (target, prop, receiver) =>
        prop === "execute"
          ? async (q: Parameters<Db["execute"]>[0]) => {
              if (!shut) return target.execute(q);
              await new Promise<void>((r) => (release = r));
              const answer = target.execute(q);
              held = answer.catch(() => {});
              return answer;
            }
          : Reflect.get(target, prop, receiver),
    });
    const hub = new EventHub({ ...ctx.handle, db }, { safetyPollMs: 3_600_000 });
    const got: LiveEvent[] = [];
    await hub.subscribe((e: LiveEvent) => void got.push(e));
    const lines: string[] = [];
    setLogSinkForTests({ write: (line: string) => void lines.push(line) });
    try {
      shut = true;
      await real.execute(insert(`closed-${randomUUID()}`));
      void hub.wake();
      await until(() => release !== null, "the hub's round to reach the database");
      await hub.close();
      shut = false;
      release!();
      // The round goes on once its query answers: wait for that, then for what its continuation does on the next turns.
      await until(() => held !== null, "the held query to be sent");
      await held;
      await new Promise((r) => setImmediate(r));
    } finally {
      setLogSinkForTests(null);
    }
    expect(lines.filter((l) => l.includes("outbox"))).toEqual([]);
    expect(got).toEqual([]);
  });

  it("a transaction writing N events sends one notification, and the hub delivers all N in order", async () => {
    const { hub, got } = await openHub({});
    await until(async () => (await leaseLeftMs()) <= 0, "no lease");
    const from = heard.length;
    const marks = Array.from({ length: 12 }, (_, i) => `tx-${i}`);
    await ctx.handle.db.transaction(async (tx) => {
      for (const m of marks) await tx.execute(insert(m));
    });
    expect(await wakeUpsSince(from)).toBe(1);
    await until(() => marks.every((m) => got.includes(m)), "the hub to deliver all of them");
    expect(got.filter((m) => marks.includes(m))).toEqual(marks);
    await hub.close();
  });

  it.skipIf(ctx.driver === "pglite")("while a hub holds the poll lease, writers send no notification and the hub delivers every event once", async () => {
    const { hub, got } = await openHub({ leaseMs: 6_000, pollMs: 50 });
    // The first writer finds no lease: it notifies, the hub delivers and takes the lease.
    await queryRows(ctx.handle.db, insert("first"));
    await until(async () => got.includes("first") && (await leaseLeftMs()) > 0, "the lease");
    const from = heard.length;
    // Eight writers, five transactions each, concurrently.
    const marks = await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        const mine: string[] = [];
        for (let k = 0; k < 5; k++) {
          const m = `w${w}-${k}`;
          await ctx.handle.db.transaction(async (tx) => {
            await tx.execute(insert(m));
          });
          mine.push(m);
        }
        return mine;
      }),
    );
    expect(await wakeUpsSince(from), "writer notifications during the lease").toBe(0);
    const all = marks.flat();
    await until(() => all.every((m) => got.includes(m)), "every event");
    expect(got.filter((m) => all.includes(m))).toHaveLength(all.length);
    // Each writer's events in its commit order.
    for (const mine of marks) expect(got.filter((m) => mine.includes(m))).toEqual(mine);
    await hub.close();
  });

  it.skipIf(ctx.driver === "pglite")("a writer that saw the lease valid and commits after it passed is delivered; then the next writer notifies again", async () => {
    const { hub, got } = await openHub({ leaseMs: 800, pollMs: 50 });
    await queryRows(ctx.handle.db, insert("opener"));
    await until(async () => got.includes("opener") && (await leaseLeftMs()) > 0, "the lease");
    const c = ctx.handle.client;
    if (c.kind !== "postgres") throw new Error("PostgreSQL only");
    const from = heard.length;
    let commit!: () => void;
    const release = new Promise<void>((r) => (commit = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const held = c.sql.begin(async (tx) => {
      await tx.unsafe(`INSERT INTO events (type, payload) VALUES ('test.mark', '{"mark":"late"}'::jsonb)`);
      inserted();
      await release;
    });
    await didInsert;
    // The lease passes while the writer is still open; the hub is closing (it waits for that transaction).
    await until(async () => (await leaseLeftMs()) < -300, "the lease to pass", 10_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(hub.polling, "the hub still polls for the open writer").toBe(true);
    commit();
    await held;
    await until(() => got.includes("late"), "the late writer's event (no safety round, no notification)");
    expect(await wakeUpsSince(from), "the late writer saw the lease and sent nothing").toBe(0);
    // Once the lease has passed (taken again when "late" arrived), the next writer finds none and notifies.
    await until(async () => (await leaseLeftMs()) <= 0, "the lease to pass again");
    const from2 = heard.length;
    await queryRows(ctx.handle.db, insert("after-idle"));
    expect(await wakeUpsSince(from2)).toBe(1);
    await until(() => got.includes("after-idle"), "the next event");
    expect(got.filter((m) => ["opener", "late", "after-idle"].includes(m))).toEqual(["opener", "late", "after-idle"]);
  });
});
