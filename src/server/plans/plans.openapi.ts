import type { ApiOperation } from "../http/openapi-types";
import { dayPlanResponse, optimizePlanRequest, optimizePlanResponse, putPlanRequest, todayPlanQuery, todayPlanResponse } from "@/contracts/plans";
import { optimizeRouteRequest, optimizeRouteResponse } from "@/contracts/routing";

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
  {
    method: "get",
    path: "/api/v1/plans/{personnel_id}/{date}",
    summary: "One rep's planned stops on a date (organisation time zone), in route order; plans/today is this for today",
    description: "A rep reads their own, a manager their subtree's, an admin anyone's. `source` says whether beats-materialize or a person wrote the day.",
    tag: "plans",
    permission: "visits.read",
    responses: {
      200: { description: "The plan (stops may be empty)", schema: dayPlanResponse },
      400: { description: "VALIDATION_FAILED (personnel_id or date)" },
      401: { description: "No valid credential" },
      404: { description: "The person is not in the caller's scope (or does not exist)" },
    },
  },
  {
    method: "put",
    path: "/api/v1/plans/{personnel_id}/{date}",
    summary: "Replace the day's not-yet-visited stops, in the given order (visited stops stay as they are)",
    description:
      "Managers write their subtree's plans, admins anyone's; a rep may only reorder their own pending stops (403 otherwise). The day becomes hand-edited: " +
      "beats-materialize never overwrites it. The rep's open app receives a plan.changed event. A replay of client_id answers the first result.",
    tag: "plans",
    permission: "plans.write",
    body: putPlanRequest,
    responses: {
      200: { description: "The day's plan after the change", schema: dayPlanResponse },
      400: { description: "VALIDATION_FAILED (unknown location, a past day, more than a year ahead)" },
      401: { description: "No valid credential" },
      403: { description: "FORBIDDEN: a read-only key, or a rep adding or dropping stops" },
      404: { description: "The person is not in the caller's scope (or does not exist)" },
      409: { description: "CLIENT_ID_REUSED" },
    },
  },
  {
    method: "post",
    path: "/api/v1/plans/{personnel_id}/{date}/optimize",
    summary: "Reorder the day's pending stops with the route optimiser; answers km and minutes before and after",
    description:
      "Start: `start`, else the rep's last fix that day, else the last visited stop, else the first pending stop. A stop's planned_time is an appointment " +
      "(service may begin up to the late-check-in grace after it); stops whose appointment cannot be met go to the end and are listed in `unassigned`.",
    tag: "plans",
    permission: "plans.write",
    body: optimizePlanRequest,
    responses: {
      200: { description: "The reordered plan and its km before and after", schema: optimizePlanResponse },
      400: { description: "VALIDATION_FAILED" },
      401: { description: "No valid credential" },
      403: { description: "FORBIDDEN: a read-only key" },
      404: { description: "The person is not in the caller's scope (or does not exist)" },
      409: { description: "CLIENT_ID_REUSED" },
    },
  },
  {
    method: "post",
    path: "/api/v1/routes/optimize",
    summary: "Optimise a route: order, arrival and departure per stop, legs, totals, unassigned stops and the input order's km",
    description:
      "Computes only. Exact up to 12 stops, insertion + local search above (deterministic). Distances: geodesic km × the organisation's detour factor " +
      "at its travel speed, or Google road distances when the server has GOOGLE_MAPS_API_KEY. Times are HH:MM org-local.",
    tag: "plans",
    permission: "routes.read",
    body: optimizeRouteRequest,
    responses: {
      200: { description: "The optimised route", schema: optimizeRouteResponse },
      400: { description: "VALIDATION_FAILED" },
      401: { description: "No valid credential" },
    },
  },
];
