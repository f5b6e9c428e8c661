import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { getTodayPlan } from "@/server/plans/get-today-plan";
import { queryParams } from "@/contracts/locations";
import { todayPlanQuery } from "@/contracts/plans";

export const GET = apiRoute("visits.read", async ({ req, ctx }) => NextResponse.json(await getTodayPlan(ctx, parseInput(todayPlanQuery, queryParams(req)))));
