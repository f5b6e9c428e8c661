import "server-only";
import type { Ctx } from "../auth/actor";
import type { TodayPlanQuery, TodayPlanResponse } from "@/contracts/plans";
import { getDayPlan, orgDay } from "./day-plan";

/**
 * A rep's planned stops for the organisation's today, in route order, with each stop's location (coordinates and
 * fence, so the PWA can measure distances offline) and the visit linked to it. Default: the caller's own plan;
 * a manager may read their subtree's, an admin anyone's (out of scope answers 404). The special case of
 * GET /plans/{personnel_id}/{date} (day-plan.ts).
 */
export async function getTodayPlan(ctx: Ctx, input: TodayPlanQuery): Promise<TodayPlanResponse> {
  const { today } = await orgDay(ctx.db, ctx.now);
  return getDayPlan(ctx, input.personnel_id ?? ctx.actor.id, today);
}
