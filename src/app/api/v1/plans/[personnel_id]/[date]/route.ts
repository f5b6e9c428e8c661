import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { getDayPlan, putDayPlan } from "@/server/plans/day-plan";
import { planDateParams, putPlanRequest } from "@/contracts/plans";

type P = { personnel_id: string; date: string };

/** GET /api/v1/plans/{personnel_id}/{date}: the same answer as plans/today, for any date. */
export const GET = apiRoute<P>("visits.read", async ({ ctx, params }) => {
  const p = parseInput(planDateParams, params);
  return NextResponse.json(await getDayPlan(ctx, p.personnel_id, p.date));
});

/** PUT: replaces the day's pending stops in the given order (visited stops stay). */
export const PUT = apiRoute<P>("plans.write", async ({ req, ctx, params }) => {
  const p = parseInput(planDateParams, params);
  return NextResponse.json(await putDayPlan(ctx, p.personnel_id, p.date, await readJson(req, putPlanRequest)));
});
