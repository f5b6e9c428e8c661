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

// --- Added by the photos work (additive): the upload's answer, the EXIF summary, a manager's review. ---

export const exifSummary = z.object({
  gps: z.object({ lat: z.number(), lon: z.number() }).nullable().describe("EXIF GPS (null when absent or its tags are empty; never 0,0 by default)"),
  date_time_original: z.string().nullable().describe("Camera wall-clock time as written, 'YYYY:MM:DD HH:MM:SS'"),
  offset_time_original: z.string().nullable(),
  gps_time: z.string().nullable().describe("GPSDateStamp + GPSTimeStamp, UTC"),
  make: z.string().nullable(),
  model: z.string().nullable(),
});
export type ExifSummary = z.infer<typeof exifSummary>;

export const photoValidation = z.object({
  is_valid: z.boolean().describe("false when the photo contradicts the visit (PHOTO_GPS_MISMATCH, PHOTO_TIME_SKEW, CAPTURE_FIX_MISMATCH)"),
  flags: z.array(photoFlag),
  reasons: z.array(z.string()),
  penalty: z.number().int().describe("Points this photo takes off the visit's evidence score"),
  exif_gps_distance_m: z.number().nullable(),
  capture_fix_distance_m: z.number().nullable(),
  photo_time: z.string().nullable(),
  photo_time_basis: z
    .enum(["offset", "org_time_zone", "gps_time", "device_time", "received_at"])
    .nullable()
    .describe("received_at: no EXIF time and the device clock did not agree with the server's receipt (or the capture fix), so the server's time is used"),
});
export type PhotoValidation = z.infer<typeof photoValidation>;

export const selfieUploadResult = z.object({
  visit_id: z.number().int(),
  photo: z.object({
    client_id: z.string(),
    source: photoSource,
    content_type: z.string(),
    bytes: z.number().int(),
    width: z.number().int(),
    height: z.number().int(),
    received_at: z.string(),
    exif: exifSummary,
  }),
  validation: photoValidation,
  evidence_score: z.number().int().nullable().describe("The visit's evidence score with this photo"),
  visit_flags: z.array(z.string()),
  display_url: z.string().describe("Signed, expiring URL of the re-encoded copy (no metadata)"),
  thumb_url: z.string().describe("Signed, expiring URL of the thumbnail"),
  urls_expire_at: z.string(),
});
export type SelfieUploadResult = z.infer<typeof selfieUploadResult>;
