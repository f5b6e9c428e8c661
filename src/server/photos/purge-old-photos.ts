import "server-only";
import { sql } from "drizzle-orm";
import type { Actor, Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { getStorage } from "../storage/storage";
import { getOrgSettings } from "../settings/org-settings";

const BATCH = 500;

/**
 * Deletes selfies received more than the organisation's photo_retention_days ago: the original, the display copy and the
 * thumbnail in storage, then the visit's selfie_url and file keys (selfie_metadata keeps the judgement, EXIF summary
 * and `deleted_at`; the PHOTO validation row stays as evidence that there was a photo). Audited as `photos.purged`.
 * Safe to repeat and to interrupt: files go first (a missing file is not an error), rows after, in batches.
 * Run by an admin (this use-case) or, daily, by the `photos-purge` job of the registry (purgeExpiredPhotos).
 */
export async function purgeOldPhotos(ctx: Ctx): Promise<{ purged: number; cutoff: string }> {
  requirePermission(ctx.actor, "settings.manage");
  return purgeExpiredPhotos(ctx.db, ctx.now, ctx.actor);
}

/**
 * The retention rule itself, shared by the admin's use-case and the scheduled job. The job runs as no one: its audit
 * rows have no actor and say `scheduled: true`.
 */
export async function purgeExpiredPhotos(db: Db, now: Date, actor: Pick<Actor, "id" | "email"> | null): Promise<{ purged: number; cutoff: string }> {
  const { photo_retention_days: days } = await getOrgSettings(db);
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  let purged = 0;
  for (;;) {
    const rows = await queryRows<{ id: number; keys: (string | null)[] }>(
      db,
      sql`SELECT id, ARRAY[selfie_metadata->>'original_key', selfie_metadata->>'display_key', selfie_metadata->>'thumb_key'] AS keys
          FROM visits WHERE selfie_url IS NOT NULL AND (selfie_metadata->>'received_at')::timestamptz < ${cutoff.toISOString()}::timestamptz
          ORDER BY id LIMIT ${BATCH}`,
    );
    if (rows.length === 0) break;
    await getStorage().delete(rows.flatMap((r) => r.keys.filter((k): k is string => typeof k === "string")));
    const ids = rows.map((r) => Number(r.id));
    await db.transaction(async (tx) => {
      await tx.execute(sql`UPDATE visits SET selfie_url = NULL,
            selfie_metadata = (selfie_metadata - 'original_key' - 'display_key' - 'thumb_key') || jsonb_build_object('deleted_at', ${now.toISOString()}::text),
            updated_at = ${now.toISOString()}::timestamptz
          WHERE id IN (${sql.join(ids.map((i) => sql`${i}`), sql`, `)})`);
      await recordAudit(tx, { action: "photos.purged", actor, subjectType: "visits", details: { visit_ids: ids, count: ids.length, retention_days: days, cutoff: cutoff.toISOString(), ...(actor ? {} : { scheduled: true }) }, at: now });
    });
    purged += ids.length;
  }
  return { purged, cutoff: cutoff.toISOString() };
}
