import "server-only";
import { sql } from "drizzle-orm";
import type { Actor, Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { AppError, clientIdReused } from "../errors";
import { idempotent, type IdempotencyKey } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import { loadPerson } from "./personnel.queries";
import type { Person } from "@/contracts/personnel";

/** The row a mutation works on, locked FOR UPDATE for the rest of its transaction. */
export type LockedPerson = {
  id: number;
  name: string;
  email: string;
  phone: string | null;
  employee_id: string | null;
  role: Person["role"];
  manager_id: number | null;
  active: boolean;
};

/** What every apply-step gets: the transaction, who acts and the request's clock. */
export type TxCtx = { tx: Db; actor: Actor; now: Date };

export async function lockPerson(tx: Db, id: number): Promise<LockedPerson> {
  const [row] = await queryRows<LockedPerson>(
    tx,
    sql`SELECT id, name, email, phone, employee_id, role::text AS role, manager_id, active FROM personnel WHERE id = ${id} FOR UPDATE`,
  );
  if (!row) throw new AppError("NOT_FOUND", "Person not found.");
  return row;
}

/**
 * Locks the chain from `managerId` up to the top (FOR UPDATE) and returns its ids, manager first.
 * Why: two concurrent changes can only close a loop if one of them edits a row on the other's
 * chain; holding every row of our chain until commit makes the other wait, and its own (fresh,
 * READ COMMITTED) walk then sees our edge. The walk is repeated until the locked set covers it,
 * because the chain may change between reading it and locking it. Deadlocks surface as 409.
 */
export async function lockManagerChain(tx: Db, managerId: number): Promise<number[]> {
  const chain = async () =>
    (
      await queryRows<{ id: number }>(
        tx,
        sql`WITH RECURSIVE up(id, manager_id, depth) AS (
              SELECT id, manager_id, 0 FROM personnel WHERE id = ${managerId}
              UNION
              SELECT p.id, p.manager_id, up.depth + 1 FROM personnel p JOIN up ON p.id = up.manager_id WHERE up.depth < 1000
            ) SELECT DISTINCT ON (id) id FROM up ORDER BY id`,
      )
    ).map((r) => r.id);
  const locked = new Set<number>();
  for (let attempt = 0; attempt < 10; attempt++) {
    const ids = await chain();
    const missing = ids.filter((id) => !locked.has(id));
    if (missing.length === 0) return ids;
    await queryRows(tx, sql`SELECT id FROM personnel WHERE id IN (${sql.join(missing, sql`, `)}) ORDER BY id FOR UPDATE`);
    missing.forEach((id) => locked.add(id));
  }
  throw concurrentChange();
}

/** The manager must exist (404) and be an active manager or admin (409), checked after locking. */
export async function requireAssignableManager(tx: Db, managerId: number, lock: "share" | "update"): Promise<void> {
  const [m] = await queryRows<{ role: string; active: boolean }>(
    tx,
    lock === "share"
      ? sql`SELECT role::text AS role, active FROM personnel WHERE id = ${managerId} FOR SHARE`
      : sql`SELECT role::text AS role, active FROM personnel WHERE id = ${managerId}`,
  );
  if (!m) throw new AppError("NOT_FOUND", `Manager ${managerId} not found.`, { field: "manager_id" });
  if (!m.active) throw new AppError("INVALID_MANAGER", "The chosen manager is deactivated.", { field: "manager_id" });
  if (m.role === "rep") throw new AppError("INVALID_MANAGER", "A rep cannot be someone's manager: choose a manager or an admin.", { field: "manager_id" });
}

export async function countActiveReports(tx: Db, id: number): Promise<number> {
  const [r] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM personnel WHERE manager_id = ${id} AND active`);
  return r?.n ?? 0;
}

export const repNeedsManager = () =>
  new AppError("VALIDATION_FAILED", "manager_id: a rep needs a manager (an active manager or admin).", { field: "manager_id" });

/** Ends every session and token of a person: access tokens issued before `now` are refused, refresh tokens revoked. */
export async function endSessions(tx: Db, id: number, now: Date, reason: string): Promise<void> {
  await tx.execute(sql`UPDATE personnel SET tokens_valid_after = ${now.toISOString()}::timestamptz, updated_at = ${now.toISOString()}::timestamptz WHERE id = ${id}`);
  await tx.execute(
    sql`UPDATE refresh_tokens SET revoked_at = ${now.toISOString()}::timestamptz, revoked_reason = ${reason} WHERE personnel_id = ${id} AND revoked_at IS NULL`,
  );
}

export async function auditPerson(t: TxCtx, action: string, personId: number, details: Record<string, unknown> = {}): Promise<void> {
  await recordAudit(t.tx, { action, actor: t.actor, subjectType: "personnel", subjectId: personId, targetPersonnelId: personId, details, at: t.now });
}

export const concurrentChange = () =>
  new AppError("CONCURRENT_CHANGE", "Someone changed these people at the same moment: reload and try again.");

/** Finds the PostgreSQL error behind a driver/drizzle wrapper (postgres.js and PGlite name fields differently). */
function pgError(err: unknown): { code?: string; constraint?: string } | null {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const o = e as { code?: unknown; constraint?: unknown; constraint_name?: unknown };
    if (typeof o.code === "string" && /^[0-9A-Z]{5}$/.test(o.code)) {
      const constraint = typeof o.constraint_name === "string" ? o.constraint_name : typeof o.constraint === "string" ? o.constraint : undefined;
      return { code: o.code, constraint };
    }
  }
  return null;
}

/** Maps unique violations and lock conflicts that races can still produce after our pre-checks. */
export function mapDbError(err: unknown): unknown {
  const pg = pgError(err);
  if (!pg) return err;
  if (pg.code === "23505" && pg.constraint?.includes("email")) return emailTaken();
  if (pg.code === "23505" && pg.constraint?.includes("employee_id")) return employeeIdTaken();
  // A person created under this client_id before request fingerprints were stored: not a replay we can prove.
  if (pg.code === "23505" && pg.constraint?.includes("client_id")) return clientIdReused();
  if (pg.code === "40P01" || pg.code === "40001" || pg.code === "55P03") return concurrentChange();
  if (pg.code === "23514" && pg.constraint === "personnel_not_own_manager") return cycle();
  return err;
}

export const emailTaken = () => new AppError("EMAIL_TAKEN", "Someone already has this email address.", { field: "email" });
export const employeeIdTaken = () => new AppError("EMPLOYEE_ID_TAKEN", "Someone already has this employee id.", { field: "employee_id" });
export const cycle = () =>
  new AppError("HIERARCHY_CYCLE", "That manager reports (directly or indirectly) to this person: the hierarchy would loop.", { field: "manager_id" });

/**
 * The frame of every change to an existing person: permission (personnel.manage), one transaction
 * keyed by the client-generated id (a replay answers the first result, another request under it is 409),
 * the row locked, then `apply`. Answers the person as it stands after the change.
 */
export async function mutatePerson(ctx: Ctx, key: IdempotencyKey, id: number, apply: (t: TxCtx, p: LockedPerson) => Promise<void>): Promise<Person> {
  requirePermission(ctx.actor, "personnel.manage");
  const operation = key.scope;
  try {
    const { result } = await idempotent(ctx, key, async (tx) => {
      const p = await lockPerson(tx, id);
      await apply({ tx, actor: ctx.actor, now: ctx.now }, p);
      // Live dashboards re-read their team scope on this (a rep moved between managers changes who sees what).
      await emitEvent(tx, { type: "personnel.changed", personnelId: id, payload: { operation } });
      const after = await loadPerson(tx, id);
      if (!after) throw new Error(`person ${id} vanished inside its own transaction`);
      return after;
    });
    return result;
  } catch (err) {
    throw mapDbError(err);
  }
}
