import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { AppError } from "../errors";
import { auditPerson, countActiveReports, mutatePerson, repNeedsManager, requireAssignableManager, type LockedPerson, type TxCtx } from "./person-rules";
import type { Person, SetRoleInput } from "@/contracts/personnel";

/**
 * Changes a role, keeping the hierarchy consistent: nobody changes their own role (an admin cannot
 * lock themself out), a person with active direct reports cannot become a rep (a rep manages
 * nobody), and a rep needs an active manager or admin above them.
 */
export async function applyRole(t: TxCtx, p: LockedPerson, role: LockedPerson["role"]): Promise<void> {
  if (role === p.role) return;
  if (p.id === t.actor.id) throw new AppError("SELF_ROLE_CHANGE", "You cannot change your own role: ask another admin.", { field: "role" });
  if (role === "rep") {
    const reports = await countActiveReports(t.tx, p.id);
    if (reports > 0) {
      throw new AppError("HAS_ACTIVE_REPORTS", `${p.name} still manages ${reports} active ${reports === 1 ? "person" : "people"}: move them to another manager first.`, {
        field: "role",
        details: { active_reports: reports },
      });
    }
    if (p.manager_id === null) throw repNeedsManager();
    await requireAssignableManager(t.tx, p.manager_id, "share");
  }
  await t.tx.execute(sql`UPDATE personnel SET role = ${role}, updated_at = ${t.now.toISOString()}::timestamptz WHERE id = ${p.id}`);
  await auditPerson(t, "personnel.role_changed", p.id, { from: p.role, to: role });
  p.role = role;
}

export async function setRole(ctx: Ctx, input: SetRoleInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.set_role", clientId: input.client_id, request: input }, input.id, (t, p) => applyRole(t, p, input.role));
}
