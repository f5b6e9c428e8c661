import "server-only";
import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "@/env";
import { getDbHandle, type DbHandle } from "../db";
import { AppError } from "../errors";
import { BatchedWindowLimiter, RateLimitExceeded } from "./batched-limiter";

/**
 * Rate limits (rate-limiter-flexible). On a PostgreSQL server they live in the `rate_limits` table, so
 * every app instance counts against the same budget; on the embedded database (one process by
 * construction) they live in memory. Limiters are built per database handle, so tests that point the
 * app at their own database get their own counters.
 */

export type RateLimitInfo = { limit: number; remaining: number; resetS: number };

type ApiLimiter = { consume(key: string): Promise<{ remaining: number; msBeforeNext: number }> };
type Limiters = { api: Map<number, ApiLimiter>; signInCount: RateLimiterAbstract; signInHourly: RateLimiterAbstract; signInLock: RateLimiterAbstract; signInKnown: RateLimiterAbstract };
const byHandle = new WeakMap<DbHandle, Limiters>();

/** rate-limiter-flexible speaks node-postgres (`query({ text, values }) → { rows, rowCount }`); postgres.js speaks `unsafe`. */
function pgLikeClient(handle: DbHandle) {
  if (handle.client.kind !== "postgres") throw new Error("not a PostgreSQL server handle");
  const sql = handle.client.sql;
  return {
    async query(q: { text: string; values?: unknown[] }) {
      // Prepared: the library's few query texts are fixed, so each connection parses and plans them once.
      const rows = await sql.unsafe(q.text, (q.values ?? []) as never[], { prepare: true });
      // bigint `expire` comes back as a string from postgres.js; the library does arithmetic on it.
      return { rows: rows.map((r) => ({ ...r, expire: r.expire == null ? null : Number(r.expire) })), rowCount: rows.count };
    },
  };
}

function make(handle: DbHandle, keyPrefix: string, points: number, duration: number): RateLimiterAbstract {
  if (handle.client.kind === "postgres") {
    return new RateLimiterPostgres({
      storeClient: pgLikeClient(handle),
      storeType: "pool",
      tableName: "rate_limits",
      tableCreated: true,
      // Expired rows are overwritten on the next hit; a sweeper timer per handle would outlive test databases.
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
    });
  }
  return new RateLimiterMemory({ keyPrefix, points, duration });
}

async function limiters(): Promise<Limiters> {
  const handle = await getDbHandle();
  let l = byHandle.get(handle);
  if (!l) {
    l = {
      api: new Map(),
      // Sign-in failures per account+IP pair and per IP, in a window that expires (15 min).
      signInCount: make(handle, "signin_fail", 1_000_000, SIGN_IN_POLICY.windowS),
      // Failures per account from anywhere, per hour.
      signInHourly: make(handle, "signin_hour", 1_000_000, 3600),
      // Lockouts: block() writes the key with an expiry; get() reads it.
      signInLock: make(handle, "signin_lock", 1, 1),
      // Account+IP pairs that signed in successfully (exempt from the IP's spray lock).
      signInKnown: make(handle, "signin_known", 1, 1),
    };
    byHandle.set(handle, l);
  }
  return l;
}

// Tests lower the per-minute limit without 100 real calls (like useDbHandle for the database).
let apiLimitOverride: number | undefined;
export function setApiRateLimitForTests(perMinute: number | undefined) {
  apiLimitOverride = perMinute;
}
export const apiRateLimitPerMinute = () => apiLimitOverride ?? env.RATE_LIMIT_PER_MINUTE;

const tooMany = (message: string, msBeforeNext: number) => {
  const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new AppError("RATE_LIMITED", message, { details: { retry_after_s: retryAfter } });
};

/**
 * How many requests of one key an instance may serve before the shared table has counted them (4 % of the
 * limit, rounded down): two instances then stay within 8 % of the limit, one is exact (batched-limiter.ts).
 */
export const API_LIMIT_SLACK = 0.04;

/** The per-minute API limiter: batched writes to the shared table on a PostgreSQL server, memory on the embedded one. */
function makeApiLimiter(handle: DbHandle, perMinute: number): ApiLimiter {
  if (handle.client.kind === "postgres") {
    const limiter = new BatchedWindowLimiter(handle.client.sql, `api_${perMinute}`, perMinute, 60_000, Math.floor(perMinute * API_LIMIT_SLACK));
    handle.onClose(() => limiter.close()); // the counts still owed reach the table before the pool closes
    return limiter;
  }
  const memory = make(handle, `api_${perMinute}`, perMinute, 60);
  return {
    async consume(key) {
      const res = await memory.consume(key);
      return { remaining: res.remainingPoints, msBeforeNext: res.msBeforeNext };
    },
  };
}

/** Writes the API counters this process still owes the shared table (tests; the timer does it within a second). */
export async function flushApiRateLimits(): Promise<void> {
  const l = await limiters();
  await Promise.all([...l.api.values()].map((x) => (x instanceof BatchedWindowLimiter ? x.flush() : undefined)));
}

/**
 * Counts one /api/v1 request against `key` ("user:12", "key:3", "ip:203.0.113.9"): RATE_LIMIT_PER_MINUTE per
 * minute. Throws 429 RATE_LIMITED with `retry_after_s` beyond it; otherwise returns what is left (for headers).
 */
