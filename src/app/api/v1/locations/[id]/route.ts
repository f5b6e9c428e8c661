import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { getLocationOrThrow } from "@/server/locations/customers.queries";
import { updateLocation } from "@/server/locations/update-location";
import { personIdParam } from "@/server/personnel/route-params";
import { updateLocationInput } from "@/contracts/locations";

type Params = { id: string };

/** GET /api/v1/locations/{id}: one customer (active or not). */
export const GET = apiRoute<Params>("locations.read", async ({ ctx, params }) => NextResponse.json(await getLocationOrThrow(ctx, personIdParam(params.id))));

/** PATCH /api/v1/locations/{id}: any field; `active: false` deactivates (never a hard delete). */
export const PATCH = apiRoute<Params>("locations.manage", async ({ req, ctx, params }) => {
  const id = personIdParam(params.id);
  return NextResponse.json(await updateLocation(ctx, id, await readJson(req, updateLocationInput)));
});
