import "server-only";
import { ZodError } from "zod";
import { DB_RETRY_AFTER_S, isDatabaseUnavailable } from "../db/unavailable";
import { AppError } from "../errors";
import { log } from "../log";

/**
 * What every door (route handler, server action, page helper) makes of a thrown value, built once: an AppError as is;
 * a ZodError as VALIDATION_FAILED with its first field; an unreachable database as SERVICE_UNAVAILABLE with when to
 * retry; anything else as a bare INTERNAL, logged with its cause (the answer carries no internals).
 * `where` names the door in the log line (e.g. { url, method } or { action }).
 */
export function toBoundaryError(err: unknown, where: Record<string, unknown>): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    return new AppError("VALIDATION_FAILED", issue?.message ?? "invalid input", { field: issue?.path.join(".") || undefined });
  }
  if (isDatabaseUnavailable(err)) {
    log.error("database unavailable", { ...where, error: err instanceof Error ? err.message : String(err), cause: err instanceof Error ? String(err.cause ?? "") : undefined });
    return new AppError("SERVICE_UNAVAILABLE", "The database is not reachable right now. Try again shortly.", { details: { retry_after_s: DB_RETRY_AFTER_S } });
  }
  log.error("unhandled error", { ...where, error: err instanceof Error ? { name: err.name, message: err.message, stack: err.stack, cause: String(err.cause ?? "") } : String(err) });
  return new AppError("INTERNAL", "Something went wrong on our side. It has been logged.");
}
