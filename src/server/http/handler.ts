import "server-only";
import { NextResponse } from "next/server";
import { ZodError } from "zod";
import { AppError, errorBody } from "../errors";
import { log } from "../log";

type RouteContext<P> = { params: Promise<P> };

/** Turns anything thrown by a route into the API's error shape; unknown errors become a bare 500. */
export function toErrorResponse(err: unknown, req?: Request): NextResponse {
  if (err instanceof AppError) return NextResponse.json(errorBody(err), { status: err.status });
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const field = issue?.path.join(".") || undefined;
    return NextResponse.json(errorBody(new AppError("VALIDATION_FAILED", issue?.message ?? "invalid input", { field })), { status: 400 });
  }
  log.error("unhandled error in route", {
    url: req?.url,
    method: req?.method,
    error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack, cause: String(err.cause ?? "") } : String(err),
  });
  return NextResponse.json({ error: { code: "INTERNAL", message: "Something went wrong on our side. It has been logged." } }, { status: 500 });
}

/** Route-handler wrapper: every /api route goes through it so errors are mapped in one place. */
export function route<P = Record<string, string>>(fn: (req: Request, ctx: RouteContext<P>) => Promise<Response>) {
  return async (req: Request, ctx: RouteContext<P>): Promise<Response> => {
    try {
      return await fn(req, ctx);
    } catch (err) {
      return toErrorResponse(err, req);
    }
  };
}
