import { z } from "zod";
import type { ApiOperation } from "../http/openapi-types";
import { SELFIE_MAX_BYTES, SELFIE_MAX_PIXELS, selfieUploadMeta, selfieUploadResult } from "@/contracts/photos";

const multipartBody = z.object({
  photo: z.string().describe(`The image file (binary): JPEG, PNG or WebP by its magic bytes, at most ${SELFIE_MAX_BYTES} bytes and ${SELFIE_MAX_PIXELS} pixels`),
  meta: z.string().describe(`JSON text matching: ${JSON.stringify(z.toJSONSchema(selfieUploadMeta, { io: "input" }))}`),
});

/** The photo routes, for the generated OpenAPI document. */
export const photosOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/visits/{id}/selfie",
    summary: "Add the selfie to one's own open (or just checked-out) visit",
    description:
      "multipart/form-data with `photo` (the file) and `meta` (JSON: client_id, source camera|file, capture_fix, device_time, user_agent, offline_replay). " +
      "The body is counted while it streams and cut off past the limit (413, chunked bodies too); the type is sniffed from magic bytes (415 otherwise, whatever the name or declared type); " +
      "the pixel count is read from the header before decoding (413 IMAGE_TOO_LARGE beyond 50 MP); a corrupt or truncated file is 422 IMAGE_UNREADABLE. A refused upload stores nothing. " +
      "Stores the original, a re-encoded copy without metadata (no GPS) and a thumbnail; writes a PHOTO location_validations row with flags " +
      "(PHOTO_GPS_MISMATCH, PHOTO_TIME_SKEW, NO_PHOTO_GPS, FILE_UPLOAD, CAPTURE_FIX_MISMATCH, NO_CAPTURE_FIX), fills visits.selfie_url/selfie_metadata, " +
      "updates the visit's flags and evidence score and emits `visit.selfie_uploaded`. One selfie per visit. Idempotent on meta.client_id: a replay answers 200 with fresh signed URLs.",
    tag: "photos",
    permission: "visits.write",
    body: multipartBody,
    bodyType: "multipart/form-data",
    responses: {
      201: { description: "Stored and judged", schema: selfieUploadResult },
      200: { description: "Replay of an earlier upload with this client_id", schema: selfieUploadResult },
      400: { description: "VALIDATION_FAILED (field photo or meta.*), INVALID_JSON, INVALID_MULTIPART" },
      401: { description: "No valid credential" },
      403: { description: "The role (admin) or a read-only API key lacks visits.write" },
      404: { description: "No such visit, or not the caller's own" },
      409: { description: "SELFIE_ALREADY_UPLOADED, VISIT_CLOSED (checked out more than 30 min ago), CLIENT_ID_REUSED" },
      413: { description: "PAYLOAD_TOO_LARGE (more than 10 MB) or IMAGE_TOO_LARGE (more than 50 megapixels)" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE: not multipart, or the file is not a JPEG, PNG or WebP by content" },
      422: { description: "IMAGE_UNREADABLE: truncated or corrupt image" },
    },
  },

  {
    method: "get",
    path: "/api/v1/files/{key}",
    summary: "A stored photo (display copy or thumbnail) behind a signed, expiring URL",
    description:
      "Only through the URL an API answer or page gave you: `?exp=<unix seconds>&sig=<HMAC-SHA256>` (key derived from AUTH_SECRET; default lifetime 15 minutes, SIGNED_URL_TTL_SECONDS). " +
      "The caller must also see the photo's visit (rep: own; manager: reporting subtree; admin: all). Originals (which may carry EXIF GPS) are served to admins only. " +
      "`key` is the rest of the path, slashes included (e.g. visits/12/…-thumb.jpg). With uploadthing storage, URLs point at uploadthing instead.",
    tag: "photos",
    permission: "visits.read",
    query: z.object({ exp: z.string().describe("Expiry, unix seconds"), sig: z.string().describe("HMAC-SHA256 of key and exp, base64url") }),
    responses: {
      200: { description: "The image (image/jpeg, image/png or image/webp), Cache-Control private until the link expires" },
      401: { description: "No valid credential" },
      403: { description: "SIGNATURE_INVALID (tampered key, expiry or signature) or URL_EXPIRED" },
      404: { description: "No such file, deleted by retention, or its visit is out of the caller's scope" },
    },
  },
];
