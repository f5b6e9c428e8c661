import { apiRoute, readJson } from "@/server/http/api";
import { checkIn } from "@/server/visits/check-in";
import { checkInInput } from "@/contracts/visits";
import { otherMethods } from "@/server/http/api-gate";

/** 201 with { visit, validation }; a replay of the same client_id answers the same body with 200. */
export const POST = apiRoute("visits.write", async ({ req, ctx }) => {
  const { body, created } = await checkIn(ctx, await readJson(req, checkInInput));
  return Response.json(body, { status: created ? 201 : 200 });
});

// Not seen by proxy.ts (a hot path): the JSON 405 for other methods comes from here.
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("/api/v1/visits/check-in");
