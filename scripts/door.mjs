/**
 * The production server's front door (docs/decisions/0013-hot-path.md, "The lean door"): one `node:http` listener
 * per process that hands the few hot API routes straight to the handler functions their route files export, and
 * every other request to Next's request handler. It decides nothing about a request's meaning: the handlers are
 * the route files' own exports (the same module instances Next runs), and the answers for methods Next cannot parse
 * come from the app's gate (src/server/http/api-gate.ts). What only the socket knows it passes on:
 *
 *  - PEER_HEADER carries the socket's address on every request, overwriting whatever the client sent, through
 *    either door. The app believes it only where `globalThis[DOOR_MARK]` says this process runs the door
 *    (src/server/http/trust.ts); under `next start`, `next dev` or a serverless host nothing sets the mark, so the
 *    header is just a client's claim and ignored.
 *  - A method outside the standard seven (TRACE, TRACK, PROPFIND…) never reaches Next, whose web Request refuses
 *    some of them with a framework 500: the gate's JSON 405 answers it, on every path.
 *
 * With OpenTelemetry on (OTEL_EXPORTER_OTLP_ENDPOINT, src/server/telemetry), each lean request is a SERVER span
 * named `METHOD /path` — Next makes its own for the requests it serves — and the handler runs inside it, so the
 * app's database spans are its children. Off, the door reads one flag per request and does nothing more.
 *
 * Plain JavaScript: it runs where only the build and node_modules exist (scripts/server.mjs), and the integration
 * tests run it in-process with the TypeScript route modules (tests/integration/lean-door.test.ts).
 */
import { getRequestListener } from "@hono/node-server";
import { context, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";

/** The hot paths: every method a route file exports for them is served here; anything else goes to Next. */
export const LEAN_PATHS = ["/api/health", "/api/v1/visits/check-in", "/api/v1/visits/check-out", "/api/v1/locations/nearby", "/api/v1/tracking/pings"];

/** The request header holding the socket's peer address (set by the door on every request it passes on). */
export const PEER_HEADER = "x-fieldbeat-peer-address";

/** Present on globalThis while a door runs in this process: only then is PEER_HEADER believed. */
export const DOOR_MARK = Symbol.for("fieldbeat.door");

/** Where the app publishes its gate (src/server/http/api-gate.ts) for the door to find in the same module instance. */
export const GATE_KEY = Symbol.for("fieldbeat.apiGate");

/** Where the app publishes its telemetry state (src/server/telemetry/telemetry.ts, TELEMETRY_KEY). */
const TELEMETRY_KEY = Symbol.for("fieldbeat.telemetry");

/**
 * The liveness check is never traced (its request-duration metric is kept): a load balancer or an orchestrator
 * asks it every few seconds, and its traces would be noise in the collector — and, as the cheapest request, the one
 * that pays most for a span (at 10 % sampling: 29 % of its throughput in `npm run bench`, stop 28). The door makes
 * no span for it; its database check keeps out of traces by itself (src/server/health.ts), whichever door asked.
 */
const HEALTH = "/api/health";

const STANDARD = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
const NO_PARAMS = { params: Promise.resolve({}) };
const HANDLER = Symbol("fieldbeat.door.handler");

/**
 * @typedef {(req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>} RouteHandler
 * @typedef {{
 *   routes: Map<string, Record<string, unknown>>,
 *   gate: (method: string, rawPath: string, requestId?: string | null) => Response | null,
 *   next: ((req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown) | null,
 * }} DoorApp
 */

/**
 * The request listener. `routes`: path → the route module's exports, for the LEAN_PATHS served on the lean
 * door (an empty map sends everything to Next); `gate`: the app's `gateApiRequest`; `next`: Next's request handler,
 * or null when there is none (in-process tests: 404 for the rest).
 * @param {DoorApp} app
 * @returns {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void}
 */
export function createDoor({ routes, gate, next }) {
  /** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[DOOR_MARK] = { peerHeader: PEER_HEADER };
  const handlers = new Map(LEAN_PATHS.filter((p) => routes.has(p)).map((p) => [p, routes.get(p)]));
  // The handler chosen below rides on the response object, which hono hands back to the fetch callback.
  const lean = getRequestListener((request, { outgoing }) => outgoing[HANDLER](request, NO_PARAMS), { overrideGlobalObjects: false });

  return (req, res) => {
    setPeerAddress(req);
    const method = req.method ?? "";
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (!STANDARD.has(method)) {
      const given = req.headers["x-request-id"];
      void send(res, gate(method, path, typeof given === "string" ? given : null) ?? new Response(null, { status: 405 }));
      return;
    }
    const mod = handlers.get(path);
    const handler = mod && /** @type {RouteHandler | undefined} */ (mod[method] ?? (method === "HEAD" ? mod.GET : undefined));
    if (typeof handler === "function") {
      res[HANDLER] = handler;
      // The liveness check is never traced (its database query is kept out of traces by src/server/health.ts).
      if (path === HEALTH || !(/** @type {{ on?: boolean } | undefined} */ (/** @type {Record<symbol, unknown>} */ (/** @type {unknown} */ (globalThis))[TELEMETRY_KEY])?.on)) void lean(req, res);
      else traced(lean, req, res, method, path);
      return;
    }
    if (next) void next(req, res);
    else res.writeHead(404).end();
  };
}

