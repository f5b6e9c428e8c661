import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { optimizeDayPlan } from "@/server/plans/optimize-day-plan";
import { optimizePlanRequest, planDateParams } from "@/contracts/plans";

/** POST /api/v1/plans/{personnel_id}/{date}/optimize: reorders the day's pending stops; answers km before and after. */
export const POST = apiRoute<{ personnel_id: string; date: string }>("plans.write", async ({ req, ctx, params }) => {
  const p = parseInput(planDateParams, params);
  return NextResponse.json(await optimizeDayPlan(ctx, p.personnel_id, p.date, await readJson(req, optimizePlanRequest)));
});
