import "server-only";
import { eq, sql } from "drizzle-orm";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { recordAudit } from "../../audit/record-audit";
import type { Db } from "../../db/client";
import { personnel } from "../../db/schema";
import { AppError } from "../../errors";
import type { ConfirmMfaEnrolmentResult } from "@/contracts/mfa";
import { replaceRecoveryCodes } from "./recovery-codes";
import { decryptSecret } from "./totp";
import { spendTotp } from "./spend-totp";

/**
 * Step 2: a code from the new secret proves the phone has it. MFA turns on, 10 recovery codes are made
 * (returned once, stored hashed) and the change is audit-logged, all in one transaction.
 */
export async function confirmMfaEnrolment(ctx: Ctx, input: { code: string }): Promise<ConfirmMfaEnrolmentResult> {
  requirePermission(ctx.actor, "account.manage");
  return ctx.db.transaction(async (txRaw) => {
    const tx = txRaw as unknown as Db;
    const [p] = await tx
      .select({ secret: personnel.mfaSecret, enabled: personnel.mfaEnabledAt })
      .from(personnel)
      .where(eq(personnel.id, ctx.actor.id))
      .for("update");
    if (!p) throw new AppError("NOT_FOUND", "Account not found.");
    if (p.enabled) throw new AppError("MFA_ALREADY_ENABLED", "Two-step verification is already on.");
    const secret = p.secret ? decryptSecret(p.secret) : null;
    if (!secret) throw new AppError("MFA_NOT_STARTED", "Start the enrolment first: scan the QR code, then enter a code.");
    if (!(await spendTotp(tx, ctx.actor.id, secret, input.code, ctx.now))) {
      throw new AppError("MFA_CODE_INVALID", "That code does not match. Check the time on your phone and try the newest code.", { field: "code" });
    }
    await tx.update(personnel).set({ mfaEnabledAt: ctx.now, updatedAt: sql`now()` }).where(eq(personnel.id, ctx.actor.id));
    const recovery_codes = await replaceRecoveryCodes(tx, ctx.actor.id, ctx.now);
    await recordAudit(tx, { action: "mfa.enrolled", actor: ctx.actor, subjectType: "personnel", subjectId: ctx.actor.id, targetPersonnelId: ctx.actor.id, at: ctx.now });
    return { recovery_codes };
  });
}
