import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";

/**
 * Brings report_daily up to date with what has been committed: recomputes the (rep, day) keys the writers marked in
 * report_daily_dirty since the last settle (migration 0025_report_daily_deferred explains why nothing is lost under
 * concurrent writers). Called before the rollup is read and every minute by the reports-rollup-settle job, so the
 * first report after a quiet week does not recompute a week of marks. Returns how many keys it settled.
 * Needs the primary: it writes (a read replica would serve the rollup as of its last settle).
 */
export async function settleReportRollup(db: Db): Promise<number> {
  // In chunks, each its own statement (its own transaction outside one): a chunk's claimed marks hold the writers of
  // those rep-days only until it commits (migration 0025). A backlog of millions (a bulk load) no longer holds today's
  // check-ins for the whole settle.
  let total = 0;
  for (;;) {
    const [row] = await queryRows<{ n: number }>(db, sql`SELECT fieldbeat_report_daily_settle(${SETTLE_CHUNK}::int) AS n`);
    const n = Number(row?.n ?? 0);
    total += n;
    if (n < SETTLE_CHUNK) return total;
  }
}

/** Rep-days recomputed per settle statement: a chunk takes tens of milliseconds. */
export const SETTLE_CHUNK = 500;
