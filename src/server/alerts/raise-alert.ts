import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type Db } from "../db/client";

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
 * Raises the candidates that are new, each with its `alert.raised` outbox event: ONE statement per set of candidates
 * (an INSERT … SELECT over the candidates, ON CONFLICT on the dedupe key, whose RETURNING feeds the events INSERT), so a
 * check costs the same few statements for 3 alerts or 3,000. Concurrent checks (two instances, the minute job and an
 * event) cannot double-raise: the dedupe key is unique, and only rows this statement inserted get an event.
 */
export async function raiseAlerts(db: Db, candidates: AlertCandidate[], now: Date): Promise<number> {
  if (candidates.length === 0) return 0;
  const rows = candidates.map((c) => ({
    kind: c.kind,
    severity: c.severity,
    personnel_id: c.personnelId,
    visit_id: c.visitId ?? null,
    planned_visit_id: c.plannedVisitId ?? null,
    message: c.message,
    details: c.details ?? {},
    dedupe_key: c.dedupeKey,
  }));
  const at = now.toISOString();
  const raised = await queryRows<{ id: number }>(
    db,
    sql`WITH c AS (
          SELECT e.n, e.c->>'kind' AS kind, e.c->>'severity' AS severity, (e.c->>'personnel_id')::int AS personnel_id,
                 (e.c->>'visit_id')::int AS visit_id, (e.c->>'planned_visit_id')::int AS planned_visit_id,
                 e.c->>'message' AS message, e.c->'details' AS details, e.c->>'dedupe_key' AS dedupe_key
          FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) WITH ORDINALITY AS e(c, n)
        ), ins AS (
          INSERT INTO alerts (kind, severity, personnel_id, visit_id, planned_visit_id, message, details, dedupe_key, raised_at)
          SELECT kind, severity, personnel_id, visit_id, planned_visit_id, message, details, dedupe_key, ${at}::timestamptz
          FROM c ORDER BY n
          ON CONFLICT (dedupe_key) DO NOTHING
          RETURNING id, kind, severity, personnel_id, visit_id, planned_visit_id, message
        )
        INSERT INTO events (type, personnel_id, visit_id, payload)
        SELECT 'alert.raised', personnel_id, visit_id,
               jsonb_build_object('alert_id', id, 'kind', kind, 'severity', severity, 'message', message,
                                  'planned_visit_id', planned_visit_id, 'raised_at', ${at}::text)
        FROM ins ORDER BY id
        RETURNING id`,
  );
  return raised.length;
}
