import { sql, type SQL } from "drizzle-orm";
import { queryRows } from "../db/client";
import { AppError } from "../errors";
import type { Actor, Ctx } from "./actor";

/**
 * The personnel ids an actor may see, as a SQL subquery usable in `col IN (…)`:
 * a rep → themself; a manager → themself and their whole reporting subtree (any depth);
 * an admin → everyone. Cycles cannot recurse forever (UNION drops repeats).
 */
export function visiblePersonnelIds(actor: Actor): SQL {
  if (actor.role === "admin") return sql`SELECT id FROM personnel`;
  if (actor.role === "rep") return sql`SELECT ${actor.id}::int`;
  return subtreeIds(actor.id);
}

/** THE team rule, as a subquery of ids: a person and everyone reporting to them, at any depth (a manager's team). */
export function subtreeIds(rootId: number): SQL {
  return sql`WITH RECURSIVE team(id) AS (
      SELECT ${rootId}::int
      UNION
      SELECT p.id FROM personnel p JOIN team t ON p.manager_id = t.id
    ) SELECT id FROM team`;
}

export async function canSeePersonnel(ctx: Ctx, personnelId: number): Promise<boolean> {
  if (personnelId === ctx.actor.id) return true;
  // An admin sees everyone who exists: an unknown id is a 404 here, not a foreign-key error later.
  if (ctx.actor.role === "admin") return (await queryRows(ctx.db, sql`SELECT 1 FROM personnel WHERE id = ${personnelId}`)).length > 0;
  if (ctx.actor.role === "rep") return false;
  const rows = await queryRows(ctx.db, sql`SELECT 1 FROM (${visiblePersonnelIds(ctx.actor)}) v WHERE v.id = ${personnelId}`);
  return rows.length > 0;
}

/**
 * Out of scope answers 404, the same as "does not exist": whether another team's rep or visit
 * exists is itself not for the actor to learn. (Missing *permissions* answer 403.)
 */
export async function requirePersonnelInScope(ctx: Ctx, personnelId: number, what = "Person"): Promise<void> {
  if (!(await canSeePersonnel(ctx, personnelId))) throw notFound(what);
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found.`);
