import { z } from "zod";
import { accuracyM, clientId, isoInstant, latitude, longitude } from "./locations";

/**
 * The selfie upload contract, shared by the rep PWA (capture component, offline queue) and the server.
 * POST /api/v1/visits/{id}/selfie, multipart/form-data:
 *   - `photo`: the image file (JPEG, PNG or WebP by its magic bytes; at most SELFIE_MAX_BYTES, SELFIE_MAX_PIXELS);
 *   - `meta`: a JSON string matching `selfieUploadMeta` below.
 * Idempotent on meta.client_id: a replay answers the first result with 200.
 */
export const SELFIE_MAX_BYTES = 10 * 1024 * 1024;
export const SELFIE_MAX_PIXELS = 50_000_000;
export const SELFIE_FILE_FIELD = "photo";
export const SELFIE_META_FIELD = "meta";

/** `camera`: a live getUserMedia capture drawn to a canvas; `file`: picked or shot through <input type=file> (weaker evidence). */
export const photoSource = z.enum(["camera", "file"]);
export type PhotoSource = z.infer<typeof photoSource>;

/** The fix taken at the moment of capture (Geolocation API), sent with the photo. */
export const captureFix = z.object({
  lat: latitude,
  lon: longitude,
  accuracy_m: accuracyM,
  captured_at: isoInstant.describe("Timestamp of the fix (GeolocationPosition.timestamp)"),
});
export type CaptureFix = z.infer<typeof captureFix>;

export const selfieUploadMeta = z.object({
  client_id: clientId,
  source: photoSource,
  capture_fix: captureFix.nullable().describe("null when no fix could be had at capture time (flagged)"),
  device_time: isoInstant.describe("Device clock when the photo was captured"),
  user_agent: z.string().max(500).optional(),
  offline_replay: z.boolean().optional().describe("Sent from the offline queue after the fact"),
});
export type SelfieUploadMeta = z.infer<typeof selfieUploadMeta>;

export const PHOTO_FLAGS = ["PHOTO_GPS_MISMATCH", "PHOTO_TIME_SKEW", "NO_PHOTO_GPS", "FILE_UPLOAD", "CAPTURE_FIX_MISMATCH", "NO_CAPTURE_FIX", "NO_SELFIE"] as const;
export type PhotoFlag = (typeof PHOTO_FLAGS)[number];
export const photoFlag = z.enum(PHOTO_FLAGS);
