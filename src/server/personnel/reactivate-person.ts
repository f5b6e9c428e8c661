import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { auditPerson, mutatePerson, repNeedsManager, requireAssignableManager, type LockedPerson, type TxCtx } from "./person-rules";
import type { Person, PersonRefInput } from "@/contracts/personnel";

/**
 * Reactivates a person. Their old sessions stay dead (tokens_valid_after is kept): they sign in
 * again. A rep comes back only under an active manager or admin: if theirs left meanwhile, the
 * admin sets a new manager in the same request (PATCH manager_id + active) or first.
 */
export async function applyReactivate(t: TxCtx, p: LockedPerson): Promise<void> {
  if (p.active) return;
  if (p.manager_id !== null) await requireAssignableManager(t.tx, p.manager_id, "share");
  else if (p.role === "rep") throw repNeedsManager();
  await t.tx.execute(sql`UPDATE personnel SET active = true, updated_at = ${t.now.toISOString()}::timestamptz WHERE id = ${p.id}`);
  await auditPerson(t, "personnel.reactivated", p.id);
  p.active = true;
}

export async function reactivatePerson(ctx: Ctx, input: PersonRefInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.reactivate", clientId: input.client_id, request: input }, input.id, (t, p) => applyReactivate(t, p));
}
