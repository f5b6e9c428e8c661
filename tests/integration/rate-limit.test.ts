import { afterEach, expect, it } from "vitest";
import { queryRows, useDbHandle } from "../../src/server/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../src/server/errors";
import {
  assertSignInAllowed,
  limitApiRequest,
  lockSeconds,
  recordSignInFailure,
  recordSignInSuccess,
  setApiRateLimitForTests,
  SIGN_IN_POLICY,
} from "../../src/server/auth/rate-limit";
import { describeEachDriver } from "../support/db";

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

describeEachDriver("rate limits", (ctx) => {
  afterEach(() => {
    useDbHandle(undefined);
    setApiRateLimitForTests(undefined);
  });

  it("allows the default 100 requests a minute per key, then answers 429 with retry_after_s", async () => {
    useDbHandle(ctx.handle);
    const key = `user:default-${Math.random()}`;
    for (let i = 0; i < 100; i++) await limitApiRequest(key);
    const err = await rejection(limitApiRequest(key));
    expect(err.status).toBe(429);
    expect(err.code).toBe("RATE_LIMITED");
    const retry = err.details?.retry_after_s as number;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(60);
    // Another key has its own budget.
    await expect(limitApiRequest(`${key}-other`)).resolves.toMatchObject({ limit: 100, remaining: 99 });
  });

  it("stores counters in the rate_limits table on a PostgreSQL server, in memory on the embedded one", async () => {
    useDbHandle(ctx.handle);
    setApiRateLimitForTests(3);
    const key = `ip:198.51.100.${Math.floor(Math.random() * 200)}`;
    await limitApiRequest(key);
    const rows = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_3:" + key}`);
    expect(rows.map((r) => Number(r.points))).toEqual(ctx.driver === "postgres" ? [1] : []);
    await limitApiRequest(key);
    await expect(limitApiRequest(key)).resolves.toMatchObject({ limit: 3, remaining: 0 });
    expect((await rejection(limitApiRequest(key))).status).toBe(429);
  });

  it("holds across app instances: a second connection pool shares the PostgreSQL counters", async () => {
    if (ctx.handle.client.kind !== "postgres") return; // PGlite is one process by construction: memory is the store
    const { openPostgres } = await import("../../src/server/db/client");
    const second = await openPostgres({ url: ctx.handle.client.url, max: 2 });
    try {
      setApiRateLimitForTests(4);
      const key = `user:shared-${Math.random()}`;
      useDbHandle(ctx.handle);
      await limitApiRequest(key);
      await limitApiRequest(key);
      useDbHandle(second); // "another instance": its own pool and its own limiter objects
      await limitApiRequest(key);
      await expect(limitApiRequest(key)).resolves.toMatchObject({ remaining: 0 });
      expect((await rejection(limitApiRequest(key))).status).toBe(429);
      useDbHandle(ctx.handle);
      expect((await rejection(limitApiRequest(key))).status).toBe(429);
    } finally {
      useDbHandle(undefined);
      await second.close();
    }
  });

  it("locks sign-in per account and IP after consecutive failures, with growing lockouts, and a success clears it", async () => {
    useDbHandle(ctx.handle);
    const email = `victim-${Math.random()}@example.com`;
    const free = SIGN_IN_POLICY.account.free;
    for (let i = 1; i < free; i++) {
      await recordSignInFailure(email, null);
      await expect(assertSignInAllowed(email, null)).resolves.toBeUndefined();
    }
    await recordSignInFailure(email, null);
    // The same account from another (trusted) IP is not refused: the owner elsewhere still gets in.
    await expect(assertSignInAllowed(email, "203.0.113.7")).resolves.toBeUndefined();
    const first = await rejection(assertSignInAllowed(email.toUpperCase(), null));
    expect(first.status).toBe(429);
    const firstWait = first.details?.retry_after_s as number;
    expect(firstWait).toBeGreaterThan(SIGN_IN_POLICY.account.baseLockS - 3);
    expect(firstWait).toBeLessThanOrEqual(SIGN_IN_POLICY.account.baseLockS);
    // One more failure (as after the lock ran out) doubles the lock.
    await recordSignInFailure(email, null);
    const second = (await rejection(assertSignInAllowed(email, null))).details?.retry_after_s as number;
    expect(second).toBeGreaterThan(firstWait * 2 - 3);
    expect(second).toBeLessThanOrEqual(SIGN_IN_POLICY.account.baseLockS * 2);
    // Another account is not affected.
    await expect(assertSignInAllowed(`other-${email}`, null)).resolves.toBeUndefined();
    await recordSignInSuccess(email, null);
    await expect(assertSignInAllowed(email, null)).resolves.toBeUndefined();
  });

  it("locks an IP that fails across many accounts", async () => {
    useDbHandle(ctx.handle);
    const ip = `192.0.2.${Math.floor(Math.random() * 250)}`;
    for (let i = 0; i < SIGN_IN_POLICY.ip.free; i++) await recordSignInFailure(`spray-${i}-${Math.random()}@example.com`, ip);
    const err = await rejection(assertSignInAllowed("fresh@example.com", ip));
    expect(err.status).toBe(429);
    await expect(assertSignInAllowed("fresh@example.com", "192.0.2.251")).resolves.toBeUndefined();
  });
});

it("lock durations double and are capped", () => {
  const p = { free: 5, baseLockS: 30 };
  expect([4, 5, 6, 7].map((n) => lockSeconds(n, p))).toEqual([0, 30, 60, 120]);
  expect(lockSeconds(50, p)).toBe(SIGN_IN_POLICY.maxLockS);
});
