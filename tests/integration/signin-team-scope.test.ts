import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Actor, Ctx } from "../../src/server/auth/actor";
import { getPersonnelSummary } from "../../src/server/dashboard/personnel-summary";
import { getTeamNow } from "../../src/server/dashboard/team-now";
import { useDbHandle } from "../../src/server/db";
import { AppError } from "../../src/server/errors";
import { describeEachDriver } from "../support/db";
import { makePerson } from "./signin-support";

/**
 * The team pages' reads through their real use-cases (/manager: getTeamNow, /manager/reps/[id]: getPersonnelSummary):
 * scope decided in the domain layer, not the page — the summary's reps, the live feed and the open alerts alike.
 */
describeEachDriver("team use-cases behind the manager pages", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));
  const NOW = new Date("2026-03-02T06:00:00Z");
  const c = (actor: Actor): Ctx => ({ db: ctx.handle.db, actor, now: NOW });

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
    for (const rep of [rep1, rep2]) {
      await db.execute(sql`INSERT INTO alerts (kind, severity, personnel_id, message, dedupe_key, raised_at)
        VALUES ('not_tracked', 'warning', ${rep.id}, 'test', ${`scope-test:${rep.id}`}, ${NOW.toISOString()}::timestamptz)`);
      await db.execute(sql`INSERT INTO events (type, personnel_id, payload, created_at) VALUES ('visit.checked_in', ${rep.id}, '{}'::jsonb, ${NOW.toISOString()}::timestamptz)`);
    }
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

  it("team now: a manager sees their whole subtree's reps (any depth), its feed and alerts, and nobody else's; an admin everyone's", async () => {
    const mine = await getTeamNow(c(m1), {});
    expect(mine.summary.reps.map((r) => r.id).sort()).toEqual([deepRep.id, rep1.id].sort());
    expect(mine.alerts.map((a) => a.personnel_id)).toEqual([rep1.id]);
    // The feed is read below this database's commit horizon (other databases' transactions do not hold it back).
    expect(new Set(mine.activity.events.map((e) => e.personnel_id))).toEqual(new Set([rep1.id]));
    const all = await getTeamNow(c(admin), {});
    expect(all.summary.reps.map((r) => r.id)).toEqual(expect.arrayContaining([deepRep.id, rep1.id, rep2.id]));
    expect(all.alerts.map((a) => a.personnel_id)).toEqual(expect.arrayContaining([rep1.id, rep2.id]));
    // A team lead's view of their own subtree, through manager_id, by the manager above them.
    expect((await getTeamNow(c(m1), { manager_id: lead.id })).summary.reps.map((r) => r.id)).toEqual([deepRep.id]);
  });

  it("team now for another manager's subtree is 404, like a missing one; a past day has no live feed", async () => {
    expect(await status(getTeamNow(c(m1), { manager_id: m2.id }))).toBe(404);
    expect(await status(getTeamNow(c(lead), { manager_id: m1.id }))).toBe(404); // up the tree
    expect(await status(getTeamNow(c(m1), { manager_id: 987654 }))).toBe(404);
    expect((await getTeamNow(c(m1), { from: "2026-02-27", to: "2026-02-27" })).activity.events).toEqual([]);
  });

  it("opens a rep of one's own subtree; another team's rep is 404, exactly like a missing one", async () => {
    expect((await getPersonnelSummary(c(m1), deepRep.id, {})).person.email).toBe(deepRep.email);
    expect(await status(getPersonnelSummary(c(m1), rep2.id, {}))).toBe(404);
    expect(await status(getPersonnelSummary(c(m1), 987654, {}))).toBe(404);
    expect(await status(getPersonnelSummary(c(lead), rep1.id, {}))).toBe(404); // a sibling's rep, not up the tree
    expect(await status(getPersonnelSummary(c(admin), rep2.id, {}))).toBe(200);
  });

  it("a rep has no team (403), whoever they ask about", async () => {
    expect(await status(getTeamNow(c(rep1), {}))).toBe(403);
    expect(await status(getPersonnelSummary(c(rep1), rep1.id, {}))).toBe(403);
  });
});