export async function limitApiRequest(key: string): Promise<RateLimitInfo> {
  const perMinute = apiRateLimitPerMinute();
  const l = await limiters();
  let limiter = l.api.get(perMinute);
  if (!limiter) {
    limiter = makeApiLimiter(await getDbHandle(), perMinute);
    l.api.set(perMinute, limiter);
  }
  try {
    const res = await limiter.consume(key.slice(0, 200));
    return { limit: perMinute, remaining: res.remaining, resetS: Math.ceil(res.msBeforeNext / 1000) };
  } catch (err) {
    if (err instanceof RateLimiterRes || err instanceof RateLimitExceeded) throw tooMany(`Too many requests: at most ${perMinute} per minute.`, err.msBeforeNext);
    throw err;
  }
}

/**
 * Sign-in protection (docs/decisions/0010-trust-boundaries.md). Failure counters live in windows that
 * expire; a success clears that person's own streak from that place:
 *  - per account + IP: the 5th failure in a row locks that pair for 30 s, each further one twice as long,
 *    capped at an hour. The real owner elsewhere is not refused.
 *  - per IP (spray): the 20th failure across any accounts locks the IP for 60 s, doubling, capped at an hour,
 *    except for accounts that signed in successfully from that IP before (known pairs, 20 days): a spray
 *    from a shared office IP does not lock out the people who work there.
 *  - per account from anywhere: at most 100 failures an hour (ASVS 2.2.1), then refused until the hour ends.
 * Unknown IP (no door in this process and no trusted proxy, src/server/http/trust.ts): every such caller would share
 * one address, so the per-IP spray lock does not apply (20 failures would otherwise lock every account that had not
 * signed in "from there"); the per-account limits do (the pair lock then keys the account alone, and the hourly cap).
 */
export const SIGN_IN_POLICY = {
  windowS: 15 * 60,
  account: { free: 5, baseLockS: 30 },
  ip: { free: 20, baseLockS: 60 },
  accountPerHour: 100,
  // Under 24.8 days: the in-memory store expires keys with setTimeout, which overflows past 2^31 ms.
  knownPairS: 20 * 24 * 3600,
  maxLockS: 3600,
} as const;

/** The address part of an account+IP pair key when the address is unknown (the pair is then the account alone). */
export const DIRECT_BUCKET = "direct";

// Emails are hashed: a key column of 255 chars must hold any address, and the table need not list them.
const emailHash = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
const ipOf = (ip: string | null) => (ip ?? DIRECT_BUCKET).slice(0, 64);
const pairKey = (email: string, ip: string | null) => `pair:${emailHash(email)}:${ipOf(ip)}`;
const ipKey = (ip: string | null) => "ip:" + ipOf(ip);
const accountKey = (email: string) => "acct:" + emailHash(email);

/** The lock for `failures` consecutive failures (0 = none): 30 s, 60 s, 120 s… capped at an hour. */
export function lockSeconds(failures: number, policy: { free: number; baseLockS: number }): number {
  if (failures < policy.free) return 0;
  return Math.min(SIGN_IN_POLICY.maxLockS, policy.baseLockS * 2 ** Math.min(failures - policy.free, 30));
}

async function lockedMs(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const res = await limiter.get(key);
  return res && res.consumedPoints > 1 && res.msBeforeNext > 0 ? res.msBeforeNext : 0;
}

/** 429 RATE_LIMITED (with `retry_after_s`) while this account from this IP may not try. Call before checking the password. */
export async function assertSignInAllowed(email: string, ip: string | null): Promise<void> {
  const l = await limiters();
  let waitMs = await lockedMs(l.signInLock, pairKey(email, ip));
  const hourly = await l.signInHourly.get(accountKey(email));
  if (hourly && hourly.consumedPoints >= SIGN_IN_POLICY.accountPerHour) waitMs = Math.max(waitMs, hourly.msBeforeNext);
  const ipWait = ip === null ? 0 : await lockedMs(l.signInLock, ipKey(ip));
  if (ipWait > 0 && !(await lockedMs(l.signInKnown, pairKey(email, ip)))) waitMs = Math.max(waitMs, ipWait);
  if (waitMs > 0) throw tooMany("Too many failed sign-in attempts. Try again later.", waitMs);
}

/** One more failure for the account+IP pair, the IP (when known) and the account's hour; locks once past the free attempts. */
export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const l = await limiters();
  const targets: [string, { free: number; baseLockS: number }][] = [[pairKey(email, ip), SIGN_IN_POLICY.account]];
  // An unknown address is everyone's: counting it would let one guesser lock every account.
  if (ip !== null) targets.push([ipKey(ip), SIGN_IN_POLICY.ip]);
  for (const [key, policy] of targets) {
    const res = await l.signInCount.penalty(key, 1);
    const lock = lockSeconds(res.consumedPoints, policy);
    if (lock > 0) await l.signInLock.block(key, lock);
  }
  await l.signInHourly.penalty(accountKey(email), 1);
}

/**
 * A success clears this account's streak from this IP and marks the pair as known (exempt from the IP's
 * spray lock). The IP's own count and the account's hourly count stay: one valid account must not unlock
 * guessing at others, and the owner signing in must not reset an attacker's budget elsewhere.
 */
export async function recordSignInSuccess(email: string, ip: string | null): Promise<void> {
  const l = await limiters();
  const key = pairKey(email, ip);
  await l.signInCount.delete(key);
  await l.signInLock.delete(key);
  await l.signInKnown.block(key, SIGN_IN_POLICY.knownPairS);
}
