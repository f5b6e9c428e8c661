import type { z } from "zod";
import type { Permission } from "../auth/permissions";

/**
 * One documented /api/v1 operation. Each domain lists its own in `src/server/<domain>/<domain>.openapi.ts`
 * (`export const <domain>Operations: ApiOperation[]`); the OpenAPI 3.1 document is generated from them
 * (zod → JSON Schema), and a test fails when a route file under src/app/api/v1 has no operation here.
 */
export type ApiOperation = {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path with {params}: "/api/v1/visits/{id}". */
  path: string;
  summary: string;
  description?: string;
  tag: string;
  /** The permission the route requires; null for public routes (auth/login, openapi.json). */
  permission: Permission | null;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body's media type (default application/json); multipart bodies describe their fields in `body`. */
  bodyType?: "application/json" | "multipart/form-data";
  /** Status → response. Error statuses may omit `schema` (the common error shape is added). */
  responses: Record<number, { description: string; schema?: z.ZodType; /** Default application/json (text/event-stream for SSE). */ contentType?: string }>;
};
