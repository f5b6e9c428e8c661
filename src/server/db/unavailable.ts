import "server-only";

/**
 * True when an error means "the database cannot be reached right now" (refused, reset, timed out, shut
 * down, too many connections, the embedded one closed) rather than a bug: the API then answers
 * 503 + Retry-After, like /api/health, so clients back off and retry instead of reporting a failure.
 * Drizzle wraps driver errors, so the cause chain is walked.
 */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // postgres.js
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
]);
// SQLSTATE: connection exceptions (08xxx), admin/crash shutdown, cannot connect now, too many connections.
const SQLSTATE = /^(08...|57P01|57P02|57P03|53300)$/;

export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 6; e = (e as { cause?: unknown }).cause, depth++) {
    if (typeof e !== "object") return false;
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (NETWORK_CODES.has(code) || SQLSTATE.test(code))) return true;
    const message = (e as { message?: unknown }).message;
    if (typeof message === "string" && /PGlite is closed/i.test(message)) return true;
  }
  return false;
}

export const DB_RETRY_AFTER_S = 5;
