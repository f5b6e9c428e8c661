import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError, errorBody } from "../errors";
import { env } from "@/env";
import { DB_RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { log } from "../log";
import { apiSecurityHeaders } from "./security-headers";
import { logRequest, requestIdOf } from "./request-log";

type RouteContext<P> = { params: Promise<P> };

/** Turns anything thrown by a route into the API's error shape; unknown errors become a bare 500. */
export function toErrorResponse(err: unknown, req?: Request, requestId?: string): NextResponse {
  if (err instanceof AppError) {
    const res = NextResponse.json(errorBody(err), { status: err.status });
    // 429s (and any error that knows when to come back) tell clients when to retry.
    const retry = err.details?.retry_after_s;
    if (typeof retry === "number" && retry > 0) res.headers.set("Retry-After", String(Math.ceil(retry)));
    return res;
  }
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const field = issue?.path.join(".") || undefined;
    return NextResponse.json(errorBody(new AppError("VALIDATION_FAILED", issue?.message ?? "invalid input", { field })), { status: 400 });
  }
  // The client went away mid-request (closed tab, load generator stopping): nobody reads the answer.
  if (req?.signal.aborted) {
    log.info("request aborted by the client", { url: req.url, method: req.method });
    return NextResponse.json({ error: { code: "CLIENT_CLOSED_REQUEST", message: "The client closed the request." } }, { status: 499 });
  }
  if (isDatabaseUnavailable(err)) {
    log.error("database unavailable", { request_id: requestId, url: req?.url, method: req?.method, error: err instanceof Error ? err.message : String(err), cause: err instanceof Error ? String(err.cause ?? "") : undefined });
    const res = NextResponse.json({ error: { code: "SERVICE_UNAVAILABLE", message: "The database is not reachable right now. Try again shortly.", retry_after_s: DB_RETRY_AFTER_S } }, { status: 503 });
    res.headers.set("Retry-After", String(DB_RETRY_AFTER_S));
    return res;
  }
  log.error("unhandled error in route", {
    request_id: requestId,
    url: req?.url,
    method: req?.method,
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack, cause: String(err.cause ?? "") } : String(err),
  });
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. It has been logged." } }, { status: 500 });
}

/**
 * Headers every API answer carries: never cached (they hold personal data and depend on the credential),
 * plus the non-CSP security headers. Set in place; a response with immutable headers is copied.
 */
export function withApiHeaders(res: Response, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { ...apiHeaders(), ...extra };
  if (!res.headers.has("cache-control")) headers["Cache-Control"] = "no-store";
  return withHeaders(res, headers);
}

let apiHeadersMemo: Record<string, string> | undefined;
const apiHeaders = () => (apiHeadersMemo ??= apiSecurityHeaders(env.NODE_ENV === "production"));

/** Sets `headers` on the response in place, or on a copy when its headers are immutable (e.g. a fetched Response). */
export function withHeaders(res: Response, headers: Record<string, string>): Response {
  try {
    for (const [k, v] of Object.entries(headers)) res.headers.set(k, v);
    return res;
  } catch {
    const copy = new Response(res.body, res);
    for (const [k, v] of Object.entries(headers)) copy.headers.set(k, v);
    return copy;
  }
}

/**
 * Route-handler wrapper: every /api route goes through it (on both doors), so errors, common headers, the request
 * id and the request's log line are handled in one place.
 */
export function route<P = Record<string, string>>(fn: (req: Request, ctx: RouteContext<P>) => Promise<Response>) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    const started = performance.now();
    const requestId = requestIdOf(req);
    let res: Response;
    try {
      res = withApiHeaders(await fn(req, ctx), { "X-Request-Id": requestId });
    } catch (err) {
      res = withApiHeaders(toErrorResponse(err, req, requestId), { "X-Request-Id": requestId });
    }
    logRequest(req, res.status, started, requestId);
    return res;
  };
}
