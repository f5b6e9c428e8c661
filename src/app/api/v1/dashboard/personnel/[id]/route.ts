import { NextResponse } from "next/server";
import { dateRangeQuery } from "@/contracts/dashboard";
import { getPersonnelSummary } from "@/server/dashboard/personnel-summary";
import { apiRoute, parseInput } from "@/server/http/api";
import { personIdParam } from "@/server/personnel/route-params";

/** GET /api/v1/dashboard/personnel/{id}?from&to: the rep view's figures (same query layer). */
export const GET = apiRoute<{ id: string }>("team.read", async ({ req, ctx, params }) => {
  const q = parseInput(dateRangeQuery, Object.fromEntries(new URL(req.url).searchParams));
  return NextResponse.json(await getPersonnelSummary(ctx, personIdParam(params.id), q));
});