/** @type {{ provider: object | undefined, tracer: import("@opentelemetry/api").Tracer | undefined }} */
const doorTracerOf = { provider: undefined, tracer: undefined };

/**
 * The door's tracer, asked of the registered provider once, not per request, and taken from the SDK's provider
 * itself. Next wraps the global provider's tracers so that every `startSpan` runs outside its work-unit
 * AsyncLocalStorage (a prerender must not see a span's random ids); a lean request never runs in a work unit, so
 * the door skips that `exit` on each request. Asked again if another provider is registered.
 */
function doorTracer() {
  const global = /** @type {import("@opentelemetry/api").TracerProvider & { getDelegate?: () => import("@opentelemetry/api").TracerProvider }} */ (trace.getTracerProvider());
  const provider = global.getDelegate?.() ?? global;
  if (doorTracerOf.provider !== provider || !doorTracerOf.tracer) {
    doorTracerOf.provider = provider;
    doorTracerOf.tracer = provider.getTracer("fieldbeat.door");
  }
  return doorTracerOf.tracer;
}

/**
 * A lean route's span name and attributes, made once per (method, path): the lean paths are five and fixed, and the
 * SDK copies what it keeps, so one object serves every request (no name string or attribute object per request).
 * @type {Map<string, Map<string, { name: string, options: import("@opentelemetry/api").SpanOptions }>>}
 */
const spanShapes = new Map();

/** @param {string} method @param {string} route */
function spanShape(method, route) {
  let byRoute = spanShapes.get(method);
  if (!byRoute) spanShapes.set(method, (byRoute = new Map()));
  let shape = byRoute.get(route);
  if (!shape) {
    const attributes = Object.freeze({ "http.request.method": method, "http.route": route, "url.path": route, "url.scheme": "http", "fieldbeat.door": "lean" });
    shape = { name: `${method} ${route}`, options: Object.freeze({ kind: SpanKind.SERVER, attributes }) };
    byRoute.set(route, shape);
  }
  return shape;
}

/**
 * Runs a lean request inside a SERVER span (the caller's `traceparent` is its parent, as Next does for its own),
 * ended when the answer is sent or the connection closes, with the status the client got.
 * @param {(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => unknown} run
 * @param {import("node:http").IncomingMessage} req
 * @param {import("node:http").ServerResponse} res
 * @param {string} method
 * @param {string} route
 */
function traced(run, req, res, method, route) {
  const parent = propagation.extract(context.active(), req.headers);
  const shape = spanShape(method, route);
  const span = doorTracer().startSpan(shape.name, shape.options, parent);
  // A span the sampler dropped records nothing: no listener for it. It still becomes the active span, so the
  // request's database spans know their trace was not sampled (src/server/db/traced.ts) instead of starting new ones.
  if (span.isRecording()) {
    res.once("close", () => {
      span.setAttribute("http.response.status_code", res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (!res.writableFinished) span.setAttribute("error.type", "connection_closed");
      span.end();
    });
  }
  context.with(trace.setSpan(parent, span), () => void run(req, res));
}

/** Replaces any client-sent PEER_HEADER with the socket's address, in both the raw and the parsed headers. */
function setPeerAddress(req) {
  const remote = req.socket.remoteAddress ?? "";
  // An IPv4 client of a dual-stack listener shows as ::ffff:a.b.c.d; name it as the proxies and the audit log do.
  const address = remote.startsWith("::ffff:") && remote.includes(".") ? remote.slice(7) : remote;
  const raw = req.rawHeaders;
  const kept = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() !== PEER_HEADER) kept.push(raw[i], raw[i + 1]);
  kept.push(PEER_HEADER, address);
  req.rawHeaders = kept;
  req.headers[PEER_HEADER] = address;
}

/** Writes a web Response built by the app (the gate's small JSON answers) to the socket. */
async function send(res, response) {
  const body = Buffer.from(await response.arrayBuffer());
  const headers = Object.fromEntries(response.headers);
  headers["content-length"] = String(body.length);
  res.writeHead(response.status, headers);
  res.end(body);
}
