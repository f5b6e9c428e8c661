import "server-only";
import { sql } from "drizzle-orm";
import type { AcknowledgeAlertInput, AlertJson } from "@/contracts/alerts";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, requirePersonnelInScope } from "../auth/scope";
import { recordAudit } from "../audit/record-audit";
import { queryRows } from "../db/client";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import { loadAlert } from "./alerts.queries";

/**
 * A manager (of the rep's subtree) or an admin acknowledges an alert: stamped once (a second acknowledgement
 * changes nothing), audit-logged as `alert.acknowledged` and pushed live as an `alert.acknowledged` event.
 */
export async function acknowledgeAlert(ctx: Ctx, input: AcknowledgeAlertInput): Promise<AlertJson> {
  requirePermission(ctx.actor, "alerts.manage");
  const existing = await loadAlert(ctx.db, input.alert_id);
  if (!existing) throw notFound("Alert");
  await requirePersonnelInScope(ctx, existing.personnel_id, "Alert");
  const { result } = await idempotent(ctx, { scope: "alerts.acknowledge", clientId: input.client_id, request: input }, async (tx) => {
    const [row] = await queryRows<{ id: number }>(
      tx,
      sql`UPDATE alerts SET acknowledged_at = ${ctx.now.toISOString()}::timestamptz, acknowledged_by = ${ctx.actor.id}
          WHERE id = ${input.alert_id} AND acknowledged_at IS NULL RETURNING id`,
    );
    if (row) {
      await recordAudit(tx, {
        action: "alert.acknowledged",
        actor: ctx.actor,
        subjectType: "alert",
        subjectId: input.alert_id,
        targetPersonnelId: existing.personnel_id,
        details: { kind: existing.kind, message: existing.message },
        at: ctx.now,
      });
      await emitEvent(tx, {
        type: "alert.acknowledged",
        personnelId: existing.personnel_id,
        visitId: existing.visit_id,
        payload: { alert_id: input.alert_id, kind: existing.kind, by: ctx.actor.id, by_name: ctx.actor.name },
      });
    }
    return (await loadAlert(tx, input.alert_id))!;
  });
  return result;
}
