import "server-only";
import { publicUrl, trustedForwardedHost } from "../http/trust";
import type { Db } from "../db/client";
import { ACCOUNT_HEADER } from "@/lib/api/client";
import { AppError } from "../errors";
import type { Actor } from "./actor";
import { looksLikeApiKey } from "./api-keys/api-key-format";
import { authenticateApiKey } from "./api-keys/authenticate-api-key";
import { loadActor } from "./load-actor";
import { sessionActorFromRequest } from "./session";
import { verifyAccessToken } from "./tokens";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The origins this app answers as. With AUTH_URL configured, that one only: Host and X-Forwarded-Host are
 * whatever the client sends, so they cannot vouch for an Origin. Without it (development), the request's
 * own Host, and X-Forwarded-Host only from a trusted proxy (TRUST_PROXY_HOPS).
 */
function ownHosts(req: Request): Set<string> {
  const configured = publicUrl();
  if (configured) return new Set([new URL(configured).host.toLowerCase()]);
  const hosts = new Set<string>();
  const forwarded = trustedForwardedHost(req.headers);
  if (forwarded) hosts.add(forwarded);
  else {
    const h = req.headers.get("host");
    if (h) hosts.add(h.toLowerCase());
    try {
      hosts.add(new URL(req.url).host.toLowerCase());
    } catch {
      /* relative URL: Host header only */
    }
  }
  return hosts;
}

/**
 * CSRF for cookie-authenticated API mutations: the browser attaches the cookie to cross-site requests, so
 * a mutation must come from one of our own pages (Origin = our host). Bearer tokens and API keys are never
 * attached by a browser on its own and need no such check. Server actions keep Next's own origin check.
 */
export function assertSameOrigin(req: Request): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  const origin = req.headers.get("origin");
  let host: string | null = null;
  try {
    host = origin && origin !== "null" ? new URL(origin).host.toLowerCase() : null;
  } catch {
    host = null;
  }
  if (!host || !ownHosts(req).has(host)) {
    throw new AppError("CSRF_ORIGIN_MISMATCH", "Cookie-authenticated changes must come from this app's own pages (Origin header mismatch).");
  }
}

/**
 * Who sent this request, in order: an API key (`X-API-Key: fb_…` or `Authorization: Bearer fb_…`), a
 * bearer access token (JWT), then the next-auth session cookie (with the Origin check for mutations).
 * Returns null when no credential was sent; throws 401 when one was sent and is not valid, so a bad
 * header never silently falls back to a cookie.
 */
export async function authenticate(req: Request, db: Db, now: Date): Promise<Actor | null> {
  const actor = await credentialActor(req, db, now);
  if (actor) assertAccount(req, actor);
  return actor;
}

/**
 * A request that names the person it is meant for (ACCOUNT_HEADER: the phone's queue sends its items' owner) must come
 * with that person's credential. On a shared phone the browser's cookie is whoever signed in last; a replay that
 * started before a sign-out, or a service worker that still holds the previous person, would otherwise send one
 * person's check-ins as another's. 401, so the phone keeps the work until its owner signs in again.
 */
function assertAccount(req: Request, actor: Actor): void {
  const named = req.headers.get(ACCOUNT_HEADER);
  if (named === null) return;
  if (named.trim() !== String(actor.id)) {
    throw new AppError("ACCOUNT_MISMATCH", "This was recorded by another account on this device: it can be sent only when that person is signed in.");
  }
}

async function credentialActor(req: Request, db: Db, now: Date): Promise<Actor | null> {
  const apiKeyHeader = req.headers.get("x-api-key")?.trim();
  const header = req.headers.get("authorization");
  let bearer: string | null = null;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header.trim());
    if (!m) throw unauthorized("Malformed Authorization header: expected 'Bearer <token>'.");
    bearer = m[1]!;
  }
  const load = (id: number, extra: Partial<Actor>) => loadActor(db, id, "api_key", extra);
  if (apiKeyHeader) return authenticateApiKey(db, apiKeyHeader, now, load);
  if (bearer && looksLikeApiKey(bearer)) return authenticateApiKey(db, bearer, now, load);
  if (bearer) {
    const claims = await verifyAccessToken(bearer, now);
    if (!claims) throw unauthorized("The access token is expired or invalid.");
    const actor = await loadActor(db, claims.personnelId, "access_token", {}, claims.issuedAtMs);
    if (!actor) throw unauthorized("This account is not active, or its tokens were revoked. Sign in again.");
    return actor;
  }
  const actor = await sessionActorFromRequest(req, db, now);
  if (actor) assertSameOrigin(req);
  return actor;
}

export const unauthorized = (message = "Sign in first.") => new AppError("UNAUTHENTICATED", message);
