import { env } from "@/env";

/** A test's clock for one request. Honoured only when NODE_ENV=test (vitest); any other build ignores it. */
export const TEST_NOW_HEADER = "x-fieldbeat-test-now";

/**
 * The time a request is handled at, decided once at the door and passed on as `ctx.now` (issue #17.9): the wall
 * clock, or — in tests only — the ISO instant in `X-Fieldbeat-Test-Now`, so route-level tests decide outcomes
 * ("is this fix stale?", "which day is today?") on a fixed clock instead of the machine's.
 */
export function requestNow(req: Request, mode: string = env.NODE_ENV): Date {
  if (mode === "test") {
    const raw = req.headers.get(TEST_NOW_HEADER);
    const t = raw ? Date.parse(raw) : NaN;
    if (Number.isFinite(t)) return new Date(t);
  }
  return new Date();
}
