import "server-only";
import type { Sql } from "postgres";
import { log } from "../log";

/**
 * A fixed-window request counter shared by every app instance through the `rate_limits` table (the same rows
 * and window rule as rate-limiter-flexible's RateLimiterPostgres), without a database write per request
 * (docs/decisions/0013-hot-path.md):
 *
 * - While a key is far from its limit, each instance counts locally and adds its counts to the table in ONE
 *   statement for all keys (at most `flushMs` later). An instance serves at most `slack` requests of a key that
 *   the table has not seen yet.
 * - Once that allowance is used, or the last known total plus local counts reaches the limit, the request is
 *   counted in the table synchronously (with the instance's pending counts) and the table's total decides.
 *
 * So one instance is exact, and n instances can together exceed the limit by at most n × `slack` (each may serve
 * its unflushed allowance on a stale total), never refuse before it. Counts not yet flushed when a process dies
 * are lost (at most `slack` per key).
 */
export type LimiterResult = { remaining: number; msBeforeNext: number };
export class RateLimitExceeded extends Error {
  constructor(readonly msBeforeNext: number) {
    super("rate limit exceeded");
  }
}

type Entry = { known: number; pending: number; expireAt: number };
type Row = { key: string; points: number | string; expire: number | string | null };

// One statement for any number of keys; keys sorted so two instances flushing the same keys cannot deadlock.
const UPSERT = `
  INSERT INTO rate_limits (key, points, expire)
  SELECT k, p, $3::bigint FROM unnest($1::varchar[], $2::int[]) AS t(k, p)
  ON CONFLICT (key) DO UPDATE SET
    points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4::bigint THEN EXCLUDED.points ELSE rate_limits.points + EXCLUDED.points END,
    expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4::bigint THEN EXCLUDED.expire ELSE rate_limits.expire END
  RETURNING key, points, expire`;

const MAX_FLUSH_RETRIES = 5;

export class BatchedWindowLimiter {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  private failedFlushes = 0;
  private closed = false;

  constructor(
    private readonly sql: Sql,
    private readonly keyPrefix: string,
    readonly points: number,
    private readonly durationMs: number,
    readonly slack: number,
    private readonly flushMs = 1000,
  ) {}

  async consume(rawKey: string, now = Date.now()): Promise<LimiterResult> {
    const key = `${this.keyPrefix}:${rawKey}`;
    let e = this.entries.get(key);
    if (!e) {
      e = { known: 0, pending: 0, expireAt: now + this.durationMs };
      this.entries.set(key, e);
    } else if (e.expireAt <= now) {
      // The window ended: the table restarts its count at the next write (pending counts land in the new window).
      e.known = 0;
      e.expireAt = now + this.durationMs;
    }
    if (e.pending < this.slack && e.known + e.pending + 1 <= this.points) {
      e.pending++;
      this.scheduleFlush();
      return { remaining: this.points - e.known - e.pending, msBeforeNext: e.expireAt - now };
    }
    // Counted in the table now, with whatever this instance still owes it for the key.
    const n = e.pending + 1;
    e.pending = 0;
    let row: Row | undefined;
    try {
      [row] = await this.upsert([key], [n], now);
    } catch (err) {
      e.pending += n - 1; // the earlier requests were served: they still count
      throw err;
    }
    const total = Number(row!.points);
    e.known = total;
    e.expireAt = row!.expire == null ? now + this.durationMs : Number(row!.expire);
    if (total > this.points) throw new RateLimitExceeded(Math.max(0, e.expireAt - now));
    return { remaining: Math.max(0, this.points - total - e.pending), msBeforeNext: e.expireAt - now };
  }

  /**
   * Writes every pending count in one statement (also run by the timer). A flush already under way carries only what
   * was owed when it started, so a caller arriving during it gets a flush of its own after it (its failure is its
   * own caller's to see).
   */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing.catch(() => undefined).then(() => this.flush());
    this.flushing = this.flushNow().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  /**
   * Writes what is still owed and stops the timer: run when the database handle closes (its `onClose`), after the
   * last request was served, so a shutdown loses no count. Counts the table cannot take then are logged as lost.
   */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    try {
      await this.flush();
    } catch (err) {
      log.warn("rate limit: deferred counts lost at close", { error: err instanceof Error ? err.message : String(err) });
    }
  }

  private scheduleFlush() {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch((err: unknown) => log.warn("rate limit: deferred counts not written yet", { error: err instanceof Error ? err.message : String(err) }));
    }, this.flushMs);
    this.timer.unref();
  }

  private async flushNow(): Promise<void> {
    const now = Date.now();
    const batch: [string, number][] = [];
    for (const [key, e] of this.entries) {
      if (e.pending > 0) {
        batch.push([key, e.pending]);
        e.pending = 0;
      } else if (e.expireAt <= now) this.entries.delete(key);
    }
    if (batch.length === 0) return;
    batch.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let rows: Row[];
    try {
      rows = await this.upsert(
        batch.map(([k]) => k),
        batch.map(([, n]) => n),
        now,
      );
    } catch (err) {
      // Keep the counts for a few more tries (the database may be back in a second); then let them go rather than
      // retry forever against a pool that was closed. Lost counts only ever make the limit more lenient.
      if (++this.failedFlushes <= MAX_FLUSH_RETRIES) {
        for (const [key, n] of batch) {
          const e = this.entries.get(key);
          if (e) e.pending += n;
        }
        this.scheduleFlush();
      }
      throw err;
    }
    this.failedFlushes = 0;
    for (const row of rows) {
      const e = this.entries.get(row.key);
      if (!e) continue;
      e.known = Number(row.points);
      if (row.expire != null) e.expireAt = Number(row.expire);
    }
  }

  private upsert(keys: string[], counts: number[], now: number): Promise<Row[]> {
    return this.sql.unsafe<Row[]>(UPSERT, [keys, counts, now + this.durationMs, now] as never[], { prepare: true });
  }
}
