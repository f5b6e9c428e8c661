import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { AppError } from "../errors";
import { auditPerson, countActiveReports, endSessions, mutatePerson, type LockedPerson, type TxCtx } from "./person-rules";
import type { Person, PersonRefInput } from "@/contracts/personnel";

/**
 * Deactivates a person: they can no longer sign in, and every session and token they hold stops
 * working at their next request (tokens_valid_after = now, refresh tokens and API keys revoked; the
 * actor loader also refuses inactive people). Their history stays.
 *
 * Refused for yourself, and while they still have active direct reports (409 HAS_ACTIVE_REPORTS
 * with the count): silently leaving a team without a manager would hide it from every manager,
 * so the admin moves the reports first (docs/decisions/0008-personnel-hierarchy-admin.md).
 */
export async function applyDeactivate(t: TxCtx, p: LockedPerson): Promise<void> {
  if (!p.active) return;
  if (p.id === t.actor.id) throw new AppError("SELF_DEACTIVATION", "You cannot deactivate yourself: ask another admin.", { field: "active" });
  const reports = await countActiveReports(t.tx, p.id);
  if (reports > 0) {
    throw new AppError("HAS_ACTIVE_REPORTS", `${p.name} still manages ${reports} active ${reports === 1 ? "person" : "people"}: move them to another manager first.`, {
      field: "active",
      details: { active_reports: reports },
    });
  }
  await t.tx.execute(sql`UPDATE personnel SET active = false WHERE id = ${p.id}`);
  await endSessions(t.tx, p.id, t.now, "deactivated");
  // Their API keys die with the account: a later reactivation must not bring old integrations back to life.
  await t.tx.execute(sql`UPDATE api_keys SET revoked_at = ${t.now.toISOString()}::timestamptz WHERE personnel_id = ${p.id} AND revoked_at IS NULL`);
  await auditPerson(t, "personnel.deactivated", p.id);
  p.active = false;
}

export async function deactivatePerson(ctx: Ctx, input: PersonRefInput): Promise<Person> {
  return mutatePerson(ctx, { scope: "personnel.deactivate", clientId: input.client_id, request: input }, input.id, (t, p) => applyDeactivate(t, p));
}
