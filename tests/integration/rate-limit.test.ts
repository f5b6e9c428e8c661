import { afterEach, expect, it } from "vitest";
import { queryRows, useDbHandle } from "../../src/server/db";
import { sql } from "drizzle-orm";
import { AppError } from "../../src/server/errors";
import {
  API_LIMIT_SLACK,
  assertSignInAllowed,
  flushApiRateLimits,
  limitApiRequest,
  lockSeconds,
  recordSignInFailure,
  recordSignInSuccess,
  setApiRateLimitForTests,
  SIGN_IN_POLICY,
} from "../../src/server/auth/rate-limit";
import { BatchedWindowLimiter } from "../../src/server/auth/batched-limiter";
import { describeEachDriver, serverUrlOf } from "../support/db";

async function rejection(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error("expected a rejection");
}

const pointAppAt = useDbHandle; // not a React hook: the app's database for the calls that follow

describeEachDriver("rate limits", (ctx) => {
  // Shared counters across instances: PostgreSQL only. PGlite is one process by construction: memory is its store,
  // with nothing deferred.
  const onServer = it.skipIf(ctx.driver !== "postgres");
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

  onServer("holds across app instances: a second connection pool shares the PostgreSQL counters", async () => {
    const { openPostgres } = await import("../../src/server/db/client");
    const second = await openPostgres({ url: serverUrlOf(ctx.handle), max: 2 });
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

  onServer("two instances hammering one key at the default limit serve within 10 % of it, and never refuse before it", async () => {
    const { openPostgres } = await import("../../src/server/db/client");
    const second = await openPostgres({ url: serverUrlOf(ctx.handle), max: 2 });
    try {
      const key = `user:two-instances-${Math.random()}`;
      let served = 0;
      let firstRefusalAt: number | null = null;
      // Alternate instances, as a load balancer would; 2× the limit in all.
      for (let i = 0; i < 200; i++) {
        pointAppAt(i % 2 === 0 ? ctx.handle : second);
        try {
          await limitApiRequest(key);
          served++;
        } catch (err) {
          if (!(err instanceof AppError) || err.status !== 429) throw err;
          firstRefusalAt ??= i;
        }
      }
      expect(served).toBeGreaterThanOrEqual(100);
      expect(served).toBeLessThanOrEqual(110);
      expect(firstRefusalAt).toBeGreaterThanOrEqual(100);
      // Every request served was counted in the shared table once the deferred counts are written.
      for (const h of [ctx.handle, second]) {
        pointAppAt(h);
        await flushApiRateLimits();
      }
      const [row] = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`);
      expect(Number(row!.points)).toBeGreaterThanOrEqual(served);
    } finally {
      useDbHandle(undefined);
      await second.close();
    }
  });

  onServer("defers the table write of a key far from its limit, and writes it within the flush", async () => {
    useDbHandle(ctx.handle);
    const key = `user:deferred-${Math.random()}`;
    const slack = Math.floor(100 * API_LIMIT_SLACK);
    for (let i = 0; i < slack; i++) await expect(limitApiRequest(key)).resolves.toMatchObject({ limit: 100, remaining: 99 - i });
    const before = await queryRows(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`);
    expect(before).toEqual([]);
    await flushApiRateLimits();
    const [after] = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`);
    expect(Number(after!.points)).toBe(slack);
    // The allowance is what the table has not seen: used up again, the next request is counted at once with it.
    for (let i = 0; i < slack; i++) await limitApiRequest(key);
    await limitApiRequest(key);
    const [now] = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`);
    expect(Number(now!.points)).toBe(2 * slack + 1);
  });

  onServer("writes the counts still owed when its pool closes: a shutdown loses none", async () => {
    const { openPostgres } = await import("../../src/server/db/client");
    const instance = await openPostgres({ url: serverUrlOf(ctx.handle), max: 2 });
    const key = `user:closing-${Math.random()}`;
    const slack = Math.floor(100 * API_LIMIT_SLACK);
    try {
      useDbHandle(instance);
      for (let i = 0; i < slack; i++) await limitApiRequest(key);
      expect(await queryRows(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`)).toEqual([]);
    } finally {
      useDbHandle(undefined);
      await instance.close(); // as scripts/server.mjs does once the last request was answered
    }
    const [row] = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${"api_100:" + key}`);
    expect(Number(row!.points)).toBe(slack);
  });

  onServer("a flush asked for while another is under way (as close does) also writes what was counted after that one started", async () => {
    const client = ctx.handle.client;
    if (client.kind !== "postgres") throw new Error("a PostgreSQL server's test");
    const prefix = `closing-race-${Math.random()}`;
    const limiter = new BatchedWindowLimiter(client.sql, prefix, 100, 60_000, 10, 60_000);
    await limiter.consume("k");
    const first = limiter.flush(); // takes the one count owed now, then waits for the table
    await limiter.consume("k"); // counted after that flush took its batch
    await limiter.close();
    await first;
    const [row] = await queryRows<{ points: number }>(ctx.handle.db, sql`SELECT points FROM rate_limits WHERE key = ${prefix + ":k"}`);
    expect(Number(row!.points)).toBe(2);
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
