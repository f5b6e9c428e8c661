import { apiRoute, readJson } from "@/server/http/api";
import { checkOut } from "@/server/visits/check-out";
import { checkOutInput } from "@/contracts/visits";
import { otherMethods } from "@/server/http/api-gate";

export const POST = apiRoute("visits.write", async ({ req, ctx }) => Response.json(await checkOut(ctx, await readJson(req, checkOutInput))));

// Not seen by proxy.ts (a hot path): the JSON 405 for other methods comes from here.
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("/api/v1/visits/check-out");
