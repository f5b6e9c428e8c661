import "server-only";
import { sql } from "drizzle-orm";
import type { z } from "zod";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { idempotent } from "../idempotency";
import type { PhotoSettings, updatePhotoSettingsInput } from "@/contracts/settings";

/** A text[] built from bound parameters (no literal escaping). */
const textArray = (items: string[]) => (items.length === 0 ? sql`'{}'::text[]` : sql`ARRAY[${sql.join(items.map((t) => sql`${t}::text`), sql`, `)}]`);

export async function readPhotoSettings(db: Db, lock = false): Promise<PhotoSettings> {
  const [row] = await queryRows<{ days: number; types: string[] }>(
    db,
    sql`SELECT photo_retention_days AS days, selfie_required_types AS types FROM org_settings WHERE id = 1 ${lock ? sql`FOR UPDATE` : sql``}`,
  );
  if (!row) throw new Error("org_settings row 1 is missing: run the migrations");
  return { photo_retention_days: Number(row.days), selfie_required_types: row.types ?? [] };
}

export async function getPhotoSettings(ctx: Ctx): Promise<PhotoSettings> {
  requirePermission(ctx.actor, "settings.manage");
  return readPhotoSettings(ctx.db);
}

/** Photo retention and the per-location-type selfie policy (settings.manage), audited as settings.changed with from → to. */
export async function updatePhotoSettings(ctx: Ctx, input: z.output<typeof updatePhotoSettingsInput>): Promise<PhotoSettings> {
  requirePermission(ctx.actor, "settings.manage");
  const { result } = await idempotent(ctx, { scope: "settings.update_photos", clientId: input.client_id, request: input }, async (tx) => {
    const before = await readPhotoSettings(tx, true);
    const after: PhotoSettings = { photo_retention_days: input.photo_retention_days, selfie_required_types: input.selfie_required_types };
    if (JSON.stringify(before) === JSON.stringify(after)) return before;
    await tx.execute(
      sql`UPDATE org_settings SET photo_retention_days = ${after.photo_retention_days}, selfie_required_types = ${textArray(after.selfie_required_types)},
          updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = 1`,
    );
    await recordAudit(tx, { action: "settings.changed", actor: ctx.actor, subjectType: "org_settings", subjectId: 1, details: { photos: { from: before, to: after } }, at: ctx.now });
    return readPhotoSettings(tx);
  });
  return result;
}
