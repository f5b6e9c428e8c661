import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { optimizeRouteRequest } from "@/server/routing/optimize-route";
import { optimizeRouteRequest as body } from "@/contracts/routing";

/** POST /api/v1/routes/optimize: the order, times and km of a day's stops (computes only, writes nothing). */
export const POST = apiRoute("routes.read", async ({ req, ctx }) => NextResponse.json(await optimizeRouteRequest(ctx, await readJson(req, body))));
