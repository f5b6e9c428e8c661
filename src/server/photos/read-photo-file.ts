import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, visiblePersonnelIds } from "../auth/scope";
import { queryRows } from "../db/client";
import { AppError } from "../errors";
import { verifyFileSignature } from "../storage/signed-url";
import { getStorage, isStorageKey } from "../storage/storage";

/**
 * A stored photo for GET /api/v1/files/<key>: the URL's HMAC signature must be intact and unexpired (403 otherwise)
 * AND the actor must see the visit the photo belongs to (rep: own; manager: subtree; admin: all; else 404).
 * The original (which may carry EXIF GPS) is served to admins only; everyone else gets the re-encoded copies.
 */
export async function readPhotoFile(ctx: Ctx, key: string, exp: string | null, sig: string | null): Promise<{ data: Buffer; contentType: string; expiresAt: number }> {
  requirePermission(ctx.actor, "visits.read");
  if (!isStorageKey(key)) throw notFound("File");
  const check = verifyFileSignature(key, exp, sig, ctx.now);
  if (check === "invalid") throw new AppError("SIGNATURE_INVALID", "This file link is not valid.");
  if (check === "expired") throw new AppError("URL_EXPIRED", "This file link has expired: reload the page for a fresh one.");
  const visitId = /^visits\/(\d{1,10})\//.exec(key)?.[1];
  if (!visitId) throw notFound("File");
  const [row] = await queryRows<{ display_key: string | null; thumb_key: string | null; original_key: string | null }>(
    ctx.db,
    sql`SELECT selfie_metadata->>'display_key' AS display_key, selfie_metadata->>'thumb_key' AS thumb_key, selfie_metadata->>'original_key' AS original_key
        FROM visits WHERE id = ${Number(visitId)} AND personnel_id IN (${visiblePersonnelIds(ctx.actor)})`,
  );
  const allowed = row ? [row.display_key, row.thumb_key, ...(ctx.actor.role === "admin" ? [row.original_key] : [])] : [];
  if (!allowed.includes(key)) throw notFound("File");
  const file = await getStorage().get(key);
  if (!file) throw notFound("File");
  return { ...file, expiresAt: Number(exp) * 1000 };
}
