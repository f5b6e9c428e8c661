import { NextResponse } from "next/server";
import { apiRoute, parseInput, requestBody } from "@/server/http/api";
import { AppError } from "@/server/errors";
import { importCustomers } from "@/server/locations/import/import-customers";
import { searchParamsObject } from "@/server/personnel/route-params";
import { importQuery } from "@/contracts/locations";

/** The CSV itself may be 20 MB; a multipart envelope adds a little. */
const MAX_FILE_BYTES = 20 * 1024 * 1024;
const MAX_BODY_BYTES = MAX_FILE_BYTES + 64 * 1024;

/** The file's bytes: a text/csv body as is, or the `file` field of a multipart/form-data body. */
async function fileBytes(req: Request): Promise<Uint8Array> {
  const type = (req.headers.get("content-type") ?? "").toLowerCase();
  const body = await requestBody(req, MAX_BODY_BYTES);
  if (/^(text\/csv|text\/plain|application\/csv|application\/vnd\.ms-excel)\b/.test(type)) {
    if (body.length > MAX_FILE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The file is larger than 20 MB: split it.");
    return body;
  }
  if (type.startsWith("multipart/form-data")) {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { "content-type": req.headers.get("content-type")! } }).formData();
    } catch {
      throw new AppError("INVALID_MULTIPART", "The multipart body cannot be read.", { field: "file" });
    }
    const file = form.get("file");
    if (!(file instanceof Blob)) throw new AppError("VALIDATION_FAILED", "Send the CSV in a field named `file`.", { field: "file" });
    if (file.size > MAX_FILE_BYTES) throw new AppError("PAYLOAD_TOO_LARGE", "The file is larger than 20 MB: split it.");
    return new Uint8Array(await file.arrayBuffer());
  }
  throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the file as text/csv, or as multipart/form-data with a `file` field.");
}

/** POST /api/v1/locations/import?dry_run=true|false[&skip_invalid=true]: see the OpenAPI description. */
export const POST = apiRoute(
  "locations.manage",
  async ({ req, ctx }) => {
    const q = parseInput(importQuery, searchParamsObject(req));
    const bytes = await fileBytes(req);
    return NextResponse.json(await importCustomers(ctx, bytes, { dryRun: q.dry_run, skipInvalid: q.skip_invalid }));
  },
  { maxBodyBytes: MAX_BODY_BYTES },
);
