import { NextResponse } from "next/server";
import { apiRoute, parseInput, readJson } from "@/server/http/api";
import { createLocation } from "@/server/locations/create-location";
import { listLocations } from "@/server/locations/customers.queries";
import { searchParamsObject } from "@/server/personnel/route-params";
import { createLocationInput, listLocationsQuery } from "@/contracts/locations";

/** GET /api/v1/locations: the customers, every signed-in role (search, filters, keyset pages). */
export const GET = apiRoute("locations.read", async ({ req, ctx }) => NextResponse.json(await listLocations(ctx, parseInput(listLocationsQuery, searchParamsObject(req)))));

/** POST /api/v1/locations: 201 with the new customer; a client_id replay answers 200 with the same one. */
export const POST = apiRoute("locations.manage", async ({ req, ctx }) => {
  const r = await createLocation(ctx, await readJson(req, createLocationInput));
  return NextResponse.json(r.location, { status: r.created ? 201 : 200 });
});
