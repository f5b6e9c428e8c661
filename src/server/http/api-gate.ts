import { env } from "@/env";
import { statusOf, type ErrorCode } from "../errors";
import { log } from "../log";
import { allOperations } from "./openapi";
import { requestIdFrom } from "./request-log";
import { apiSecurityHeaders } from "./security-headers";

/**
 * What the framework would otherwise answer outside the API's error shape, decided before routing
 * (called by proxy.ts for /api/v1/*): a path with malformed percent-encoding (400), a method no
 * route implements such as TRACE (405), a known path asked with a method it does not have (405 with
 * Allow). Unknown paths fall through to the catch-all route (JSON 404). The route table is the OpenAPI
 * document's, which a test keeps complete.
 */

const STANDARD = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type RouteEntry = { pattern: RegExp; methods: Set<string> };
let table: RouteEntry[] | undefined;

function routeTable(): RouteEntry[] {
  if (table) return table;
  const byPath = new Map<string, Set<string>>();
  for (const op of allOperations) {
    const set = byPath.get(op.path) ?? new Set<string>();
    set.add(op.method.toUpperCase());
    byPath.set(op.path, set);
  }
  table = [...byPath].map(([path, methods]) => {
    if (methods.has("GET")) methods.add("HEAD");
    methods.add("OPTIONS");
    const source = path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{\w+\\?\}/g, "[^/]+");
    return { pattern: new RegExp(`^${source}/?$`), methods };
  });
  return table;
}

/** The methods `pathname` answers to, or null when no documented route has that path. */
export function allowedMethods(pathname: string): string[] | null {
  // A literal path (/visits/check-in) wins over a template (/visits/{id}), as in Next's router.
  const hits = routeTable().filter((r) => r.pattern.test(pathname));
  if (hits.length === 0) return null;
  const literal = hits.find((r) => !r.pattern.source.includes("[^/]+"));
  return [...(literal ?? hits[0]!).methods].sort();
}

/**
 * `givenRequestId`: the request's X-Request-Id header. Answered before route(), the gate gives every API answer a
 * request id too (issue #22), by the routes' rule (request-log.ts): a trusted proxy's id is kept, else a new one.
 */
export function apiErrorResponse(code: ErrorCode, message: string, headers: Record<string, string> = {}, givenRequestId?: string | null): Response {
  return Response.json(
    { error: { code, message } },
    { status: statusOf(code), headers: { ...apiSecurityHeaders(env.NODE_ENV === "production"), "Cache-Control": "no-store", "X-Request-Id": requestIdFrom(givenRequestId), ...headers } },
  );
}

/** The answer to give instead of routing, or null to let the request through. `requestId`: the request's X-Request-Id header, if any. */
export function gateApiRequest(method: string, rawPathname: string, requestId?: string | null): Response | null {
  const upper = method.toUpperCase();
  try {
    decodeURIComponent(rawPathname);
  } catch {
    log.warn("api: malformed percent-encoding in path", { method: upper, path: rawPathname.slice(0, 300) });
    return apiErrorResponse("INVALID_PATH", "The path has malformed percent-encoding.", {}, requestId);
  }
  const allowed = allowedMethods(rawPathname);
  if (STANDARD.has(upper) && (!allowed || allowed.includes(upper))) return null;
  if (!allowed) {
    log.info("api: method not allowed", { method: upper, path: rawPathname.slice(0, 300) });
    return apiErrorResponse("METHOD_NOT_ALLOWED", `${upper.slice(0, 20)} is not supported.`, { Allow: "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS" }, requestId);
  }
  return methodNotAllowed(upper, rawPathname, allowed, requestId);
}

function methodNotAllowed(upper: string, path: string, allowed: string[], requestId?: string | null): Response {
  log.info("api: method not allowed", { method: upper, path: path.slice(0, 300) });
  return apiErrorResponse("METHOD_NOT_ALLOWED", `${upper.slice(0, 20)} is not allowed on this path; use ${allowed.join(", ")}.`, { Allow: allowed.join(", ") }, requestId);
}

/**
 * The API's hottest paths, which proxy.ts does NOT run for (its matcher lists them; a test keeps the two equal):
 * the proxy costs every request it sees a second pass through Next's request adapter (measured ≈ 30 % of a nearby
 * search's server CPU, bench/README.md). Their route files export `otherMethods(path)` instead, so a wrong method
 * still gets the JSON 405 with Allow the gate gives everywhere else. These paths are literal, so no malformed
 * percent-encoding can reach them.
 */
export const UNGATED_PATHS = ["/api/v1/visits/check-in", "/api/v1/visits/check-out", "/api/v1/locations/nearby", "/api/v1/tracking/pings"] as const;

const NOT_ALLOWED = Symbol("fieldbeat.methodNotAllowed");
type RouteFn = (req: Request) => Promise<Response>;
const tagged = (fn: RouteFn): RouteFn => Object.assign(fn, { [NOT_ALLOWED]: true });

/** True for a handler made by `otherMethods`: route discovery (OpenAPI, authorization matrix) skips these. */
export const isMethodNotAllowedHandler = (h: unknown): boolean => typeof h === "function" && NOT_ALLOWED in h;

/**
 * Handlers for every standard method an ungated path does not implement (each a JSON 405 with Allow, as the
 * gate answers), and OPTIONS answering 204 with the same Allow. Next's own answers would be an empty 405, and an
 * OPTIONS whose Allow lists these stand-ins. Destructure the methods the route lacks (a method it implements cannot
 * be destructured too: that would export it twice):
 * `export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("/api/v1/visits/check-in");`
 */
export function otherMethods(path: (typeof UNGATED_PATHS)[number]): Record<"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS", RouteFn> {
  const allowed = allowedMethods(path);
  if (!allowed) throw new Error(`otherMethods: ${path} is not a documented path`);
  const refuse = (method: string) => tagged(async (req?: Request) => methodNotAllowed(method, path, allowed, req?.headers.get("x-request-id")));
  const options = tagged(
    async (req?: Request) =>
      new Response(null, {
        status: 204,
        headers: { ...apiSecurityHeaders(env.NODE_ENV === "production"), "Cache-Control": "no-store", "X-Request-Id": requestIdFrom(req?.headers.get("x-request-id")), Allow: allowed.join(", ") },
      }),
  );
  return { GET: refuse("GET"), POST: refuse("POST"), PUT: refuse("PUT"), PATCH: refuse("PATCH"), DELETE: refuse("DELETE"), OPTIONS: options };
}

/**
 * Published for the production server's lean door (scripts/door.mjs): it answers methods Next cannot parse (TRACE)
 * with this very function, found in the module instance Next loaded (the hot routes import this module).
 */
(globalThis as Record<symbol, unknown>)[Symbol.for("fieldbeat.apiGate")] = gateApiRequest;
