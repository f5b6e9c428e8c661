import "server-only";
import { AppError } from "../errors";
import { parseInput, requestBody } from "../http/api";
import { payloadTooLarge } from "../http/body";
import { SELFIE_FILE_FIELD, SELFIE_MAX_BYTES, SELFIE_META_FIELD, selfieUploadMeta, type SelfieUploadMeta } from "@/contracts/photos";

/** Room for the multipart boundaries, part headers and the meta JSON around a photo of SELFIE_MAX_BYTES. */
const MULTIPART_OVERHEAD = 64 * 1024;
/** The selfie route's body limit, applied by the route wrapper while the body streams in, before authentication. */
export const SELFIE_BODY_MAX_BYTES = SELFIE_MAX_BYTES + MULTIPART_OVERHEAD;

/**
 * Reads the selfie upload (multipart/form-data: `photo` file + `meta` JSON). The body is counted while it streams in
 * and cut off past SELFIE_MAX_BYTES + overhead (413), chunked or not, before the multipart is parsed from that
 * bounded buffer: the server never holds more than the limit of a hostile upload.
 */
export async function readSelfieForm(req: Request): Promise<{ meta: SelfieUploadMeta; photo: Buffer }> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^multipart\/form-data\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the selfie as multipart/form-data (fields photo and meta).");
  const body = await requestBody(req, SELFIE_BODY_MAX_BYTES);
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(body), { headers: { "content-type": type } }).formData();
  } catch {
    throw new AppError("INVALID_MULTIPART", "The multipart body cannot be parsed.");
  }
  const file = form.get(SELFIE_FILE_FIELD);
  if (!(file instanceof Blob)) throw new AppError("VALIDATION_FAILED", "photo: attach the image as a file field named photo.", { field: "photo" });
  if (file.size > SELFIE_MAX_BYTES) throw payloadTooLarge(SELFIE_MAX_BYTES);
  if (file.size === 0) throw new AppError("VALIDATION_FAILED", "photo: the file is empty.", { field: "photo" });
  const rawMeta = form.get(SELFIE_META_FIELD);
  if (typeof rawMeta !== "string") throw new AppError("VALIDATION_FAILED", "meta: send the metadata as a JSON text field named meta.", { field: "meta" });
  let json: unknown;
  try {
    json = JSON.parse(rawMeta);
  } catch {
    throw new AppError("INVALID_JSON", "meta is not valid JSON.", { field: "meta" });
  }
  return { meta: parseInput(selfieUploadMeta, json), photo: Buffer.from(await file.arrayBuffer()) };
}
