/**
 * Team scope below the first level (issue #12 item 12): a manager → lead → rep chain on every scoped API
 * route, and a sibling branch getting 404. A scope CTE cut to direct reports fails here. Plus the
 * database's own one-open-visit index, pinned without the use-case in front of it.
 */
import { sql } from "drizzle-orm";
import { afterEach, beforeAll, expect, it } from "vitest";
import { GET as personRoute } from "../../src/app/api/v1/personnel/[id]/route";
import { GET as personnelRoute } from "../../src/app/api/v1/personnel/route";
import { GET as trailRoute } from "../../src/app/api/v1/tracking/trail/route";
import { GET as visitRoute } from "../../src/app/api/v1/visits/[id]/route";
import { POST as checkInRoute } from "../../src/app/api/v1/visits/check-in/route";
import { GET as visitsRoute } from "../../src/app/api/v1/visits/route";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { describeEachDriver } from "../support/db";
import { call, isoAgo, makeLocation, makePerson, uuid } from "../support/visits-world";

describeEachDriver("team scope: a chain of three levels and a sibling branch", (ctx) => {
  let top: Actor, lead: Actor, rep: Actor, sibling: Actor, siblingRep: Actor, repVisit: number, siblingVisit: number;
  beforeAll(async () => {
    useDbHandle(ctx.handle);
    const db = ctx.handle.db;
    const admin = await makePerson(db, "admin");
    top = await makePerson(db, "manager", admin.id);
    lead = await makePerson(db, "manager", top.id);
    rep = await makePerson(db, "rep", lead.id);
    sibling = await makePerson(db, "manager", admin.id);
    siblingRep = await makePerson(db, "rep", sibling.id);
    const loc = await makeLocation(db, 12.9716, 77.5946);
    const checkIn = async (who: Actor, lat: number) =>
      (await call(checkInRoute, "/api/v1/visits/check-in", { as: who.id, body: { client_id: uuid(), location_id: loc, lat, lon: 77.5946, accuracy_m: 5, captured_at: isoAgo(1000) } })).body.visit.id as number;
    repVisit = await checkIn(rep, 12.97161);
    siblingVisit = await checkIn(siblingRep, 12.97162);
  });
  afterEach(() => useDbHandle(ctx.handle));

  it("the top manager reaches the rep two levels down through every scoped route", async () => {
    const list = await call(visitsRoute, `/api/v1/visits?personnel_id=${rep.id}`, { as: top.id });
    expect(list.status).toBe(200);
    expect(list.body.visits.map((v: { id: number }) => v.id)).toEqual([repVisit]);
    const all = await call(visitsRoute, "/api/v1/visits", { as: top.id });
    expect(all.body.visits.map((v: { id: number }) => v.id)).toContain(repVisit);
    expect((await call(visitRoute, `/api/v1/visits/${repVisit}`, { as: top.id, params: { id: String(repVisit) } })).status).toBe(200);
    expect((await call(personRoute, `/api/v1/personnel/${rep.id}`, { as: top.id, params: { id: String(rep.id) } })).status).toBe(200);
    const people = await call(personnelRoute, "/api/v1/personnel", { as: top.id });
    const ids = people.body.items.map((p: { id: number }) => p.id);
    expect(ids).toEqual(expect.arrayContaining([lead.id, rep.id]));
    expect((await call(trailRoute, `/api/v1/tracking/trail?personnel_id=${rep.id}`, { as: top.id })).status).toBe(200);
  });

  it("the sibling branch is 404 on every scoped route, and absent from lists", async () => {
    for (const who of [top, lead]) {
      expect((await call(visitsRoute, `/api/v1/visits?personnel_id=${siblingRep.id}`, { as: who.id })).status).toBe(404);
      expect((await call(visitRoute, `/api/v1/visits/${siblingVisit}`, { as: who.id, params: { id: String(siblingVisit) } })).status).toBe(404);
      expect((await call(personRoute, `/api/v1/personnel/${siblingRep.id}`, { as: who.id, params: { id: String(siblingRep.id) } })).status).toBe(404);
      expect((await call(trailRoute, `/api/v1/tracking/trail?personnel_id=${siblingRep.id}`, { as: who.id })).status).toBe(404);
      const all = await call(visitsRoute, "/api/v1/visits", { as: who.id });
      expect(all.body.visits.map((v: { id: number }) => v.id)).not.toContain(siblingVisit);
      const people = await call(personnelRoute, "/api/v1/personnel", { as: who.id });
      expect(people.body.items.map((p: { id: number }) => p.id)).not.toContain(siblingRep.id);
    }
    // And upwards is out of scope too: the lead does not see the top manager's record.
    expect((await call(personRoute, `/api/v1/personnel/${top.id}`, { as: lead.id, params: { id: String(top.id) } })).status).toBe(404);
  });

  it("the database itself refuses a second open visit for one rep (visits_one_open_per_rep)", async () => {
    const err = await ctx.handle.db
      .execute(sql`INSERT INTO visits (personnel_id, location_id, check_in_time, client_id) SELECT personnel_id, location_id, now(), gen_random_uuid() FROM visits WHERE id = ${repVisit}`)
      .then(() => null, (e: unknown) => e);
    const text = String((err as { cause?: unknown })?.cause ?? err) + String((err as Error)?.message ?? "");
    expect(text).toMatch(/visits_one_open_per_rep|duplicate key/);
  });
});
