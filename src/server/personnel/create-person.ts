import "server-only";
import { hash } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows, type Db } from "../db/client";
import { emitEvent } from "../realtime/outbox";
import { auditPerson, emailTaken, employeeIdTaken, mapDbError, repNeedsManager, requireAssignableManager } from "./person-rules";
import { loadPerson } from "./personnel.queries";
import type { CreatePersonInput, Person } from "@/contracts/personnel";
import { generateTemporaryPassword } from "./temporary-password";

export type CreatePersonResult = { person: Person; created: boolean; temporary_password: string | null };

async function byClientId(db: Db, clientId: string): Promise<Person | null> {
  const [row] = await queryRows<{ id: number }>(db, sql`SELECT id FROM personnel WHERE client_id = ${clientId}`);
  return row ? loadPerson(db, row.id) : null;
}

/**
 * Creates a person (admin only). Idempotent on `client_id`, which the row keeps: a replay answers
 * the same person (created: false) and never shows a password again. Without a password in the
 * input a temporary one is generated and returned once; only its argon2id hash is stored.
 */
export async function createPerson(ctx: Ctx, input: CreatePersonInput): Promise<CreatePersonResult> {
  requirePermission(ctx.actor, "personnel.manage");
  const prior = await byClientId(ctx.db, input.client_id);
  if (prior) return { person: prior, created: false, temporary_password: null };
  if (input.role === "rep" && !input.manager_id) throw repNeedsManager();

  const temporary = input.password ? null : generateTemporaryPassword();
  const passwordHash = await hash(input.password ?? temporary!); // argon2id is the library default

  try {
    return await ctx.db.transaction(async (tx) => {
      if ((await queryRows(tx, sql`SELECT 1 FROM personnel WHERE lower(email) = ${input.email}`)).length > 0) throw emailTaken();
      if (input.employee_id && (await queryRows(tx, sql`SELECT 1 FROM personnel WHERE employee_id = ${input.employee_id}`)).length > 0) throw employeeIdTaken();
      // FOR SHARE: the manager cannot be deactivated or demoted until this person exists under them.
      if (input.manager_id) await requireAssignableManager(tx, input.manager_id, "share");
      const now = ctx.now.toISOString();
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`INSERT INTO personnel (name, email, phone, employee_id, role, manager_id, password_hash, client_id, created_at, updated_at)
            VALUES (${input.name}, ${input.email}, ${input.phone ?? null}, ${input.employee_id ?? null}, ${input.role}, ${input.manager_id ?? null},
                    ${passwordHash}, ${input.client_id}, ${now}::timestamptz, ${now}::timestamptz)
            ON CONFLICT (client_id) DO NOTHING RETURNING id`,
      );
      if (!row) {
        // A concurrent request with the same client_id won the insert: answer like a replay.
        const same = await byClientId(tx, input.client_id);
        if (!same) throw new Error("client_id conflict without a row");
        return { person: same, created: false, temporary_password: null };
      }
      await auditPerson({ tx, actor: ctx.actor, now: ctx.now }, "personnel.created", row.id, {
        email: input.email,
        role: input.role,
        manager_id: input.manager_id ?? null,
        password: temporary ? "generated" : "set_by_admin",
      });
      await emitEvent(tx, { type: "personnel.changed", personnelId: row.id, payload: { operation: "personnel.create" } });
      const person = await loadPerson(tx, row.id);
      if (!person) throw new Error("created person not readable");
      return { person, created: true, temporary_password: temporary };
    });
  } catch (err) {
    throw mapDbError(err);
  }
}
