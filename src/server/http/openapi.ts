import { z } from "zod";
import { auditOperations } from "../audit/audit.openapi";
import { authOperations } from "../auth/auth.openapi";
import { personnelOperations } from "../personnel/personnel.openapi";
import { trackingOperations } from "../tracking/tracking.openapi";
import { locationsOperations } from "../locations/locations.openapi";
import { customersOperations } from "../locations/customers.openapi";
import { sessionsOperations } from "../sessions/sessions.openapi";
import { plansOperations } from "../plans/plans.openapi";
import { beatsOperations } from "../plans/beats.openapi";
import { pushOperations } from "../push/push.openapi";
import { visitsOperations } from "../visits/visits.openapi";
import { photosOperations } from "../photos/photos.openapi";
import { realtimeOperations } from "../realtime/realtime.openapi";
import { dashboardOperations } from "../dashboard/dashboard.openapi";
import { closeOperations, reviewOperations } from "../visits/review.openapi";
import { settingsOperations } from "../settings/settings.openapi";
import { privacyOperations } from "../privacy/privacy.openapi";
import { reportSchedulesOperations, reportsOperations } from "../reports/reports.openapi";
import type { ApiOperation } from "./openapi-types";

type JsonSchema = Record<string, unknown>;

/** The document route itself (public). */
const metaOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/openapi.json",
    summary: "This OpenAPI 3.1 document",
    description: "Generated from the zod schemas each domain documents its routes with. Public: no credential needed.",
    tag: "meta",
    permission: null,
    responses: { 200: { description: "The OpenAPI 3.1 document (application/json)" } },
  },
];

/** Every domain's operations. Add a domain's list here when it documents its routes. */
export const allOperations: ApiOperation[] = [
  ...metaOperations,
  ...authOperations,
  ...personnelOperations,
  ...auditOperations,
  ...trackingOperations,
  ...visitsOperations,
  ...locationsOperations,
  ...customersOperations,
  ...sessionsOperations,
  ...photosOperations,
  ...realtimeOperations,
  ...dashboardOperations,
  ...reportsOperations,
  ...reportSchedulesOperations,
  ...reviewOperations,
  ...closeOperations,
  ...plansOperations,
  ...beatsOperations,
  ...pushOperations,
  ...settingsOperations,
  ...privacyOperations,
];

const errorSchema: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable machine-readable code, e.g. VALIDATION_FAILED, NOT_FOUND, BATCH_TOO_LARGE" },
        message: { type: "string", description: "Human-readable explanation" },
        field: { type: "string", description: "The first offending input field, dotted (pings.3.lat), when one is at fault" },
      },
      additionalProperties: true,
    },
  },
};

function toSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const json = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  delete json.$schema; // the document's jsonSchemaDialect already says 2020-12
  return json;
}

function parameters(op: ApiOperation): JsonSchema[] {
  const out: JsonSchema[] = [];
  for (const m of op.path.matchAll(/\{(\w+)\}/g)) {
    const name = m[1]!;
    out.push({ name, in: "path", required: true, schema: /(^|_)id$/.test(name) ? { type: "integer", minimum: 1 } : { type: "string" } });
  }
  if (op.query) {
    const q = toSchema(op.query, "input");
    const props = (q.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((q.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries(props)) {
      const { description, ...rest } = schema;
      out.push({ name, in: "query", required: required.has(name), schema: rest, ...(typeof description === "string" ? { description } : {}) });
    }
  }
  return out;
}

const operationId = (op: ApiOperation) =>
  op.method +
  op.path
    .replace(/^\/api\/v1\//, "/")
    .split(/[/._-]/)
    .filter(Boolean)
    .map((w) => w.replace(/[{}]/g, ""))
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");

function operation(op: ApiOperation): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, r] of Object.entries(op.responses)) {
    const schema = r.schema ? toSchema(r.schema, "output") : Number(status) >= 400 ? { $ref: "#/components/schemas/Error" } : undefined;
    responses[status] = { description: r.description, ...(schema ? { content: { [r.contentType ?? "application/json"]: { schema } } } : {}) };
  }
  const params = parameters(op);
  const permissionNote = op.permission ? `Requires the \`${op.permission}\` permission.` : "Public: no credential needed.";
  return {
    operationId: operationId(op),
    summary: op.summary,
    description: [op.description, permissionNote].filter(Boolean).join("\n\n"),
    tags: [op.tag],
    security: op.permission ? [{ bearerAuth: [] }, { apiKey: [] }] : [],
    "x-permission": op.permission,
    ...(params.length ? { parameters: params } : {}),
    ...(op.body ? { requestBody: { required: true, content: { [op.bodyType ?? "application/json"]: { schema: toSchema(op.body, "input") } } } } : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of /api/v1, generated from every domain's `ApiOperation[]`. */
export function buildOpenApiDocument(operations: ApiOperation[] = allOperations): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const item = (paths[op.path] ??= {});
    if (item[op.method]) throw new Error(`OpenAPI: ${op.method.toUpperCase()} ${op.path} is documented twice`);
    item[op.method] = operation(op);
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Fieldbeat API",
      version: "1",
      description:
        "Field-force tracking: geofenced check-ins, daily sessions, breadcrumbs. JSON is snake_case; errors are `{ error: { code, message, field } }`. " +
        "Every mutation carries a client-generated UUID `client_id`: a replay returns the first result and never writes twice.",
      license: { name: "AGPL-3.0-or-later", identifier: "AGPL-3.0-or-later" },
    },
    servers: [{ url: "/" }],
    tags: [...new Set(operations.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: "Access token from POST /api/v1/auth/login (15 minutes)." },
        apiKey: { type: "apiKey", in: "header", name: "X-API-Key", description: "An API key created by an admin (may be read-only)." },
      },
    },
  };
}
