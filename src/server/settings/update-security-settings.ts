import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { withIdempotency } from "../idempotency";
import { readSecuritySettings } from "./get-settings";
import type { SecuritySettings, UpdateSecuritySettingsInput } from "./settings.schemas";

/**
 * Turns "managers and admins must use MFA" on or off (settings.manage), audited as
 * `settings.changed` with from → to. Setting the value it already has changes and audits nothing.
 * Enforcement (send un-enrolled managers to enrolment) lives with sign-in.
 */
export async function updateSecuritySettings(ctx: Ctx, input: UpdateSecuritySettingsInput): Promise<SecuritySettings> {
  requirePermission(ctx.actor, "settings.manage");
  const { result } = await withIdempotency(ctx, input.client_id, "settings.update_security", async (tx) => {
    const before = await readSecuritySettings(tx, true);
    if (before.require_manager_mfa === input.require_manager_mfa) return before;
    await tx.execute(
      sql`UPDATE org_settings SET require_manager_mfa = ${input.require_manager_mfa}, updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = 1`,
    );
    await recordAudit(tx, {
      action: "settings.changed",
      actor: ctx.actor,
      subjectType: "org_settings",
      subjectId: 1,
      details: { require_manager_mfa: { from: before.require_manager_mfa, to: input.require_manager_mfa } },
      at: ctx.now,
    });
    return readSecuritySettings(tx);
  });
  return result;
}
