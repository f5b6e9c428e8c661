/**
 * preparedStatement (src/server/db/prepared.ts): a hot statement's SQL is built once and only its placeholder slots
 * are filled per call — on the pool and inside a transaction, on both drivers.
 */
import { sql } from "drizzle-orm";
import { expect, it } from "vitest";
import type { Db } from "../../src/server/db/client";
import { ph, preparedStatement } from "../../src/server/db/prepared";
import { describeEachDriver } from "../support/db";

describeEachDriver("preparedStatement", (ctx) => {
  it("builds its SQL once and fills the slots on every call, on the pool and in a transaction", async () => {
    let builds = 0;
    const echo = preparedStatement("test_echo", () => {
      builds++;
      return sql`SELECT ${ph("n")}::int + 1 AS next, ${ph("s")}::text AS s, ${ph("n")}::int * 2 AS twice, ${ph("maybe")}::text IS NULL AS absent`;
    });
    const db = ctx.handle.db;
    expect(await echo(db, { n: 1, s: "a", maybe: null })).toEqual([{ next: 2, s: "a", twice: 2, absent: true }]);
    expect(await echo(db, { n: 41, s: "b", maybe: "x" })).toEqual([{ next: 42, s: "b", twice: 82, absent: false }]);
    const inTx = await db.transaction(async (tx) => {
      await tx.execute(sql`CREATE TEMP TABLE prepared_probe (v int) ON COMMIT DROP`);
      await tx.execute(sql`INSERT INTO prepared_probe VALUES (7)`);
      // The transaction's own connection: it sees the uncommitted temp table.
      const probe = preparedStatement("test_probe", () => sql`SELECT v + ${ph("d")}::int AS v FROM prepared_probe`);
      return [await echo(tx as unknown as Db, { n: 9, s: "c", maybe: null }), await probe(tx as unknown as Db, { d: 3 })];
    });
    expect(inTx).toEqual([[{ next: 10, s: "c", twice: 18, absent: true }], [{ v: 10 }]]);
    expect(builds).toBe(1);
  });
});
