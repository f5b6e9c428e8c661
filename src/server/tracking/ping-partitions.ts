import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { log } from "../log";
import { addDays } from "@/lib/time";

/**
 * location_pings is partitioned by UTC day on captured_at (migration 0018_pings_by_day; docs/decisions/0022-operations-scale-path.md):
 * one table per day, `location_pings_pYYYYMMDD`, and no default partition.
 *
 * Where partitions come from:
 *   - the `pings-partitions` job (hourly) keeps yesterday … today + AHEAD_DAYS, and drops the days past the
 *     organisation's `ping_retention_days`, one DROP per day (PostgreSQL: DETACH … CONCURRENTLY first, so pings of
 *     other days are never blocked; no DELETE of millions of rows);
 *   - the pings use-case creates, before its transaction, any day a batch needs that is missing (a new install
 *     before the job's first run, a server whose jobs are off and whose cron is late). A batch can only need days
 *     inside the accepted window (MAX_PING_AGE_MS back, MAX_PING_FUTURE_MS ahead); anything older or later is
 *     refused per ping as `too_old` / `future_timestamp` before it reaches the table, so a late offline replay older
 *     than the window, or a clock far in the future, never creates a partition;
 *   - anything else that writes pings itself (tests, benches, imports) calls ensurePingPartitions first.
 * Retention is at least 8 days (settings), longer than the accepted window: a dropped day can never receive a ping.
 */
export const AHEAD_DAYS = 7;
export const PARTITION_PREFIX = "location_pings_p";

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Creates the missing day partitions from `from` to `to` (UTC dates, inclusive); returns how many it created. */
export async function ensurePingPartitions(db: Db, from: string, to: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(db, sql`SELECT fieldbeat_ensure_ping_partitions(${from}::date, ${to}::date) AS n`);
  return Number(r?.n ?? 0);
}

/** The UTC days holding these instants (min … max), or null for none. */
export function utcDaySpan(instants: readonly Date[]): { from: string; to: string } | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const t of instants) {
    const ms = t.getTime();
    if (ms < lo) lo = ms;
    if (ms > hi) hi = ms;
  }
  return Number.isFinite(lo) ? { from: utcDay(new Date(lo)), to: utcDay(new Date(hi)) } : null;
}

/** The day partitions that exist, oldest first. */
export async function listPingPartitions(db: Db): Promise<{ name: string; day: string }[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = to_regclass('location_pings') ORDER BY c.relname`,
  );
  return rows
    .map((r) => ({ name: r.name, m: /^location_pings_p(\d{4})(\d{2})(\d{2})$/.exec(r.name) }))
    .filter((r) => r.m)
    .map((r) => ({ name: r.name, day: `${r.m![1]}-${r.m![2]}-${r.m![3]}` }));
}

/**
 * The `pings-partitions` job: partitions for yesterday … today + AHEAD_DAYS exist, and every day older than
 * ping_retention_days (before today − retention, UTC) is dropped, one statement per day. Idempotent: a second
 * run creates and drops nothing. Each day's kilometres and gaps stay on its daily session; only the trail goes.
 */
export async function maintainPingPartitions(db: Db, now: Date): Promise<{ created: number; dropped: string[] }> {
  const today = utcDay(now);
  const created = await ensurePingPartitions(db, addDays(today, -1), addDays(today, AHEAD_DAYS));
  const { ping_retention_days: retention } = await getOrgSettings(db);
  const keepFrom = addDays(today, -retention);
  const dropped: string[] = [];
  for (const p of await listPingPartitions(db)) {
    if (p.day >= keepFrom) break;
    await dropPartition(db, p.name);
    dropped.push(p.day);
  }
  if (created || dropped.length) log.info("pings: partitions maintained", { created, dropped: dropped.join(",") || "none", retention_days: retention });
  return { created, dropped };
}

/**
 * One day gone. First DETACH … CONCURRENTLY (PostgreSQL 14+: no lock that blocks the other days' reads and inserts;
 * it needs the absence of a default partition, and runs outside a transaction); a detach left pending by an
 * interrupted run is finished (FINALIZE). Where it cannot run (PGlite, inside a transaction) the DROP detaches too.
 */
async function dropPartition(db: Db, name: string): Promise<void> {
  if (!/^location_pings_p\d{8}$/.test(name)) throw new Error(`not a ping partition: ${name}`);
  const table = sql.raw(`"${name}"`);
  try {
    await db.execute(sql`ALTER TABLE location_pings DETACH PARTITION ${table} CONCURRENTLY`);
  } catch (err) {
    if (/pending/i.test(String((err as { message?: unknown }).message ?? err))) {
      await db.execute(sql`ALTER TABLE location_pings DETACH PARTITION ${table} FINALIZE`).catch(() => undefined);
    }
  }
  await db.execute(sql`DROP TABLE IF EXISTS ${table}`);
}
