import type { ApiOperation } from "../http/openapi-types";
import { MAX_PINGS_PER_BATCH, recordPingsResultSchema, recordPingsSchema, trailQuerySchema, trailSchema } from "@/contracts/tracking";

/** The tracking routes, for the generated OpenAPI document. */
export const trackingOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/tracking/pings",
    summary: "Send a batch of breadcrumbs (GPS fixes) for the signed-in rep",
    description:
      `At most ${MAX_PINGS_PER_BATCH} pings per request (more → 413 BATCH_TOO_LARGE, nothing written). Each ping is judged on its own and ` +
      "answered in the body with **200** whenever the batch is well formed (partial success, like a 207): a fix is stored only if " +
      "taken during the rep's OPEN day (the organisation-local date of `captured_at`) inside work hours, not before the day started, " +
      "not more than 2 minutes in the future and not older than 7 days; others are listed in `rejected` with a reason and dropped. " +
      "A `client_id` already stored (or repeated in the batch) counts in `duplicates`: replays are safe. One transaction per request; " +
      "the day's `total_travel_km` and gaps are recomputed, and one `tracking.pings` event carries the newest position. " +
      "Optional `gaps` tell the server why the app had no fix (hidden, offline, permission_denied, no_fix); gaps over 5 minutes are recorded with that cause or `unknown`.",
    tag: "tracking",
    permission: "tracking.write",
    body: recordPingsSchema,
    responses: {
      200: { description: "Per-ping verdict", schema: recordPingsResultSchema },
      400: { description: "VALIDATION_FAILED (error.field names the first bad field, e.g. pings.3.lat) or INVALID_JSON" },
      401: { description: "No valid credential" },
      403: { description: "The role or a read-only API key lacks tracking.write" },
      413: { description: "BATCH_TOO_LARGE (more than 500 pings) or PAYLOAD_TOO_LARGE" },
      415: { description: "The body is not application/json" },
    },
  },
  {
    method: "get",
    path: "/api/v1/tracking/trail",
    summary: "One person's day on the map: every fix (kept or dropped by the travel filter), travel figures and gaps",
    description:
      "`personnel_id` defaults to the caller, `date` (YYYY-MM-DD, organisation time zone) to today. Scoped: a rep sees their own, a manager " +
      "their reporting subtree, an admin everyone; anyone else's trail answers 404. Viewing someone else's trail is audit-logged (`trail.viewed`).",
    tag: "tracking",
    permission: "tracking.read",
    query: trailQuerySchema,
    responses: {
      200: { description: "The trail", schema: trailSchema },
      400: { description: "VALIDATION_FAILED (bad date or personnel_id, unknown parameter)" },
      401: { description: "No valid credential" },
      403: { description: "The role lacks tracking.read" },
      404: { description: "No such person, or not in the caller's scope" },
    },
  },
];
