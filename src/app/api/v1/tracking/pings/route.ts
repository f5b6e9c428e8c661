import { apiRoute, parseInput, readJsonValue } from "@/server/http/api";
import { batchTooLarge, recordPings } from "@/server/tracking/record-pings";
import { MAX_PINGS_PER_BATCH, recordPingsSchema } from "@/contracts/tracking";
import { otherMethods } from "@/server/http/api-gate";

/**
 * POST /api/v1/tracking/pings: a batch of breadcrumbs. 200 whenever the batch itself is well formed,
 * with a per-ping verdict (accepted / duplicates / rejected with reasons), like a 207 without XML.
 */
export const POST = apiRoute("tracking.write", async ({ req, ctx }) => {
  const raw = await readJsonValue(req); // checked once, by parseInput below
  // Refuse an oversize batch before validating thousands of pings one by one.
  if (typeof raw === "object" && raw !== null && "pings" in raw && Array.isArray(raw.pings) && raw.pings.length > MAX_PINGS_PER_BATCH) {
    throw batchTooLarge(raw.pings.length);
  }
  const input = parseInput(recordPingsSchema, raw);
  return Response.json(await recordPings(ctx, input));
});

// Not seen by proxy.ts (a hot path): the JSON 405 for other methods comes from here.
export const { GET, PUT, PATCH, DELETE, OPTIONS } = otherMethods("/api/v1/tracking/pings");
