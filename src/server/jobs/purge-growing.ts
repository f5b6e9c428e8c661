import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { MAX_PING_AGE_MS } from "@/contracts/tracking";

/**
 * Retention of the tables that grow with use and are not business records (docs/decisions/0017, "Retention of
 * growing tables"). Each purge deletes in batches (one short statement and transaction per batch, so a large
 * backlog never holds locks or a transaction for long) and is safe to repeat: a rerun finds nothing more to delete.
 * None of these tables has an admin setting; their periods are the protocol's own (below). The outbox has its
 * setting (events_retention_days, realtime/prune-events.ts); location pings are another job's.
 */
export const PURGE_BATCH = 5_000;

/** A phone may replay a queued mutation for as long as it may replay a fix (7 days): its key must answer until then. */
export const IDEMPOTENCY_KEY_RETENTION_MS = MAX_PING_AGE_MS;
/** A push delivery row dedups a reminder of one day (or one open visit): a week covers every rerun and time zone. */
export const PUSH_DELIVERY_RETENTION_MS = 7 * 24 * 3600_000;
/** An expired refresh token is refused whatever its row says; a day's grace keeps the reuse signal for a stray retry. */
export const REFRESH_TOKEN_GRACE_MS = 24 * 3600_000;

type Purge = { deleted: number };

/** Deletes `WHERE key IN (SELECT key … LIMIT batch)` until a batch comes back short. */
async function deleteInBatches(db: Db, table: string, key: string, where: SQL, batch = PURGE_BATCH): Promise<Purge> {
  let deleted = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`WITH d AS (DELETE FROM ${sql.raw(table)} WHERE ${sql.raw(key)} IN (
            SELECT ${sql.raw(key)} FROM ${sql.raw(table)} WHERE ${where} LIMIT ${batch}) RETURNING 1)
          SELECT count(*)::int AS n FROM d`,
    );
    const n = Number(row?.n ?? 0);
    deleted += n;
    if (n < batch) return { deleted };
  }
}

const before = (now: Date, ms: number) => new Date(now.getTime() - ms).toISOString();

/** Idempotency keys older than a phone's replay window. */
export function purgeIdempotencyKeys(db: Db, now: Date, batch?: number): Promise<Purge> {
  return deleteInBatches(db, "idempotency_keys", "client_id", sql`created_at < ${before(now, IDEMPOTENCY_KEY_RETENTION_MS)}::timestamptz`, batch);
}

/** Push delivery rows older than a week (their reminder's day is long over). */
export function purgePushDeliveries(db: Db, now: Date, batch?: number): Promise<Purge> {
  return deleteInBatches(db, "push_deliveries", "id", sql`sent_at < ${before(now, PUSH_DELIVERY_RETENTION_MS)}::timestamptz`, batch);
}

/** Refresh tokens expired for more than a day (rotated, revoked or not: none of them can be used any more). */
export function purgeExpiredRefreshTokens(db: Db, now: Date, batch?: number): Promise<Purge> {
  return deleteInBatches(db, "refresh_tokens", "id", sql`expires_at < ${before(now, REFRESH_TOKEN_GRACE_MS)}::timestamptz`, batch);
}

/**
 * Sign-in attempt and request counters (`rate_limits`) whose window has ended: an expired counter is reset on its next
 * use anyway, so deleting it changes no decision. `expire` is epoch milliseconds; a row without one never expires.
 */
export function purgeSignInAttempts(db: Db, now: Date, batch?: number): Promise<Purge> {
  return deleteInBatches(db, "rate_limits", "key", sql`expire IS NOT NULL AND expire < ${now.getTime()}::bigint`, batch);
}
