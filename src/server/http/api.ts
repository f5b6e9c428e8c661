import "server-only";
import type { z } from "zod";
import type { Actor, Ctx } from "../auth/actor";
import { authenticate, unauthorized } from "../auth/authenticate";
import { requirePermission, type Permission } from "../auth/permissions";
import { limitApiRequest, type RateLimitInfo } from "../auth/rate-limit";
import { getDb, type Db } from "../db";
import { AppError } from "../errors";
import { readBodyLimited } from "./body";
import { assertSafeStrings } from "./safe-input";
import { route, withHeaders } from "./handler";
import { requestNow } from "./request-clock";
import { clientIp } from "./request-meta";

export const MAX_JSON_BYTES = 1_000_000;

/** Route options: `maxBodyBytes` bounds the body read before any credential work (default 1 MB). */
export type RouteOptions = { maxBodyBytes?: number };

// Bodies read (bounded) by the wrapper before authentication; handlers read them from here.
const preread = new WeakMap<Request, Buffer>();
const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS", "DELETE"]);

/**
 * Reads the body with its limit while it streams (413 past it), before the caller is authenticated or
 * any database work is done: an anonymous 200 MB upload costs at most `maxBytes` of memory, then is cut off.
 */
async function prereadBody(req: Request, maxBytes: number): Promise<void> {
  if (METHODS_WITHOUT_BODY.has(req.method.toUpperCase()) && !req.body) return;
  preread.set(req, await readBodyLimited(req, maxBytes));
}

/**
 * The request's body bytes as read (and bounded) by the route wrapper; a handler of a multipart route
 * parses them itself (e.g. `new Response(await requestBody(req), { headers: req.headers }).formData()`).
 */
export async function requestBody(req: Request, maxBytes = MAX_JSON_BYTES): Promise<Buffer> {
  return preread.get(req) ?? readBodyLimited(req, maxBytes);
}

/** Reads a JSON body strictly: 415 for another content type, 413 when too large, 400 when malformed or invalid. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = MAX_JSON_BYTES): Promise<z.infer<S>> {
  return parseInput(schema, await readJsonValue(req, maxBytes));
}

/**
 * The body parsed as JSON, not yet checked (415, 413 and malformed JSON as readJson): for a route that looks at its
 * shape before validating it (e.g. refusing an oversize batch before checking its items), then calls `parseInput`.
 */
export async function readJsonValue(req: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.", { status: 415 });
  // Counted while it streams in: a chunked body past the limit is cut off, never buffered whole.
  const bytes = await requestBody(req, maxBytes);
  let raw: unknown;
  try {
    // fatal: invalid UTF-8 is malformed input, not text with replacement characters.
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new AppError("INVALID_JSON", "The body is not valid JSON.", { status: 400 });
  }
  return raw;
}

/** zod → AppError with the first failing field ("pings.3.lat"), 400. Every string in the input must be safe text. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  assertSafeStrings(raw);
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  throw new AppError("VALIDATION_FAILED", issue ? `${field ? field + ": " : ""}${issue.message}` : "Invalid input.", { status: 400, field });
}

export type ApiHandler<P> = (args: { req: Request; ctx: Ctx; params: P }) => Promise<Response>;

const rateLimitHeaders = (info: RateLimitInfo): Record<string, string> => ({
  "X-RateLimit-Limit": String(info.limit),
  "X-RateLimit-Remaining": String(info.remaining),
  "X-RateLimit-Reset": String(info.resetS),
});

/**
 * Anonymous requests (and failed credentials) count against the caller's IP, so guessing tokens is throttled too.
 * Only a known address counts: with none (no door, no trusted proxy) every caller would share one bucket, and about
 * a hundred anonymous requests a minute would refuse everyone's sign-in and refresh (docs/decisions/0010). Then
 * nothing is counted here: credentials are unguessable, and sign-in keeps its per-account limits (rate-limit.ts).
 */
const limitByIp = async (req: Request): Promise<RateLimitInfo | null> => {
  const ip = clientIp(req);
  return ip ? limitApiRequest(`ip:${ip}`) : null;
};

/** The budget key of an actor: per API key for keys (each integration has its own), else per person. */
const actorKey = (actor: Actor) => (actor.apiKeyId !== undefined ? `key:${actor.apiKeyId}` : `user:${actor.id}`);

/**
 * An authenticated /api/v1 route: resolves the actor (401 without one; API key, bearer token or session
 * cookie with an Origin check), counts the request against the actor's rate limit (429 + Retry-After),
 * checks the route's permission (403), then calls the handler with the use-case context.
 * Scope checks stay in the use-cases.
 */
export function apiRoute<P = Record<string, string>>(permission: Permission, handler: ApiHandler<P>, opts: RouteOptions = {}) {
  return route<P>(async (req, { params }) => {
    await prereadBody(req, opts.maxBodyBytes ?? MAX_JSON_BYTES);
    const db = await getDb();
    const now = requestNow(req);
    let actor: Actor | null;
    try {
      actor = await authenticate(req, db, now);
    } catch (err) {
      if (err instanceof AppError && err.status === 401) await limitByIp(req);
      throw err;
    }
    if (!actor) {
      await limitByIp(req);
      throw unauthorized();
    }
    const info = await limitApiRequest(actorKey(actor));
    requirePermission(actor, permission);
    const res = await handler({ req, ctx: { db, actor, now }, params: await params });
    return withHeaders(res, rateLimitHeaders(info)); // the API headers themselves: once, by route()
  });
}

export type PublicApiHandler<P> = (args: { req: Request; db: Db; now: Date; params: P }) => Promise<Response>;

/** A public /api/v1 route (login, refresh, logout): no credential needed, rate-limited per IP. */
export function publicApiRoute<P = Record<string, string>>(handler: PublicApiHandler<P>, opts: RouteOptions = {}) {
  return route<P>(async (req, { params }) => {
    await prereadBody(req, opts.maxBodyBytes ?? MAX_JSON_BYTES);
    const info = await limitByIp(req);
    const db = await getDb();
    const res = await handler({ req, db, now: requestNow(req), params: await params });
    return info ? withHeaders(res, rateLimitHeaders(info)) : res; // the API headers themselves: once, by route()
  });
}
