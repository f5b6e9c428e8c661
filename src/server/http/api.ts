import "server-only";
import type { z } from "zod";
import type { Actor, Ctx } from "../auth/actor";
import { authenticate, unauthorized } from "../auth/authenticate";
import { requirePermission, type Permission } from "../auth/permissions";
import { limitApiRequest, type RateLimitInfo } from "../auth/rate-limit";
import { getDb, type Db } from "../db";
import { AppError } from "../errors";
import { readBodyLimited } from "./body";
import { checkJsonShape } from "@/contracts/safe-text";
import { assertSafeStrings, unsafeInputError } from "./safe-input";
import { route, withHeaders } from "./handler";
import { requestNow } from "./request-clock";
import { clientIp } from "./request-meta";

export const MAX_JSON_BYTES = 1_000_000;

/**
 * The body limit of public (anonymous) routes unless they say otherwise: sign-in, refresh and sign-out bodies
 * (an e-mail, a password and a code, or a token) fit in a few KB, so an anonymous caller cannot make the
 * server parse a megabyte.
 */
export const PUBLIC_BODY_MAX_BYTES = 16 * 1024;

/** Route options: `maxBodyBytes` bounds the body read before any credential work (default 1 MB; 16 KB on public routes). */
export type RouteOptions = { maxBodyBytes?: number };

// Bodies read (bounded) by the wrapper before authentication; handlers read them from here.
const preread = new WeakMap<Request, Buffer>();
const METHODS_WITHOUT_BODY = new Set(["GET", "HEAD", "OPTIONS", "DELETE"]);

/**
 * Reads the body with its limit while it streams (413 past it), before the caller is authenticated or
 * any database work is done: an anonymous 200 MB upload costs at most `maxBytes` of memory, then is cut off.
 */
async function prereadBody(req: Request, maxBytes: number): Promise<void> {
  const method = req.method.toUpperCase();
  // A GET or HEAD Request never has a body (fetch forbids one): not asking spares the production door building a
  // full web Request just to answer `req.body` with null.
  if (method === "GET" || method === "HEAD") return;
  if (METHODS_WITHOUT_BODY.has(method) && !req.body) return;
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
  if (!/^application\/json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.");
  // Counted while it streams in: a chunked body past the limit is cut off, never buffered whole.
  const bytes = await requestBody(req, maxBytes);
  let text: string;
  try {
    // fatal: invalid UTF-8 is malformed input, not text with replacement characters.
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new AppError("INVALID_JSON", "The body is not valid JSON.");
  }
  // Depth and value count from the text itself, before JSON.parse builds anything (issue #17 item 0).
  const shape = checkJsonShape(text);
  if (shape) throw unsafeInputError({ reason: shape });
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "The body is not valid JSON.");
  }
}

/** zod → AppError with the first failing field ("pings.3.lat"), 400. Every string in the input must be safe text. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  assertSafeStrings(raw);
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  throw new AppError("VALIDATION_FAILED", issue ? `${field ? field + ": " : ""}${issue.message}` : "Invalid input.", { field });
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

/** A public /api/v1 route (login, refresh, logout): no credential needed, rate-limited per IP, small bodies. */
export function publicApiRoute<P = Record<string, string>>(handler: PublicApiHandler<P>, opts: RouteOptions = {}) {
  return route<P>(async (req, { params }) => {
    await prereadBody(req, opts.maxBodyBytes ?? PUBLIC_BODY_MAX_BYTES);
    const info = await limitByIp(req);
    const db = await getDb();
    const res = await handler({ req, db, now: requestNow(req), params: await params });
    return info ? withHeaders(res, rateLimitHeaders(info)) : res; // the API headers themselves: once, by route()
  });
}
