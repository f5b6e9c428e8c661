import { NextResponse } from "next/server";
import { teamSummaryQuery } from "@/contracts/dashboard";
import { getTeamSummary } from "@/server/dashboard/team-summary";
import { apiRoute, parseInput } from "@/server/http/api";

/** GET /api/v1/dashboard/team-summary?manager_id&from&to: the Team now page's figures (same query layer). */
export const GET = apiRoute("team.read", async ({ req, ctx }) => {
  const q = parseInput(teamSummaryQuery, Object.fromEntries(new URL(req.url).searchParams));
  return NextResponse.json(await getTeamSummary(ctx, q));
});
