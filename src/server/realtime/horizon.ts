import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { toLiveEvent, type LiveEvent } from "./live-event";

/**
 * A place in the outbox's delivery order: (xid of the writing transaction, id). Outbox ids come from a sequence
 * when the row is inserted, so concurrent transactions commit out of id order: the id a client last saw is no
 * high-water mark. Instead only events **below the commit horizon** are delivered — written by a transaction with
 * an xid below `pg_snapshot_xmin(pg_current_snapshot())`, i.e. one that has finished, with every older one — in
 * (xid, id) order. A row that becomes deliverable later always sorts after every row delivered before it, so "after
 * this key" is a true resume point (docs/decisions/0014-events-commit-horizon.md).
 */
export type OutboxKey = { xid: bigint; id: number };

export const START_KEY: OutboxKey = { xid: 0n, id: 0 };

export function afterKey(a: OutboxKey, b: OutboxKey): boolean {
  return a.xid > b.xid || (a.xid === b.xid && a.id > b.id);
}

const HORIZON = sql`(SELECT pg_snapshot_xmin(pg_current_snapshot()) AS h)`;

/** The last event below the commit horizon now (START_KEY when there is none): the position "everything so far". */
export async function positionNow(db: Db): Promise<OutboxKey> {
  const [row] = await queryRows<{ id: number | null; xid: string | null }>(
    db,
    sql`SELECT e.id, e.xid FROM ${HORIZON} h
        LEFT JOIN LATERAL (SELECT id, xid::text AS xid FROM events WHERE xid < h.h ORDER BY xid DESC, id DESC LIMIT 1) e ON true`,
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
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`SELECT EXISTS (SELECT 1 FROM events w WHERE w.xid >= h.h) AS waiting, e.*
        FROM ${HORIZON} h
        LEFT JOIN LATERAL (
          SELECT id, xid AS x8, xid::text AS xid, type, personnel_id, visit_id, location_id, payload, created_at FROM events
          WHERE (xid, id) > (${from.xid.toString()}::xid8, ${from.id}) AND xid < h.h AND ${condition}
          ORDER BY xid, id LIMIT ${limit}) e ON true
        ORDER BY e.x8, e.id`,
  );
  return {
    waiting: Boolean(rows[0]?.waiting),
    rows: rows.filter((r) => r.id != null).map((r) => ({ event: toLiveEvent(r), key: { xid: BigInt(String(r.xid)), id: Number(r.id) } })),
  };
}
