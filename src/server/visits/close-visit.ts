import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { notFound, visiblePersonnelIds } from "../auth/scope";
import { recordAudit } from "../audit/record-audit";
import { queryRows, type Db } from "../db/client";
import { AppError } from "../errors";
import { idempotent } from "../idempotency";
import { emitEvent } from "../realtime/outbox";
import { loadVisitJson } from "./visits.queries";
import { CLOSED_BY_MANAGER, type CloseVisitInput, type CloseVisitResult } from "@/contracts/visit-close";

/**
 * Checks a visit out on the rep's behalf: its check-out time is `at` (never before the check-in), no exit fix,
 * `flag` added to its flags, and a `visit.checked_out` event (payload `closed_by`) so the live map and the rep's
 * phone see it. The caller has locked the row and knows it is open. Shared by a manager's close and the end-of-day job.
 */
export async function writeVisitClosed(tx: Db, v: { id: number; personnel_id: number; location_id: number }, o: { at: Date; now: Date; flag: string; clientId: string | null; closedBy: number | null }) {
  const [row] = await queryRows<{ duration_minutes: number; flags: string[] }>(
    tx,
    sql`UPDATE visits SET
          check_out_time = greatest(check_in_time, ${o.at.toISOString()}::timestamptz),
          check_out_client_id = ${o.clientId}::uuid,
          check_out_received_at = ${o.now.toISOString()}::timestamptz,
          duration_minutes = round(extract(epoch FROM greatest(check_in_time, ${o.at.toISOString()}::timestamptz) - check_in_time) / 60)::int,
          flags = ARRAY(SELECT DISTINCT f FROM unnest(flags || ARRAY[${o.flag}::text]) f ORDER BY f),
          updated_at = ${o.now.toISOString()}::timestamptz
        WHERE id = ${v.id} RETURNING duration_minutes, flags`,
  );
  await emitEvent(tx, {
    type: "visit.checked_out",
    personnelId: v.personnel_id,
    visitId: v.id,
    locationId: v.location_id,
    payload: { closed_by: o.closedBy, flag: o.flag, flags: row?.flags ?? [o.flag], duration_minutes: row?.duration_minutes ?? null, outcome: null },
  });
}

/**
 * A manager (of the rep's subtree) or an admin closes a visit the rep forgot to check out of, so the rep can check
 * in again and end the day. Flagged CLOSED_BY_MANAGER, audit-logged `visit.closed_by_manager` with the reason, in one
 * transaction. Out of scope: 404; already checked out: 409 VISIT_ALREADY_CLOSED. Idempotent on client_id.
 */
export async function closeVisit(ctx: Ctx, input: CloseVisitInput): Promise<CloseVisitResult> {
  requirePermission(ctx.actor, "visits.close");
  const visitId = Number(input.visit_id);
  const { result } = await idempotent(
    ctx,
    { scope: "visits.close", clientId: input.client_id, request: { visit_id: visitId, reason: input.reason } },
    async (tx) => {
      const [visit] = await queryRows<{ id: number; personnel_id: number; location_id: number; closed: boolean }>(
        tx,
        sql`SELECT id, personnel_id, location_id, check_out_time IS NOT NULL AS closed FROM visits
            WHERE id = ${visitId} AND check_in_time IS NOT NULL AND personnel_id IN (${visiblePersonnelIds(ctx.actor)}) FOR UPDATE`,
      );
      if (!visit) throw notFound("Visit");
      if (visit.closed) throw new AppError("VISIT_ALREADY_CLOSED", `Visit ${visitId} is already checked out.`, { field: "visit_id" });
      const v = { id: Number(visit.id), personnel_id: Number(visit.personnel_id), location_id: Number(visit.location_id) };
      await writeVisitClosed(tx, v, { at: ctx.now, now: ctx.now, flag: CLOSED_BY_MANAGER, clientId: input.client_id, closedBy: ctx.actor.id });
      await recordAudit(tx, {
        action: "visit.closed_by_manager",
        actor: ctx.actor,
        subjectType: "visit",
        subjectId: v.id,
        targetPersonnelId: v.personnel_id,
        details: { reason: input.reason },
        at: ctx.now,
      });
      return { visit: (await loadVisitJson(tx, v.id))! };
    },
  );
  return result;
}
