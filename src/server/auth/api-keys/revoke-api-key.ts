import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import { recordAudit } from "../../audit/record-audit";
import type { Db } from "../../db/client";
import { apiKeys } from "../../db/schema";
import { AppError } from "../../errors";
import type { Ctx } from "../actor";
import { requirePermission } from "../permissions";
import { revokeApiKeyInput } from "@/contracts/api-keys";
import { getApiKeyView } from "./api-keys.queries";
import type { ApiKeyView } from "@/contracts/api-keys";

/**
 * Revokes a key; its next request answers 401. Idempotent by nature: revoking a revoked key returns it
 * unchanged (first revocation time kept, audited once).
 */
export async function revokeApiKey(ctx: Ctx, raw: { id: number }): Promise<ApiKeyView> {
  requirePermission(ctx.actor, "apikeys.manage");
  const { id } = revokeApiKeyInput.parse(raw);
  return ctx.db.transaction(async (tx) => {
    const db = tx as unknown as Db;
    const changed = await db
      .update(apiKeys)
      .set({ revokedAt: ctx.now })
      .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
      .returning({ id: apiKeys.id, personnelId: apiKeys.personnelId, prefix: apiKeys.prefix, name: apiKeys.name });
    const row = changed[0];
    if (row) {
      await recordAudit(db, {
        action: "apikey.revoked",
        actor: ctx.actor,
        subjectType: "api_key",
        subjectId: row.id,
        targetPersonnelId: row.personnelId,
        details: { name: row.name, prefix: `fb_${row.prefix}` },
        at: ctx.now,
      });
    }
    const view = await getApiKeyView(db, id, ctx.now);
    if (!view) throw new AppError("NOT_FOUND", "No such API key.");
    return view;
  });
}
