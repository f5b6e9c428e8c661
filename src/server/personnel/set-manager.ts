import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { auditPerson, cycle, lockManagerChain, mutatePerson, repNeedsManager, requireAssignableManager, type LockedPerson, type TxCtx } from "./person-rules";
import type { Person, SetManagerInput } from "@/contracts/personnel";

/**
 * Moves a person under another manager. The new manager must be an active manager or admin and
 * must not be the person or anyone in their subtree: we walk (and lock) the new manager's chain
 * upwards and refuse if the person is on it — the same question as "is the manager in the
 * person's subtree", asked of the rows we hold locked until commit.
 */
export async function applyManager(t: TxCtx, p: LockedPerson, managerId: number | null, roleAfter: LockedPerson["role"] = p.role): Promise<void> {
  if (managerId === p.manager_id) return;
  if (managerId === null) {
    if (roleAfter === "rep") throw repNeedsManager();
  } else {
    if (managerId === p.id) throw cycle();
    const chain = await lockManagerChain(t.tx, managerId);
    await requireAssignableManager(t.tx, managerId, "update");
    if (chain.includes(p.id)) throw cycle();
  }
  await t.tx.execute(sql`UPDATE personnel SET manager_id = ${managerId}, updated_at = ${t.now.toISOString()}::timestamptz WHERE id = ${p.id}`);
  await auditPerson(t, "personnel.manager_changed", p.id, { from: p.manager_id, to: managerId });
  p.manager_id = managerId;
}

export async function setManager(ctx: Ctx, input: SetManagerInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.set_manager", clientId: input.client_id, request: input }, input.id, (t, p) => applyManager(t, p, input.manager_id));
}
