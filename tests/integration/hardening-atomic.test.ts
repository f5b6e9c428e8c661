/**
 * A failure in the middle of a transaction (issue #12 item 12): the outbox insert raises after the visit,
 * its validation and the session were written. Nothing may stay written, and the answer is a bare 500
 * without internals.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { POST as startRoute } from "../../src/app/api/v1/sessions/start/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid, writeCounts } from "../support/visits-world";

describeEachDriver("a failure mid-transaction leaves nothing written", (ctx) => {
  let rep: Actor, loc: number;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    rep = await makePerson(ctx.handle.db, "rep");
    loc = await makeLocation(ctx.handle.db, 12.9716, 77.5946);
    await ctx.handle.db.execute(sql.raw(`CREATE FUNCTION fail_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'secret-internal-detail: outbox down'; END $$`));
    await ctx.handle.db.execute(sql.raw(`CREATE TRIGGER fail_outbox BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION fail_outbox()`));
  });
  afterAll(async () => {
    await ctx.handle.db.execute(sql.raw(`DROP TRIGGER IF EXISTS fail_outbox ON events`));
  });

  it.each([
    ["check-in", () => call(checkInRoute, "/api/v1/visits/check-in", { as: rep.id, body: { client_id: uuid(), location_id: loc, lat: 12.9716, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(1000) } })],
    ["start of day", () => call(startRoute, "/api/v1/sessions/start", { as: rep.id, body: { client_id: uuid() } })],
  ] as const)("%s: 500 without internals, no row of the change left behind", async (_label, send) => {
    const before = await writeCounts(ctx.handle.db);
    const res = await send();
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: { code: "INTERNAL", message: "Something went wrong on our side. It has been logged." } });
    expect(res.text).not.toContain("secret-internal-detail");
    expect(await writeCounts(ctx.handle.db)).toEqual(before);
  });
});
