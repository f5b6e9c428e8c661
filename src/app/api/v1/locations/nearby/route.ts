import { apiRoute, parseInput } from "@/server/http/api";
import { findNearby } from "@/server/locations/find-nearby";
import { nearbyQuery, queryParams } from "@/contracts/locations";
import { otherMethods } from "@/server/http/api-gate";

export const GET = apiRoute("locations.read", async ({ req, ctx }) => Response.json(await findNearby(ctx, parseInput(nearbyQuery, queryParams(req)))));

// Not seen by proxy.ts (a hot path): the JSON 405 for other methods comes from here.
export const { POST, PUT, PATCH, DELETE, OPTIONS } = otherMethods("/api/v1/locations/nearby");
