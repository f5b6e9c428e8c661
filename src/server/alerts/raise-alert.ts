import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";
import { emitEvent } from "../realtime/outbox";

export type AlertKind = "late_check_in" | "missing_check_out" | "risky_visit" | "not_tracked";

export type AlertCandidate = {
  kind: AlertKind;
  severity: "warning" | "critical";
  personnelId: number;
  visitId?: number | null;
  plannedVisitId?: number | null;
  message: string;
  details?: Record<string, unknown>;
  /** One alert per situation: the same key never raises twice (however many checks or instances). */
  dedupeKey: string;
};

/**
 * Raises the candidates that are new, each with its `alert.raised` outbox event, in one transaction.
 * Concurrent checks (two instances, the minute job and an event) cannot double-raise: the dedupe key is unique.
 */
export async function raiseAlerts(db: Db, candidates: AlertCandidate[], now: Date): Promise<number> {
  if (candidates.length === 0) return 0;
  return db.transaction(async (tx) => {
    let raised = 0;
    for (const c of candidates) {
      const [row] = await queryRows<{ id: number }>(
        tx,
        sql`INSERT INTO alerts (kind, severity, personnel_id, visit_id, planned_visit_id, message, details, dedupe_key, raised_at)
            VALUES (${c.kind}, ${c.severity}, ${c.personnelId}, ${c.visitId ?? null}, ${c.plannedVisitId ?? null}, ${c.message},
                    ${JSON.stringify(c.details ?? {})}::jsonb, ${c.dedupeKey}, ${now.toISOString()}::timestamptz)
            ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
      );
      if (!row) continue;
      raised++;
      await emitEvent(tx, {
        type: "alert.raised",
        personnelId: c.personnelId,
        visitId: c.visitId ?? null,
        payload: { alert_id: Number(row.id), kind: c.kind, severity: c.severity, message: c.message, planned_visit_id: c.plannedVisitId ?? null, raised_at: now.toISOString() },
      });
    }
    return raised;
  });
}
