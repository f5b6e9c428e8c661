import "server-only";
import type { z } from "zod";
import type { Ctx } from "../auth/actor";
import { authenticate, unauthorized } from "../auth/authenticate";
import { requirePermission, type Permission } from "../auth/permissions";
import { getDb } from "../db";
import { AppError } from "../errors";
import { route } from "./handler";

export const MAX_JSON_BYTES = 1_000_000;

/** Reads a JSON body strictly: 415 for another content type, 413 when too large, 400 when malformed or invalid. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes = MAX_JSON_BYTES): Promise<z.infer<S>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.", { status: 415 });
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`, { status: 413 });
  const text = await req.text();
  if (Buffer.byteLength(text) > maxBytes) throw new AppError("PAYLOAD_TOO_LARGE", `The body exceeds ${maxBytes} bytes.`, { status: 413 });
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "The body is not valid JSON.", { status: 400 });
  }
  return parseInput(schema, raw);
}

/** zod → AppError with the first failing field ("pings.3.lat"), 400. */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join(".") || undefined;
  throw new AppError("VALIDATION_FAILED", issue ? `${field ? field + ": " : ""}${issue.message}` : "Invalid input.", { status: 400, field });
}

export type ApiHandler<P> = (args: { req: Request; ctx: Ctx; params: P }) => Promise<Response>;

/**
 * An authenticated /api/v1 route: resolves the actor (401 without one), checks the route's
 * permission (403), then calls the handler with the use-case context. Scope checks stay in the use-cases.
 */
export function apiRoute<P = Record<string, string>>(permission: Permission, handler: ApiHandler<P>) {
  return route<P>(async (req, { params }) => {
    const db = await getDb();
    const now = new Date();
    const actor = await authenticate(req, db, now);
    if (!actor) throw unauthorized();
    requirePermission(actor, permission);
    return handler({ req, ctx: { db, actor, now }, params: await params });
  });
}
