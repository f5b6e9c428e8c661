/**
 * GET /api/v1/openapi.json: a valid OpenAPI 3.1 document (checked by @seriousme/openapi-schema-validator
 * against the official 3.1 JSON Schema), and complete: every route file under src/app/api/v1 and every
 * HTTP method it exports has an operation, and every operation has a route. A new undocumented route fails here.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { beforeAll, describe, expect, it } from "vitest";
import { GET } from "../../src/app/api/v1/openapi.json/route";

const APP = path.resolve(import.meta.dirname, "../../src/app");
const API_V1 = path.join(APP, "api/v1");
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return routeFiles(p);
    return /^route\.(ts|tsx|js)$/.test(e.name) ? [p] : [];
  });
}

/** src/app/api/v1/visits/[id]/route.ts → /api/v1/visits/{id}; route groups "(x)" vanish. */
export function openApiPath(file: string): string {
  const segments = path.relative(APP, path.dirname(file)).split(path.sep);
  return (
    "/" +
    segments
      .filter((s) => !/^\(.*\)$/.test(s))
      .map((s) => s.replace(/^\[\[?\.\.\.(\w+)\]?\]$/, "{$1}").replace(/^\[(\w+)\]$/, "{$1}"))
      .join("/")
  );
}

/** The HTTP methods a route module exports, read from its source (importing others' routes is not needed). */
export function exportedMethods(source: string): string[] {
  const found = new Set<string>();
  for (const m of source.matchAll(/export\s+(?:const|let|async\s+function|function)\s+(GET|POST|PUT|PATCH|DELETE)\b/g)) found.add(m[1]!);
  // `export const { GET, … } = otherMethods(path)` exports JSON-405 stand-ins (api-gate.ts), not operations; any
  // other destructured export counts.
  for (const m of source.matchAll(/export\s+(?:const|let)\s*\{([^}]*)\}\s*=\s*([\w.]+)/g)) {
    if (m[2] === "otherMethods") continue;
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s*:\s*/).pop()?.trim();
      if (name && (METHODS as readonly string[]).includes(name)) found.add(name);
    }
  }
  for (const m of source.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1]!.split(",")) {
      const name = part.trim().split(/\s+as\s+/).pop()?.trim();
      if (name && (METHODS as readonly string[]).includes(name)) found.add(name);
    }
  }
  return [...found].sort();
}

describe("GET /api/v1/openapi.json", () => {
  let doc: { openapi: string; paths: Record<string, Record<string, { security?: unknown[]; responses: Record<string, unknown> }>>; components: Record<string, Record<string, unknown>> };

  beforeAll(async () => {
    const res = await GET(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = await res.json();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
    expect(doc.openapi).toBe("3.1.0");
  });

  it("has the common error schema and the bearer and X-API-Key security schemes", () => {
    expect(doc.components.schemas!.Error).toMatchObject({ required: ["error"], properties: { error: { required: ["code", "message"] } } });
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: expect.objectContaining({ type: "http", scheme: "bearer" }),
      apiKey: expect.objectContaining({ type: "apiKey", in: "header", name: "X-API-Key" }),
    });
  });

  it("documents every route file and exported method under src/app/api/v1, and nothing else", () => {
    // The catch-all [...path] is the JSON 404 for unknown paths (api-gate.test.ts), not an operation.
    const routes = routeFiles(API_V1)
      .filter((file) => path.dirname(file) !== path.join(API_V1, "[...path]")).flatMap((file) => exportedMethods(readFileSync(file, "utf8")).map((m) => `${m} ${openApiPath(file)}`));
    expect(routes.length).toBeGreaterThan(0);
    const documented = Object.entries(doc.paths).flatMap(([p, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${p}`));
    expect(routes.filter((r) => !documented.includes(r)).sort(), "route files without an OpenAPI operation").toEqual([]);
    expect(documented.filter((d) => !routes.includes(d)).sort(), "operations without a route file").toEqual([]);
  });

  it("protected operations name both security schemes and answer errors in the common shape", () => {
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (op.security && op.security.length > 0) expect(op.security, `${method} ${p}`).toEqual([{ bearerAuth: [] }, { apiKey: [] }]);
        for (const [status, r] of Object.entries(op.responses)) {
          if (Number(status) >= 400) expect(JSON.stringify(r), `${method} ${p} ${status}`).toContain("application/json");
        }
      }
    }
    expect(doc.paths["/api/v1/openapi.json"]!.get!.security).toEqual([]);
  });

  it("describes the tracking body from its zod schema", () => {
    const body = JSON.stringify(doc.paths["/api/v1/tracking/pings"]!.post);
    expect(body).toContain('"maxItems":500');
    expect(body).toContain('"client_id"');
  });
});

describe("route path mapping", () => {
  it("maps dynamic segments and route groups", () => {
    expect(openApiPath(path.join(APP, "api/v1/visits/[id]/route.ts"))).toBe("/api/v1/visits/{id}");
    expect(openApiPath(path.join(APP, "api/v1/(public)/x/[...slug]/route.ts"))).toBe("/api/v1/x/{slug}");
    expect(exportedMethods("export const GET = a; export async function POST() {}\nexport { h as DELETE, other };")).toEqual(["DELETE", "GET", "POST"]);
    expect(exportedMethods('export const POST = a;\nexport const { GET, PUT, OPTIONS } = otherMethods("/api/v1/x");')).toEqual(["POST"]);
    expect(exportedMethods("export const { GET, PATCH: PATCH } = makeHandlers();")).toEqual(["GET", "PATCH"]);
  });
});
