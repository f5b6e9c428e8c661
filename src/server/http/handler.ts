import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError, errorBody, statusOf } from "../errors";
import { env } from "@/env";
import { log } from "../log";
import { apiSecurityHeaders } from "./security-headers";
import { toBoundaryError } from "./boundary-error";
import { logRequest, requestIdOf } from "./request-log";

type RouteContext<P> = { params: Promise<P> };

/** Turns anything thrown by a route into the API's error shape (toBoundaryError decides what it is). */
export function toErrorResponse(err: unknown, req?: Request, requestId?: string): NextResponse {
  // The client went away mid-request (closed tab, load generator stopping): nobody reads the answer.
  if (!(err instanceof AppError) && !(err instanceof ZodError) && req?.signal.aborted) {
    log.info("request aborted by the client", { url: req.url, method: req.method });
    return NextResponse.json(errorBody(new AppError("CLIENT_CLOSED_REQUEST", "The client closed the request.")), { status: statusOf("CLIENT_CLOSED_REQUEST") });
  }
  const appErr = toBoundaryError(err, { request_id: requestId, url: req?.url, method: req?.method });
  const res = NextResponse.json(errorBody(appErr), { status: appErr.status });
  // 429s and 503s (and any error that knows when to come back) tell clients when to retry.
  const retry = appErr.details?.retry_after_s;
  if (typeof retry === "number" && retry > 0) res.headers.set("Retry-After", String(Math.ceil(retry)));
  return res;
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
