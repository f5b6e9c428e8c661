import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { toLiveEvent, type LiveEvent } from "./live-event";

/**
 * A place in the outbox's delivery order: (xid of the writing transaction, id). Outbox ids come from a sequence
 * when the row is inserted, so concurrent transactions commit out of id order: the id a client last saw is no
 * high-water mark. Instead only events **below this database's commit horizon** are delivered — written by a
 * transaction with an xid below the oldest one that may still write here, i.e. one that has finished, with every
 * older one of this database — in (xid, id) order. A row that becomes deliverable later always sorts after every row
 * delivered before it, so "after this key" is a true resume point (docs/decisions/0014-events-commit-horizon.md).
 */
export type OutboxKey = { xid: bigint; id: number };

export const START_KEY: OutboxKey = { xid: 0n, id: 0 };

export function afterKey(a: OutboxKey, b: OutboxKey): boolean {
  return a.xid > b.xid || (a.xid === b.xid && a.id > b.id);
}

const XID_SPAN = 1n << 32n;

/** The 64-bit xid of a 32-bit one, taken nearest to `near` (a full xid of the same moment: within 2^31 of it). */
export function fullXid(xid32: bigint, near: bigint): bigint {
  const d = (((xid32 - (near % XID_SPAN)) % XID_SPAN) + XID_SPAN + XID_SPAN / 2n) % XID_SPAN - XID_SPAN / 2n;
  return near + d;
}

/**
 * The commit horizon of THIS database, as an SQL subquery yielding one xid8 `h`: every events row with `xid < h` is
 * final (its transaction has committed, visibly to the reading statement, or aborted) and no row below it can appear
 * later. `pg_snapshot_xmin(pg_current_snapshot())` alone is cluster-wide (xids are): a long writing transaction in
 * ANOTHER database of the same cluster (another app, a migration, a report job, a test run) would hold live delivery
 * back for its whole length although it can never write this outbox. So, in two steps (two statements, in this order):
 *   1. `bound` = the xmax of a snapshot taken first (every xid below it had been assigned by then), and then the xids of
 *      the transactions running in this database (pg_stat_activity.backend_xid, readable by any role; prepared
 *      transactions of this database too);
 *   2. in the reading statement, with its own later snapshot `s`:
 *      h = least(greatest(bound, xmin(s)), the oldest xid of step 1 still running in s).
 * Why it is safe: an events row's xid belongs to a transaction of this database. If it is below xmin(s) it has finished
 * before s. If it is below `bound` it was assigned before step 1; if it is still running in s it was running when step 1
 * listed this database's transactions, so h is at most it. Either way a row below h is final for s. h is never below the
 * cluster-wide xmin(s): the listed xids still running in s are at or above it.
 */
export async function horizonOf(db: Db): Promise<SQL> {
  const [probe] = await queryRows<{ bound: string; xids: string[] | string | null }>(
    db,
    sql`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS bound,
          (SELECT array_agg(x::text) FROM (
             SELECT backend_xid AS x FROM pg_stat_activity
             WHERE backend_xid IS NOT NULL AND datid = (SELECT oid FROM pg_database WHERE datname = current_database())
             UNION ALL SELECT transaction FROM pg_prepared_xacts WHERE database = current_database()) running) AS xids`,
  );
  const bound = BigInt(probe!.bound);
  const raw = probe!.xids;
  const list = raw == null ? [] : Array.isArray(raw) ? raw : String(raw).replace(/[{}]/g, "").split(",").filter(Boolean);
  const running = `{${list.map((x) => fullXid(BigInt(x), bound).toString()).join(",")}}`;
  return sql`(SELECT LEAST(GREATEST(${bound.toString()}::xid8, pg_snapshot_xmin(c.s)),
               (SELECT x FROM unnest(${running}::xid8[]) x WHERE NOT pg_visible_in_snapshot(x, c.s) ORDER BY x LIMIT 1)) AS h
              FROM (SELECT pg_current_snapshot() AS s) c)`;
}

/**
 * The last event below the commit horizon now (START_KEY when there is none): the position "everything so far".
 * `events.xid`, qualified: a bare `xid` in ORDER BY names the output column `xid::text AS xid`, and text order puts
 * xid 998 after 7820 — once the outbox held xids of different lengths the hub started before events it had delivered,
 * re-read them and skipped back, over and over (a busy loop on the bench database).
 */
export async function positionNow(db: Db): Promise<OutboxKey> {
  const horizon = await horizonOf(db);
  const [row] = await queryRows<{ id: number | null; xid: string | null }>(
    db,
    sql`SELECT e.id, e.xid FROM ${horizon} h
        LEFT JOIN LATERAL (SELECT id, xid::text AS xid FROM events WHERE events.xid < h.h ORDER BY events.xid DESC, id DESC LIMIT 1) e ON true`,
  );
  return row?.id == null ? START_KEY : { xid: BigInt(row.xid!), id: Number(row.id) };
}

/** The key of an outbox id (a client's Last-Event-ID), or null when the row is not there (pruned, or never was). */
export async function keyOfId(db: Db, id: number): Promise<OutboxKey | null> {
  if (id === 0) return START_KEY;
  const [row] = await queryRows<{ xid: string }>(db, sql`SELECT xid::text AS xid FROM events WHERE id = ${id}`);
  return row ? { xid: BigInt(row.xid), id } : null;
}

export type HorizonBatch = {
  rows: { event: LiveEvent; key: OutboxKey }[];
  /** Committed events exist above the horizon (an older transaction is still open): look again shortly. */
  waiting: boolean;
};

/** Up to `limit` deliverable events after `from`, in delivery order, optionally filtered (a viewer's scope). */
export async function readAfter(db: Db, from: OutboxKey, limit: number, condition: SQL = sql`TRUE`): Promise<HorizonBatch> {
  const horizon = await horizonOf(db);
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM events w WHERE w.xid >= h.h) AS waiting, e.*
        FROM ${horizon} h
        LEFT JOIN LATERAL (
          SELECT id, xid AS x8, xid::text AS xid, type, personnel_id, visit_id, location_id, payload, created_at FROM events
          WHERE (events.xid, id) > (${from.xid.toString()}::xid8, ${from.id}) AND events.xid < h.h AND ${condition}
          ORDER BY events.xid, id LIMIT ${limit}) e ON true
        ORDER BY e.x8, e.id`,
  );
  return {
    waiting: Boolean(rows[0]?.waiting),
    rows: rows.filter((r) => r.id != null).map((r) => ({ event: toLiveEvent(r), key: { xid: BigInt(String(r.xid)), id: Number(r.id) } })),
  };
}
