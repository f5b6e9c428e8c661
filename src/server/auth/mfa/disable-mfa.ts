import "server-only";
import { eq } from "drizzle-orm";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { recordAudit } from "../../audit/record-audit";
import type { Db } from "../../db/client";
import { mfaRecoveryCodes, personnel } from "../../db/schema";
import { AppError } from "../../errors";
import { getOrgSettings } from "../../settings/org-settings";
import { redeemRecoveryCode } from "./recovery-codes";
import { decryptSecret } from "./totp";
import { spendTotp } from "./spend-totp";

/**
 * Turns the actor's own MFA off. Needs a current code (a stolen session alone cannot remove the second
 * factor) and is refused for managers/admins while the organisation requires MFA.
 */
export async function disableMfa(ctx: Ctx, input: { code: string }): Promise<{ disabled: true }> {
  requirePermission(ctx.actor, "account.manage");
  return ctx.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [p] = await tx.select({ secret: personnel.mfaSecret, enabled: personnel.mfaEnabledAt }).from(personnel).where(eq(personnel.id, ctx.actor.id)).for("update");
    if (!p?.enabled || !p.secret) throw new AppError("MFA_NOT_ENABLED", "Two-step verification is not on.");
    if (ctx.actor.role !== "rep") {
      if ((await getOrgSettings(tx)).require_manager_mfa) throw new AppError("MFA_REQUIRED_BY_ORG", "Your organisation requires two-step verification for managers and admins.");
    }
    const secret = decryptSecret(p.secret);
    const code = input.code.trim();
    const ok = /^\d{6}$/.test(code) ? !!secret && (await spendTotp(tx, ctx.actor.id, secret, code, ctx.now)) : (await redeemRecoveryCode(tx, ctx.actor.id, code, ctx.now)) !== null;
    if (!ok) throw new AppError("MFA_CODE_INVALID", "That code is not valid.", { field: "code" });
    await tx.update(personnel).set({ mfaSecret: null, mfaEnabledAt: null, updatedAt: ctx.now }).where(eq(personnel.id, ctx.actor.id));
    await tx.delete(mfaRecoveryCodes).where(eq(mfaRecoveryCodes.personnelId, ctx.actor.id));
    await recordAudit(tx, { action: "mfa.disabled", actor: ctx.actor, subjectType: "personnel", subjectId: ctx.actor.id, targetPersonnelId: ctx.actor.id, at: ctx.now });
    return { disabled: true as const };
  });
}
