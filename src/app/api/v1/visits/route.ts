import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { queryParams } from "@/server/locations/locations.schemas";
import { listVisits } from "@/server/visits/visits.queries";
import { listVisitsQuery } from "@/server/visits/visits.schemas";

export const GET = apiRoute("visits.read", async ({ req, ctx }) => NextResponse.json(await listVisits(ctx, parseInput(listVisitsQuery, queryParams(req)))));
