import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { AlertJson } from "@/contracts/alerts";
import { queryRows, type Db } from "../db/client";

const COLUMNS = sql`a.id, a.kind, a.severity, a.personnel_id, p.name AS personnel_name, a.visit_id, a.message, a.raised_at, a.acknowledged_at, ab.name AS acknowledged_by_name`;

export function toAlert(x: Record<string, unknown>): AlertJson {
  const iso = (v: unknown) => (v == null ? null : (v instanceof Date ? v : new Date(String(v))).toISOString());
  return {
    id: Number(x.id),
    kind: x.kind as AlertJson["kind"],
    severity: x.severity as AlertJson["severity"],
    personnel_id: Number(x.personnel_id),
    personnel_name: String(x.personnel_name),
    visit_id: x.visit_id == null ? null : Number(x.visit_id),
    message: String(x.message),
    raised_at: iso(x.raised_at)!,
    acknowledged_at: iso(x.acknowledged_at),
    acknowledged_by_name: x.acknowledged_by_name == null ? null : String(x.acknowledged_by_name),
  };
}

/** The alerts panel: unacknowledged alerts about the team's reps from the last week, newest first. */
export async function openAlerts(db: Db, team: SQL, now: Date, limit = 50): Promise<AlertJson[]> {
  const rows = await queryRows(
    db,
    sql`SELECT ${COLUMNS} FROM alerts a JOIN personnel p ON p.id = a.personnel_id LEFT JOIN personnel ab ON ab.id = a.acknowledged_by
        WHERE a.acknowledged_at IS NULL AND a.personnel_id IN (${team})
          AND a.raised_at >= ${now.toISOString()}::timestamptz - interval '7 days'
        ORDER BY a.raised_at DESC, a.id DESC LIMIT ${limit}`,
  );
  return rows.map(toAlert);
}

/**
 * A past day's alerts panel: every alert about the team's reps raised in [start, end) (the org-local day), open or
 * acknowledged since, with who acknowledged it and when, newest first. Reads idx_alerts_personnel_raised.
 */
export async function alertsRaisedBetween(db: Db, team: SQL, start: Date, end: Date, limit = 100): Promise<AlertJson[]> {
  const rows = await queryRows(
    db,
    sql`SELECT ${COLUMNS} FROM alerts a JOIN personnel p ON p.id = a.personnel_id LEFT JOIN personnel ab ON ab.id = a.acknowledged_by
        WHERE a.personnel_id IN (${team})
          AND a.raised_at >= ${start.toISOString()}::timestamptz AND a.raised_at < ${end.toISOString()}::timestamptz
        ORDER BY a.raised_at DESC, a.id DESC LIMIT ${limit}`,
  );
  return rows.map(toAlert);
}

export async function loadAlert(db: Db, id: number): Promise<AlertJson | null> {
  const [row] = await queryRows(db, sql`SELECT ${COLUMNS} FROM alerts a JOIN personnel p ON p.id = a.personnel_id LEFT JOIN personnel ab ON ab.id = a.acknowledged_by WHERE a.id = ${id}`);
  return row ? toAlert(row) : null;
}
