import { NextResponse } from "next/server";
import { apiRoute, readJson } from "@/server/http/api";
import { validateLocationInput } from "@/contracts/locations";
import { validateLocation } from "@/server/locations/validate-location";

/** Read-only: answers the verdict a check-in here would get, writes nothing. */
export const POST = apiRoute("locations.read", async ({ req, ctx }) => NextResponse.json(await validateLocation(ctx, await readJson(req, validateLocationInput))));
