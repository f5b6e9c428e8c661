import "server-only";
import { createHash } from "node:crypto";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { env } from "@/env";
import { getDbHandle, type DbHandle } from "../db";
import { AppError } from "../errors";

/**
 * Rate limits (rate-limiter-flexible). On a PostgreSQL server they live in the `rate_limits` table, so
 * every app instance counts against the same budget; on the embedded database (one process by
 * construction) they live in memory. Limiters are built per database handle, so tests that point the
 * app at their own database get their own counters.
 */

export type RateLimitInfo = { limit: number; remaining: number; resetS: number };

type Limiters = { api: Map<number, RateLimiterAbstract>; signInCount: RateLimiterAbstract; signInLock: RateLimiterAbstract };
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
      // Consecutive sign-in failures per account and per IP, forgotten a day after the last one.
      signInCount: make(handle, "signin_fail", 1_000_000, 24 * 3600),
      // Lockouts: block() writes the key with an expiry; get() reads it.
      signInLock: make(handle, "signin_lock", 1, 1),
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
  return new AppError("RATE_LIMITED", message, { status: 429, details: { retry_after_s: retryAfter } });
};

/**
 * Counts one /api/v1 request against `key` ("user:12", "key:3", "ip:203.0.113.9"): RATE_LIMIT_PER_MINUTE per
 * minute. Throws 429 RATE_LIMITED with `retry_after_s` beyond it; otherwise returns what is left (for headers).
 */
export async function limitApiRequest(key: string): Promise<RateLimitInfo> {
  const perMinute = apiRateLimitPerMinute();
  const l = await limiters();
  let limiter = l.api.get(perMinute);
  if (!limiter) {
    const handle = await getDbHandle();
    limiter = make(handle, `api_${perMinute}`, perMinute, 60);
    l.api.set(perMinute, limiter);
  }
  try {
    const res = await limiter.consume(key.slice(0, 200));
    return { limit: perMinute, remaining: res.remainingPoints, resetS: Math.ceil(res.msBeforeNext / 1000) };
  } catch (err) {
    if (err instanceof RateLimiterRes) throw tooMany(`Too many requests: at most ${perMinute} per minute.`, err.msBeforeNext);
    throw err;
  }
}

/** Sign-in protection: the FREE-th failure in a row locks for baseLockS, each further one for twice as long as the last. */
export const SIGN_IN_POLICY = {
  account: { free: 5, baseLockS: 30 },
  ip: { free: 20, baseLockS: 60 },
  maxLockS: 3600,
} as const;

// Emails are hashed: a key column of 255 chars must hold any address, and the table need not list them.
const accountKey = (email: string) => "acct:" + createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
const ipKey = (ip: string) => "ip:" + ip.slice(0, 64);

/** The lock for `failures` consecutive failures (0 = none): 30 s, 60 s, 120 s… capped at an hour. */
export function lockSeconds(failures: number, policy: { free: number; baseLockS: number }): number {
  if (failures < policy.free) return 0;
  return Math.min(SIGN_IN_POLICY.maxLockS, policy.baseLockS * 2 ** (failures - policy.free));
}

/** 429 RATE_LIMITED (with `retry_after_s`) while the account or the IP is locked out. Call before checking the password. */
export async function assertSignInAllowed(email: string, ip: string | null): Promise<void> {
  const { signInLock } = await limiters();
  const keys = [accountKey(email), ...(ip ? [ipKey(ip)] : [])];
  let waitMs = 0;
  for (const key of keys) {
    const res = await signInLock.get(key);
    if (res && res.consumedPoints > 1 && res.msBeforeNext > 0) waitMs = Math.max(waitMs, res.msBeforeNext);
  }
  if (waitMs > 0) throw tooMany("Too many failed sign-in attempts. Try again later.", waitMs);
}

/** One more consecutive failure for the account and the IP; locks them once past their free attempts. */
export async function recordSignInFailure(email: string, ip: string | null): Promise<void> {
  const { signInCount, signInLock } = await limiters();
  const targets: [string, { free: number; baseLockS: number }][] = [[accountKey(email), SIGN_IN_POLICY.account]];
  if (ip) targets.push([ipKey(ip), SIGN_IN_POLICY.ip]);
  for (const [key, policy] of targets) {
    const res = await signInCount.penalty(key, 1);
    const lock = lockSeconds(res.consumedPoints, policy);
    if (lock > 0) await signInLock.block(key, lock);
  }
}

/** A success clears the account's streak. The IP's is kept: one valid account must not unlock guessing at others. */
export async function recordSignInSuccess(email: string, ip: string | null): Promise<void> {
  void ip;
  const { signInCount, signInLock } = await limiters();
  const key = accountKey(email);
  await signInCount.delete(key);
  await signInLock.delete(key);
}
