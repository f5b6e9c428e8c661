/**
 * A ping batch cannot land in a day that closes under it (issue #17 item 6). "End day" holds the day's row while it
 * closes it; a batch that starts meanwhile waits for the row (FOR NO KEY UPDATE) and then reads the day as closed,
 * instead of reading it OPEN without a lock and inserting pings into a day already closed without them.
 */
import { sql } from "drizzle-orm";
import { beforeAll, expect, it } from "vitest";
import { queryRows, type Db } from "../../src/server/db/client";
import { recordPings } from "../../src/server/tracking/record-pings";
import { describeEachDriver } from "../support/db";
import { count, makePeople, openDay, ping, setOrgHours, type People } from "./tracking-support";

const NOW = new Date("2026-11-20T15:00:00Z"); // 20:30 in Kolkata, after the work day
const at = (hhmm: string) => new Date(`2026-11-20T${hhmm}:00+05:30`);

describeEachDriver("tracking: a batch racing End day", (ctx) => {
  let people: People;
  const db = () => ctx.handle.db;
  beforeAll(async () => {
    people = await makePeople(db());
    await setOrgHours(db(), { timeZone: "Asia/Kolkata", start: "09:00", end: "19:00", days: [1, 2, 3, 4, 5, 6] });
  });

  it("a batch sent while the day is being closed waits, then is refused as no_open_day; nothing lands in the closed day", async () => {
    const sessionId = await openDay(db(), people.rep.id, "2026-11-20", at("09:00"));
    let closing!: () => void;
    const closingStarted = new Promise<void>((r) => (closing = r));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // Operation 1: End day, as end-session does it (the open day FOR UPDATE, then CLOSED), held open until released.
    const endDay = db().transaction(async (txRaw) => {
      const tx = txRaw as unknown as Db;
      await queryRows(tx, sql`SELECT id FROM daily_sessions WHERE id = ${sessionId} FOR UPDATE`);
      await tx.execute(sql`UPDATE daily_sessions SET status = 'CLOSED', logout_time = ${at("18:00").toISOString()}::timestamptz WHERE id = ${sessionId}`);
      closing();
      await gate;
    });
    await closingStarted;
    // Operation 2: a batch of the same day, sent while End day has not committed yet.
    const fix = ping(at("17:00"));
    const batch = recordPings({ db: db(), actor: people.rep, now: NOW }, { pings: [fix] });
    if (ctx.driver === "postgres") {
      // Real concurrency: wait until the batch is blocked on the day's row lock (bounded poll; not a timing assertion).
      for (let i = 0; i < 100; i++) {
        const [w] = await queryRows<{ n: number }>(db(), sql`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`);
        if (w!.n > 0) break;
        await new Promise((r) => setTimeout(r, 30));
      }
    }
    release();
    await endDay;
    const result = await batch;
    expect(result.accepted).toBe(0);
    expect(result.rejected).toEqual([{ client_id: fix.client_id, reason: "no_open_day" }]);
    expect(await count(db(), "location_pings", sql`session_id = ${sessionId}`)).toBe(0);
  });
});
