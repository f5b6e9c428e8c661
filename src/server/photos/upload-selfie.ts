import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { arrayLiteral } from "../db/array-literal";
import { queryRows, type Db } from "../db/client";
import { idempotencyKeys, locationValidations } from "../db/schema";
import { withIdempotency } from "../idempotency";
import { log } from "../log";
import { emitEvent } from "../realtime/outbox";
import { getStorage } from "../storage/storage";
import { inspectImage, renderCopies, type InspectedImage, type RenderedCopies } from "./inspect-image";
import { judgePhoto, photoTimeWithoutExif } from "./photo-evidence";
import { signSelfieUrls } from "./photo-urls";
import { photoTakenAt, readPhotoExif, type PhotoExif } from "./read-exif";
import { readPhotoPlaceFacts, requireSelfieVisit } from "./selfie-visit";
import { selfieUrlOf, toExifSummary, type SelfieMetadata } from "./selfie-metadata";
import { IMAGE_EXTENSIONS } from "./sniff-image";
import type { SelfieUploadMeta, SelfieUploadResult } from "@/contracts/photos";

export type UploadSelfieInput = { visitId: number; meta: SelfieUploadMeta; photo: Buffer };
type StoredResult = Omit<SelfieUploadResult, "display_url" | "thumb_url" | "urls_expire_at"> & { display_key: string; thumb_key: string };
const OPERATION = "visits.selfie";

/**
 * Adds the selfie to the actor's own open (or just-closed) visit: checks the image (type, pixels, decodability)
 * before anything is stored, reads its EXIF, judges it (PHOTO validation row, flags, evidence score), stores the
 * original + a re-encoded copy + a thumbnail, and writes visit, validation and event in one transaction.
 * Idempotent on meta.client_id (a replay answers the first result with fresh signed URLs). A refused upload stores nothing.
 */
export async function uploadSelfie(ctx: Ctx, input: UploadSelfieInput): Promise<{ body: SelfieUploadResult; created: boolean }> {
  requirePermission(ctx.actor, "visits.write");
  const { meta } = input;
  let processed: Processed | null = null;
  if (!(await isReplay(ctx, meta.client_id))) {
    // Cheap checks first (another rep's visit is refused before any image work), and the image work outside the
    // transaction so a slow decode never holds a database connection.
    await requireSelfieVisit(ctx.db, input.visitId, ctx.actor.id, ctx.now, false);
    processed = await processPhoto(input.photo);
  }
  const stored: string[] = [];
  try {
    const { result, replayed } = await withIdempotency(ctx, meta.client_id, OPERATION, async (tx) => {
      if (!processed) throw new Error("selfie: an idempotency key vanished between the replay check and the transaction");
      return record(ctx, tx, input, processed, stored);
    });
    return { body: await signSelfieUrls(result as StoredResult, ctx.now), created: !replayed };
  } catch (err) {
    // Nothing of a refused or failed upload stays on disk (the transaction rolled back its rows).
    if (stored.length > 0) await getStorage().delete(stored).catch((e: unknown) => log.error("selfie cleanup failed", { keys: stored, error: String(e) }));
    throw err;
  }
}

async function isReplay(ctx: Ctx, clientId: string): Promise<boolean> {
  const rows = await ctx.db.select({ c: idempotencyKeys.clientId }).from(idempotencyKeys).where(and(eq(idempotencyKeys.clientId, clientId), eq(idempotencyKeys.operation, OPERATION)));
  return rows.length > 0;
}

type Processed = { image: InspectedImage; exif: PhotoExif; copies: RenderedCopies };

/** Type and pixel count from the header (415/413 before decoding), then EXIF and the decoded copies (422 when corrupt). */
async function processPhoto(photo: Buffer): Promise<Processed> {
  const image = await inspectImage(photo);
  const [exif, copies] = await Promise.all([readPhotoExif(photo), renderCopies(photo)]);
  return { image, exif, copies };
}

