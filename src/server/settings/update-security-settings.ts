import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows } from "../db/client";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { readSecuritySettings } from "./get-settings";
import type { SecuritySettings, UpdateSecuritySettingsInput } from "@/contracts/settings";

/**
 * Turns "managers and admins must use MFA" on or off (settings.manage), audited as
 * `settings.changed` with from → to. Setting the value it already has changes and audits nothing.
 * Enforcement (send un-enrolled managers to enrolment) lives with sign-in. Turning it on requires
 * the acting admin to be enrolled already: otherwise the very next page would lock them into enrolment.
 */
export async function updateSecuritySettings(ctx: Ctx, input: UpdateSecuritySettingsInput): Promise<SecuritySettings> {
  requirePermission(ctx.actor, "settings.manage");
  const { result } = await idempotent(ctx, { scope: "settings.update_security", clientId: input.client_id, request: input }, async (tx) => {
    const before = await readSecuritySettings(tx, true);
    if (before.require_manager_mfa === input.require_manager_mfa) return before;
    if (input.require_manager_mfa) {
      const [me] = await queryRows<{ enrolled: boolean }>(tx, sql`SELECT mfa_enabled_at IS NOT NULL AS enrolled FROM personnel WHERE id = ${ctx.actor.id}`);
      if (!me?.enrolled) {
        throw new AppError("MFA_NOT_ENROLLED", "Set up MFA for your own account first (Security page), then require it for managers.", {
          field: "require_manager_mfa",
        });
      }
    }
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
