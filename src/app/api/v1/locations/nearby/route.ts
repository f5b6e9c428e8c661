import { NextResponse } from "next/server";
import { apiRoute, parseInput } from "@/server/http/api";
import { findNearby } from "@/server/locations/find-nearby";
import { nearbyQuery, queryParams } from "@/contracts/locations";

export const GET = apiRoute("locations.read", async ({ req, ctx }) => NextResponse.json(await findNearby(ctx, parseInput(nearbyQuery, queryParams(req)))));
