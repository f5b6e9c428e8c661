import type { ApiOperation } from "../http/openapi-types";
import { dateRangeQuery, personnelSummarySchema, teamSummaryQuery, teamSummarySchema } from "@/contracts/dashboard";

/** The dashboard's JSON routes (the same query layer as the /manager pages), for the generated OpenAPI document. */
export const dashboardOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/dashboard/team-summary",
    summary: "Team KPIs for a range of days, each rep's state and last known position now, and the first day's planned stops",
    description:
      "`from`/`to` are organisation-local dates (inclusive, default today, at most 366 days). `manager_id` picks a reporting subtree inside the " +
      "caller's scope (default: the caller's own; admins without it: every rep); one outside it answers 404. Rep states: in_visit, travelling, idle, " +
      "not_tracked (no fix for longer than the organisation's threshold), day_ended, day_not_started.",
    tag: "dashboard",
    permission: "team.read",
    query: teamSummaryQuery,
    responses: {
      200: { description: "The summary", schema: teamSummarySchema },
      400: { description: "VALIDATION_FAILED (bad date, to before from, range too long, unknown parameter)" },
      401: { description: "No valid credential" },
      403: { description: "The role lacks team.read (reps)" },
      404: { description: "manager_id is not in the caller's scope" },
    },
  },
  {
    method: "get",
    path: "/api/v1/dashboard/personnel/{id}",
    summary: "One rep's KPIs, per-day figures (visits, on-time, average duration, km) and visit timeline for a range of days",
    description: "`from`/`to` as for team-summary. A rep outside the caller's reporting subtree answers 404, like a missing one.",
    tag: "dashboard",
    permission: "team.read",
    query: dateRangeQuery,
    responses: {
      200: { description: "The rep's figures", schema: personnelSummarySchema },
      400: { description: "VALIDATION_FAILED" },
      401: { description: "No valid credential" },
      403: { description: "The role lacks team.read (reps)" },
      404: { description: "No such person, or not in the caller's scope" },
    },
  },
];
