/**
 * The outbox's delivery order is numeric in the writer's xid, also where xids change length (…998, 1000…): the hub's
 * start position and every batch's LIMIT follow (xid, id) as numbers. With `xid::text AS xid` in the select list, a
 * bare `ORDER BY xid` sorted the text: positionNow named an event of xid 98 as the newest when one of xid 100 existed,
 * and a batch of one after xid 10 returned xid 100 before xid 98 — the hub then delivered events, started before them
 * again and skipped back, in a loop. The events here carry chosen xids (all long finished: far below the horizon).
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import { queryRows } from "../../src/server/db/client";
import { positionNow, readAfter, START_KEY } from "../../src/server/realtime/horizon";
import { describeEachDriver } from "../support/db";

describeEachDriver("outbox order across xid lengths", (ctx) => {
  it("positionNow and readAfter order by the xid's value, not its text", async () => {
    const db = ctx.handle.db;
    await db.execute(sql`DELETE FROM events`);
    const insert = async (xid: number) =>
      Number((await queryRows<{ id: number }>(db, sql`INSERT INTO events (type, payload, xid) VALUES ('visit.checked_in', '{}'::jsonb, ${String(xid)}::xid8) RETURNING id`))[0]!.id);
    // Inserted newest first, so id order disagrees with xid order too.
    const at100 = await insert(100);
    const at98 = await insert(98);
    const at10 = await insert(10);

    expect(await positionNow(db)).toEqual({ xid: 100n, id: at100 });
    expect((await readAfter(db, START_KEY, 10)).rows.map((r) => r.key)).toEqual([
      { xid: 10n, id: at10 },
      { xid: 98n, id: at98 },
      { xid: 100n, id: at100 },
    ]);
    // One at a time, as the hub pages with its LIMIT: every event once, in order.
    const paged = [];
    for (let from = START_KEY; ; ) {
      const [next] = (await readAfter(db, from, 1)).rows;
      if (!next) break;
      paged.push(next.key.id);
      from = next.key;
    }
    expect(paged).toEqual([at10, at98, at100]);
  });
});
