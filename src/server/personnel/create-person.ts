import "server-only";
import { hash } from "@node-rs/argon2";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import { emitEvent } from "../realtime/outbox";
import { idempotent, isKnownClientId, secretDigest } from "../idempotency";
import { auditPerson, emailTaken, employeeIdTaken, mapDbError, repNeedsManager, requireAssignableManager } from "./person-rules";
import { loadPerson } from "./personnel.queries";
import type { CreatePersonInput, Person } from "@/contracts/personnel";
import { generateTemporaryPassword } from "./temporary-password";

export type CreatePersonResult = { person: Person; created: boolean; temporary_password: string | null };

/**
 * Creates a person (admin only). Idempotent on `client_id` through the one mechanism (the request's fingerprint
 * stored with the key; the row keeps the id too): a replay answers the same person (created: false) and never shows
 * a password again; the same id with any other field is 409 CLIENT_ID_REUSED, on the concurrent path too (the
 * second request waits on the key). Without a password in the input a temporary one is generated and returned once;
 * only its argon2id hash is stored.
 */
export async function createPerson(ctx: Ctx, input: CreatePersonInput): Promise<CreatePersonResult> {
  requirePermission(ctx.actor, "personnel.manage");
  if (input.role === "rep" && !input.manager_id) throw repNeedsManager();
  const key = { scope: "personnel.create", clientId: input.client_id, request: { ...input, email: input.email.toLowerCase(), password: secretDigest(input.password) } };
  // A replay (or a reuse) is answered without hashing a password it will not use.
  const temporary = input.password || (await isKnownClientId(ctx.db, input.client_id)) ? null : generateTemporaryPassword();
  const passwordHash = input.password || temporary ? await hash(input.password ?? temporary!) : null; // argon2id is the library default

  try {
    const { result, replayed } = await idempotent(ctx, key, async (tx) => {
      if (!passwordHash) throw new Error("createPerson: a client_id appeared between the replay check and the transaction");
      if ((await queryRows(tx, sql`SELECT 1 FROM personnel WHERE lower(email) = ${input.email.toLowerCase()}`)).length > 0) throw emailTaken();
      if (input.employee_id && (await queryRows(tx, sql`SELECT 1 FROM personnel WHERE employee_id = ${input.employee_id}`)).length > 0) throw employeeIdTaken();
      // FOR SHARE: the manager cannot be deactivated or demoted until this person exists under them.
      if (input.manager_id) await requireAssignableManager(tx, input.manager_id, "share");
      const now = ctx.now.toISOString();
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`INSERT INTO personnel (name, email, phone, employee_id, role, manager_id, password_hash, client_id, created_at, updated_at)
            VALUES (${input.name}, ${input.email}, ${input.phone ?? null}, ${input.employee_id ?? null}, ${input.role}, ${input.manager_id ?? null},
                    ${passwordHash}, ${input.client_id}, ${now}::timestamptz, ${now}::timestamptz)
            RETURNING id`,
      );
      await auditPerson({ tx, actor: ctx.actor, now: ctx.now }, "personnel.created", row!.id, {
        email: input.email,
        role: input.role,
        manager_id: input.manager_id ?? null,
        password: temporary ? "generated" : "set_by_admin",
      });
      await emitEvent(tx, { type: "personnel.changed", personnelId: row!.id, payload: { operation: "personnel.create" } });
      const person = await loadPerson(tx, row!.id);
      if (!person) throw new Error("created person not readable");
      return person;
    });
    // The stored answer is the person only: the temporary password is shown once, with the first answer.
    return { person: result, created: !replayed, temporary_password: replayed ? null : temporary };
  } catch (err) {
    throw mapDbError(err);
  }
}
