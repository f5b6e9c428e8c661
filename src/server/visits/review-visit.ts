import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, visiblePersonnelIds } from "../auth/scope";
import { recordAudit } from "../audit/record-audit";
import { queryRows } from "../db/client";
import { locationValidations } from "../db/schema";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import type { ReviewVisitInput, VisitReview } from "@/contracts/visit-review";

/**
 * A manager's (or admin's) manual approve/reject of a visit's evidence, with a comment: a MANUAL location_validations
 * row, `visits.validated` set to the decision (the reviewer has the last word; the GPS verdict stays in
 * validation_status), an audit row and a `visit.reviewed` event, in one transaction. Visits outside the reviewer's
 * subtree answer 404; one's own visit cannot be reviewed (403). Idempotent on client_id.
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
