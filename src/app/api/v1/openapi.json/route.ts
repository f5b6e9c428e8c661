import { NextResponse } from "next/server";
import { route } from "@/server/http/handler";
import { buildOpenApiDocument } from "@/server/http/openapi";

// Built once per process: the document only changes with the code.
let doc: ReturnType<typeof buildOpenApiDocument> | undefined;

/** GET /api/v1/openapi.json: the OpenAPI 3.1 document of the REST API (public). */
export const GET = route(async () => {
  doc ??= buildOpenApiDocument();
  return NextResponse.json(doc, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } });
});
