import type { ApiOperation } from "../http/openapi-types";
import { todayPlanQuery, todayPlanResponse } from "@/contracts/plans";

/** The planned-route routes, for the generated OpenAPI document. */
export const plansOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/plans/today",
    summary: "Today's planned stops (organisation time zone) in route order, with location, fence, status and linked visit",
    description:
      "Default the caller's own plan; a manager may ask for a rep of their subtree (personnel_id), an admin for anyone. " +
      "A check-in at a location on the rep's plan for that day links to the first open stop there by itself.",
    tag: "plans",
    permission: "visits.read",
    query: todayPlanQuery,
    responses: {
      200: { description: "The plan (stops may be empty)", schema: todayPlanResponse },
      400: { description: "VALIDATION_FAILED" },
      401: { description: "No valid credential" },
      404: { description: "The person is not in the caller's scope (or does not exist)" },
    },
  },
];
