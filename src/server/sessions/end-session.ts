import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { queryRows } from "../db/client";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import { recomputeSessionTravel } from "../tracking/compute-travel";
import { decodeStoredBody, requireAcceptableCaptureTime } from "../visits/plausibility";
import { findOpenVisitId } from "../visits/visits.queries";
import { findOpenSessionForUpdate, loadSessionById } from "./sessions.queries";
import type { EndSessionInput, SessionResponse } from "@/contracts/sessions";

/**
 * "End day": closes the actor's open session (the latest one, even if it began before midnight), after
 * recomputing its travel distance from the day's pings. An open visit must be checked out first (409).
 */
export async function endSession(ctx: Ctx, input: EndSessionInput): Promise<SessionResponse> {
  requirePermission(ctx.actor, "sessions.write");
  const { result } = await idempotent(ctx, { scope: "sessions.end", clientId: input.client_id, request: input }, async (tx) => {
    const at = input.captured_at ? requireAcceptableCaptureTime(input.captured_at, ctx.now) : ctx.now;
    const open = await findOpenSessionForUpdate(tx, ctx.actor.id);
    if (!open) throw new AppError("NO_OPEN_SESSION", "There is no open day to end.");
    const openVisitId = await findOpenVisitId(tx, ctx.actor.id);
    if (openVisitId !== null) {
      throw new AppError("VISIT_STILL_OPEN", `Visit ${openVisitId} is still open: check out first.`, { details: { open_visit_id: openVisitId } });
    }
    const [updated] = await queryRows<{ id: number }>(
      tx,
      sql`UPDATE daily_sessions SET status = 'CLOSED', logout_time = ${at.toISOString()}::timestamptz, end_client_id = ${input.client_id}::uuid, updated_at = now()
          WHERE id = ${open.id} AND (login_time IS NULL OR login_time <= ${at.toISOString()}::timestamptz) RETURNING id`,
    );
    if (!updated) throw new AppError("VALIDATION_FAILED", "captured_at: the day cannot end before it started.", { field: "captured_at" });
    const { total_travel_km } = await recomputeSessionTravel(tx, open.id);
    const session = await loadSessionById(tx, open.id);
    await emitEvent(tx, {
      type: "session.ended",
      personnelId: ctx.actor.id,
      payload: { session_id: open.id, session_date: open.session_date, total_visits: session?.total_visits ?? 0, total_travel_km },
    });
    return JSON.stringify({ session });
  });
  return decodeStoredBody<SessionResponse>(result);
}
