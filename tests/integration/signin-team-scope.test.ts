import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor, Ctx } from "../../src/server/auth/actor";
import { useDbHandle } from "../../src/server/db";
import { AppError } from "../../src/server/errors";
import { getTeamMemberOrThrow, listTeam } from "../../src/server/team/team.queries";
import { describeEachDriver } from "../support/db";
import { makePerson } from "./signin-support";

/** The team pages' reads (/manager, /manager/reps/[id]): scope decided in the query, not the page. */
describeEachDriver("team queries behind the manager pages", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));
  const c = (actor: Actor): Ctx => ({ db: ctx.handle.db, actor, now: new Date("2026-03-02T06:00:00Z") });

  let admin: Actor, m1: Actor, lead: Actor, deepRep: Actor, rep1: Actor, m2: Actor, rep2: Actor;
  beforeAll(async () => {
    const db = ctx.handle.db;
    admin = await makePerson(db, "admin");
    m1 = await makePerson(db, "manager", { managerId: admin.id });
    lead = await makePerson(db, "manager", { managerId: m1.id }); // a team lead under m1
    deepRep = await makePerson(db, "rep", { managerId: lead.id });
    rep1 = await makePerson(db, "rep", { managerId: m1.id });
    m2 = await makePerson(db, "manager", { managerId: admin.id });
    rep2 = await makePerson(db, "rep", { managerId: m2.id });
  });

  const status = async (p: Promise<unknown>) => {
    try {
      await p;
      return 200;
    } catch (err) {
      if (err instanceof AppError) return err.status;
      throw err;
    }
  };

  it("a manager lists their whole subtree (any depth) and nobody else; an admin lists everyone", async () => {
    const ids = (await listTeam(c(m1))).map((r) => r.id);
    expect(ids.sort()).toEqual([lead.id, deepRep.id, rep1.id].sort());
    const all = (await listTeam(c(admin))).map((r) => r.id);
    expect(all).toEqual(expect.arrayContaining([m1.id, lead.id, deepRep.id, rep1.id, m2.id, rep2.id]));
  });

  it("opens a rep of one's own subtree; another team's rep is 404, exactly like a missing one", async () => {
    expect((await getTeamMemberOrThrow(c(m1), deepRep.id)).person.email).toBe(deepRep.email);
    expect(await status(getTeamMemberOrThrow(c(m1), rep2.id))).toBe(404);
    expect(await status(getTeamMemberOrThrow(c(m1), 987654))).toBe(404);
    expect(await status(getTeamMemberOrThrow(c(lead), rep1.id))).toBe(404); // a sibling's rep, not up the tree
    expect(await status(getTeamMemberOrThrow(c(admin), rep2.id))).toBe(200);
  });

  it("a rep has no team (403), whoever they ask about", async () => {
    expect(await status(listTeam(c(rep1)))).toBe(403);
    expect(await status(getTeamMemberOrThrow(c(rep1), rep1.id))).toBe(403);
  });
});