async function record(ctx: Ctx, tx: Db, input: UploadSelfieInput, p: Processed, stored: string[]): Promise<StoredResult> {
  const { meta } = input;
  const visit = await requireSelfieVisit(tx, input.visitId, ctx.actor.id, ctx.now, true);
  const fix = meta.capture_fix;
  const place = await readPhotoPlaceFacts(tx, visit.locationId, p.exif.gps, fix);
  const exifTime = photoTakenAt(p.exif, place.tz);
  const deviceTime = photoTimeWithoutExif({
    deviceTime: new Date(meta.device_time),
    receivedAt: ctx.now,
    captureFixAt: fix ? new Date(fix.captured_at) : null,
    offlineReplay: meta.offline_replay ?? false,
  });
  const validation = judgePhoto({
    source: meta.source,
    radiusM: place.radiusM,
    exifGps: p.exif.gps,
    exifGpsDistanceM: place.exifGpsDistanceM,
    captureFix: fix,
    captureFixDistanceM: place.captureFixDistanceM,
    photoTime: exifTime ?? deviceTime,
    photoTimeDoubt: exifTime ? null : deviceTime.doubt,
    deviceTime: new Date(meta.device_time),
    receivedAt: ctx.now,
    checkInAt: visit.checkInAt,
  });

  const storage = getStorage();
  const base = `visits/${visit.id}/${randomUUID()}`;
  const keys = { original: `${base}-original.${IMAGE_EXTENSIONS[p.image.type]}`, display: `${base}-display.jpg`, thumb: `${base}-thumb.jpg` };
  for (const [key, data, type] of [[keys.original, input.photo, p.image.type], [keys.display, p.copies.display, "image/jpeg"], [keys.thumb, p.copies.thumb, "image/jpeg"]] as const) {
    stored.push(key);
    await storage.put(key, data, type);
  }
  const metadata: SelfieMetadata = {
    client_id: meta.client_id,
    storage: storage.kind,
    original_key: keys.original,
    display_key: keys.display,
    thumb_key: keys.thumb,
    content_type: p.image.type,
    bytes: input.photo.length,
    sha256: createHash("sha256").update(input.photo).digest("hex"),
    width: p.image.width,
    height: p.image.height,
    source: meta.source,
    capture_fix: fix,
    device_time: meta.device_time,
    user_agent: meta.user_agent ?? null,
    offline_replay: meta.offline_replay ?? false,
    received_at: ctx.now.toISOString(),
    exif: toExifSummary(p.exif),
    validation,
  };
  const updated = await applyToVisit(tx, visit.id, keys.display, metadata, ctx.now);
  await tx.insert(locationValidations).values({
    visitId: visit.id,
    validationType: "PHOTO",
    isValid: validation.is_valid,
    distanceFromLocation: (validation.capture_fix_distance_m ?? validation.exif_gps_distance_m)?.toFixed(2) ?? null,
    validationDetails: { ...validation, source: meta.source, exif: metadata.exif, capture_fix: fix, device_time: meta.device_time, client_id: meta.client_id },
    validatedAt: ctx.now,
  });
  await emitEvent(tx, {
    type: "visit.selfie_uploaded",
    personnelId: ctx.actor.id,
    visitId: visit.id,
    locationId: visit.locationId,
    payload: { flags: validation.flags, is_valid: validation.is_valid, evidence_score: updated.evidence_score, source: meta.source },
  });
  return {
    visit_id: visit.id,
    photo: { client_id: meta.client_id, source: meta.source, content_type: p.image.type, bytes: metadata.bytes, width: p.image.width, height: p.image.height, received_at: metadata.received_at, exif: metadata.exif },
    validation,
    evidence_score: updated.evidence_score,
    visit_flags: updated.flags,
    display_key: keys.display,
    thumb_key: keys.thumb,
  };
}

/**
 * selfie_url/selfie_metadata, the photo's flags joined to the visit's (NO_SELFIE dropped), and the evidence score
 * recomputed as the weakest GPS fix's score minus the photo's penalty (0003, "Selfie").
 */
async function applyToVisit(tx: Db, visitId: number, displayKey: string, metadata: SelfieMetadata, now: Date): Promise<{ evidence_score: number | null; flags: string[] }> {
  // Photo flags are fixed identifiers (PHOTO_FLAGS), so an array literal is safe.
  const flagsLiteral = arrayLiteral(metadata.validation.flags);
  const [row] = await queryRows<{ evidence_score: unknown; flags: unknown }>(
    tx,
    sql`UPDATE visits v SET selfie_url = ${selfieUrlOf(displayKey)}, selfie_metadata = ${JSON.stringify(metadata)}::jsonb,
          flags = ARRAY(SELECT DISTINCT f FROM unnest(array_remove(v.flags, 'NO_SELFIE') || ${flagsLiteral}::text[]) f ORDER BY f),
          evidence_score = greatest(0, coalesce(
            (SELECT min((lv.validation_details->>'evidence_score')::int) FROM location_validations lv WHERE lv.visit_id = v.id AND lv.validation_type = 'GPS'),
            v.evidence_score, 100) - ${metadata.validation.penalty}),
          updated_at = ${now.toISOString()}::timestamptz
        WHERE v.id = ${visitId} RETURNING v.evidence_score, v.flags`,
  );
  return { evidence_score: row?.evidence_score == null ? null : Number(row.evidence_score), flags: Array.isArray(row?.flags) ? row.flags.map(String) : [] };
}
