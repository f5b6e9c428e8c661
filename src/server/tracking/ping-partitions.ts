import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { getOrgSettings } from "../settings/org-settings";
import { log } from "../log";
import { addDays } from "@/lib/time";

/**
 * location_pings is partitioned by UTC day on captured_at (migration 0019_pings_by_day; docs/decisions/0022-operations-scale-path.md):
 * one table per day, `location_pings_pYYYYMMDD`, and no default partition.
 *
 * Where partitions come from:
 *   - the `pings-partitions` job (hourly) keeps yesterday … today + AHEAD_DAYS, and drops the days past the
 *     organisation's `ping_retention_days`, one day at a time: DETACH … CONCURRENTLY then DROP (dropPingDay), so
 *     pings of other days are never blocked; no DELETE of millions of rows;
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

/** The day partitions that exist (attached, or with a detach pending), oldest first. */
export async function listPingPartitions(db: Db): Promise<{ name: string; day: string }[]> {
  return (await listDayTables(db)).filter((t) => t.state !== "detached").map(({ name, day }) => ({ name, day }));
}

type DayTable = { name: string; day: string; state: "attached" | "pending" | "detached" };

/**
 * Every day table (`location_pings_pYYYYMMDD`), oldest first, in one catalog read: the partitions of location_pings
 * (`pending` when a DETACH … CONCURRENTLY was interrupted after its first transaction, PostgreSQL only) and the day
 * tables left out of it (`detached`) by a run of the job that stopped between its DETACH and its DROP (a crash, a
 * deploy), which the job drops like any expired day.
 */
async function listDayTables(db: Db): Promise<DayTable[]> {
  const rows = await queryRows<{ name: string; state: DayTable["state"] }>(
    db,
    sql`SELECT c.relname AS name,
               CASE WHEN i.inhrelid IS NULL THEN 'detached' WHEN i.inhdetachpending THEN 'pending' ELSE 'attached' END AS state
        FROM pg_class c LEFT JOIN pg_inherits i ON i.inhrelid = c.oid AND i.inhparent = to_regclass('location_pings')
        WHERE c.relkind = 'r' AND c.relnamespace = to_regnamespace(current_schema()) AND c.relname ~ '^location_pings_p[0-9]{8}$'
          AND (i.inhrelid IS NOT NULL OR NOT EXISTS (SELECT 1 FROM pg_inherits o WHERE o.inhrelid = c.oid))
        ORDER BY c.relname`,
  );
  return rows.flatMap((r) => {
    const m = /^location_pings_p(\d{4})(\d{2})(\d{2})$/.exec(r.name);
    return m ? [{ name: r.name, day: `${m[1]}-${m[2]}-${m[3]}`, state: r.state }] : [];
  });
}

/**
 * The `pings-partitions` job: partitions for yesterday … today + AHEAD_DAYS exist, and every day older than
 * ping_retention_days (before today − retention, UTC) is dropped, one day at a time. Idempotent: a second
 * run creates and drops nothing. Each day's kilometres and gaps stay on its daily session; only the trail goes.
 * Call it with the pool, never inside a transaction (the DETACH … CONCURRENTLY of each day needs its own).
 * Its three reads are independent (the days it creates are never expired ones) and go out together.
 */
export async function maintainPingPartitions(db: Db, now: Date): Promise<{ created: number; dropped: string[] }> {
  const today = utcDay(now);
  const [created, settings, tables] = await Promise.all([ensurePingPartitions(db, addDays(today, -1), addDays(today, AHEAD_DAYS)), getOrgSettings(db), listDayTables(db)]);
  const retention = settings.ping_retention_days;
  const keepFrom = addDays(today, -retention);
  // A detach left pending by a run stopped while it waited (its first transaction committed, its second never ran)
  // is finished first: while one is pending, PostgreSQL refuses to detach any other day concurrently.
  for (const t of tables.filter((x) => x.state === "pending")) {
    await db.execute(sql`ALTER TABLE location_pings DETACH PARTITION ${sql.raw(`"${t.name}"`)} FINALIZE`);
    log.info("pings: pending detach finished", { table: t.name });
  }
  const expired = tables.filter((p) => p.day < keepFrom);
  const dropped: string[] = [];
  for (const p of expired) {
    const took = await dropPingDay(db, p.name);
    // What an operator waits for, per statement (docs/decisions/0022: detach waits for the transactions that were
    // using location_pings when it started; the drop is the day's files going).
    log.info("pings: day dropped", { day: p.day, ...took });
    dropped.push(p.day);
  }
  if (created || dropped.length) log.info("pings: partitions maintained", { created, dropped: dropped.join(",") || "none", retention_days: retention });
  return { created, dropped };
}

/**
 * One day gone, in two statements, neither of which blocks anything but the day itself:
 *   1. `DETACH PARTITION … CONCURRENTLY` (PostgreSQL 14+; needs the absence of a default partition and its own
 *      transactions): it commits the day as "detach pending" (new queries stop seeing it), then waits for the
 *      transactions that were already using location_pings (ping batches in flight, reports) to end, then finishes.
 *      It holds SHARE UPDATE EXCLUSIVE on location_pings, which no read or insert conflicts with, and no lock on any
 *      other table (location_pings has no foreign key: migration 0023). A day already detached (a run stopped before
 *      its DROP) goes straight to the DROP; one left "detach pending" is finished by the job before (FINALIZE).
 *   2. `DROP TABLE` of the detached day: ACCESS EXCLUSIVE on that table alone, which nobody reads any more.
 * Called inside a transaction (PostgreSQL refuses CONCURRENTLY there) the DROP detaches the day itself, holding
 * location_pings exclusively until that transaction ends; the job never does that. Any other failure of the detach
 * is thrown: never a silent fallback to a DROP that would queue every ping batch behind it.
 */
export async function dropPingDay(db: Db, name: string): Promise<{ detach_ms: number; drop_ms: number; detach: string }> {
  if (!/^location_pings_p\d{8}$/.test(name)) throw new Error(`not a ping partition: ${name}`);
  const table = sql.raw(`"${name}"`);
  const t0 = performance.now();
  let detach = "concurrently";
  try {
    await db.execute(sql`ALTER TABLE location_pings DETACH PARTITION ${table} CONCURRENTLY`);
  } catch (err) {
    const why = errorText(err);
    if (/is not a partition of relation/i.test(why)) {
      detach = "already detached";
    } else if (/cannot run inside a transaction block/i.test(why)) {
      detach = "by the drop (in a transaction)";
    } else {
      throw err;
    }
  }
  const t1 = performance.now();
  await db.execute(sql`DROP TABLE IF EXISTS ${table}`);
  const t2 = performance.now();
  return { detach_ms: Math.round(t1 - t0), drop_ms: Math.round(t2 - t1), detach };
}

/** The message of a driver error, with its cause's (drizzle wraps PostgreSQL's error: "Failed query: …", cause). */
const errorText = (err: unknown): string => {
  const e = err as { message?: unknown; cause?: { message?: unknown } };
  return `${String(e?.message ?? err)} ${String(e?.cause?.message ?? "")}`;
};
