import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { queryParams } from "@/contracts/locations";
import { listVisits } from "@/server/visits/visits.queries";
import { listVisitsQuery } from "@/contracts/visits";

export const GET = apiRoute("visits.read", async ({ req, ctx }) => NextResponse.json(await listVisits(ctx, parseInput(listVisitsQuery, queryParams(req)))));
