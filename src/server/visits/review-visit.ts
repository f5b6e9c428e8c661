import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, visiblePersonnelIds } from "../auth/scope";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { locationValidations } from "../db/schema";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import type { ReviewVisitInput, VisitReview } from "@/contracts/visit-review";

/**
 * A manager's (or admin's) manual approve/reject of a visit's evidence, with a comment: a MANUAL location_validations
 * row, `visits.validated` set to the decision (the reviewer has the last word; the GPS verdict stays in
 * validation_status), an audit row and a `visit.reviewed` event, in one transaction. Visits outside the reviewer's
 * subtree answer 404; one's own visit cannot be reviewed (403). Idempotent on client_id. The review answers the
 * visit's open `risky_visit` alert: it is acknowledged by the reviewer in the same transaction (audited, pushed live).
 */
export async function reviewVisit(ctx: Ctx, input: ReviewVisitInput): Promise<VisitReview> {
  requirePermission(ctx.actor, "validations.review");
  const { result } = await idempotent(ctx, { scope: "visits.review", clientId: input.client_id, request: input }, async (tx) => {
    const [visit] = await queryRows<{ id: number; personnel_id: number; location_id: number }>(
      tx,
      sql`SELECT id, personnel_id, location_id FROM visits
          WHERE id = ${input.visit_id} AND check_in_time IS NOT NULL AND personnel_id IN (${visiblePersonnelIds(ctx.actor)}) FOR UPDATE`,
    );
    if (!visit) throw notFound("Visit");
    if (Number(visit.personnel_id) === ctx.actor.id) throw new AppError("SELF_REVIEW", "You cannot review your own visit.");
    const approved = input.decision === "APPROVED";
    const details = { decision: input.decision, comment: input.comment, reviewer_id: ctx.actor.id, reviewer_name: ctx.actor.name, client_id: input.client_id };
    const [row] = await tx
      .insert(locationValidations)
      .values({ visitId: visit.id, validationType: "MANUAL", isValid: approved, validationDetails: details, validatedAt: ctx.now })
      .returning({ id: locationValidations.id });
    await tx.execute(sql`UPDATE visits SET validated = ${approved}, updated_at = ${ctx.now.toISOString()}::timestamptz WHERE id = ${visit.id}`);
    await recordAudit(tx, {
      action: "visit.reviewed",
      actor: ctx.actor,
      subjectType: "visit",
      subjectId: visit.id,
      targetPersonnelId: Number(visit.personnel_id),
      details: { decision: input.decision, comment: input.comment },
      at: ctx.now,
    });
    await resolveReviewAlerts(tx, ctx, { id: visit.id, personnel_id: Number(visit.personnel_id) }, input.decision);
    await emitEvent(tx, { type: "visit.reviewed", personnelId: Number(visit.personnel_id), visitId: visit.id, locationId: Number(visit.location_id), payload: { decision: input.decision, reviewer_id: ctx.actor.id } });
    return {
      id: row!.id,
      visit_id: visit.id,
      decision: input.decision,
      comment: input.comment,
      reviewer_id: ctx.actor.id,
      reviewer_name: ctx.actor.name,
      reviewed_at: ctx.now.toISOString(),
    } satisfies VisitReview;
  });
  return result;
}

/** The visit's unacknowledged review alerts (risky_visit) are answered by the review: acknowledged, audited, pushed live. */
async function resolveReviewAlerts(tx: Db, ctx: Ctx, visit: { id: number; personnel_id: number }, decision: string) {
  const rows = await queryRows<{ id: number; kind: string; message: string }>(
    tx,
    sql`UPDATE alerts SET acknowledged_at = ${ctx.now.toISOString()}::timestamptz, acknowledged_by = ${ctx.actor.id}
        WHERE visit_id = ${visit.id} AND kind = 'risky_visit' AND acknowledged_at IS NULL RETURNING id, kind, message`,
  );
  for (const a of rows) {
    const alertId = Number(a.id);
    await recordAudit(tx, { action: "alert.acknowledged", actor: ctx.actor, subjectType: "alert", subjectId: alertId, targetPersonnelId: visit.personnel_id, details: { kind: a.kind, message: a.message, by_review: decision }, at: ctx.now });
    await emitEvent(tx, { type: "alert.acknowledged", personnelId: visit.personnel_id, visitId: visit.id, payload: { alert_id: alertId, kind: a.kind, by: ctx.actor.id, by_name: ctx.actor.name } });
  }
}
