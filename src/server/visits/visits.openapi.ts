import type { ApiOperation } from "../http/openapi-types";
import { checkInInput, checkOutInput, listVisitsQuery, listVisitsResponse, visitResult, visitWithPhotoResponse } from "@/contracts/visits";

const common = {
  401: { description: "No valid credential" },
  415: { description: "UNSUPPORTED_MEDIA_TYPE: the body is not application/json" },
  413: { description: "PAYLOAD_TOO_LARGE" },
};

/** The visits routes, for the generated OpenAPI document. */
export const visitsOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/visits/check-in",
    summary: "Check in at a customer location (geofence verdict, flags and evidence score computed in PostGIS)",
    description:
      "Distance = `round(ST_Distance(location, fix)::numeric, 2)` on the WGS84 spheroid; VALID ≤ r, WARNING ≤ 2r (still valid), INVALID > 2r, " +
      "r = the location's geofence_radius. Flags: LOW_ACCURACY (accuracy_m > r), STALE_FIX (fix > 2 min old on arrival, unless offline_replay with a queued_at within 2 min of the fix), " +
      "IMPOSSIBLE_SPEED (> 200 km/h from the rep's previous fix), REPEATED_COORDS (identical coordinates to another visit at this location), " +
      "CLOCK_SKEW (captured_at 30 s–2 min ahead of the server). `check_in_time` is the fix's captured_at; `check_in_received_at` the server time. " +
      "One transaction writes the visit, a GPS location_validations row, the planned-visit link, the day's session (opened if needed) and a " +
      "`visit.checked_in` event. Idempotent on client_id: a replay answers the first body with 200.",
    tag: "visits",
    permission: "visits.write",
    body: checkInInput,
    responses: {
      201: { description: "Checked in", schema: visitResult },
      200: { description: "Replay of an earlier request with this client_id: the first body, unchanged", schema: visitResult },
      400: { description: "VALIDATION_FAILED (error.field), INVALID_JSON, CAPTURED_AT_TOO_OLD (> 7 days), CAPTURED_AT_IN_FUTURE (> 2 min), PLANNED_VISIT_MISMATCH" },
      403: { description: "The role (admin) or a read-only API key lacks visits.write" },
      404: { description: "NOT_FOUND: unknown or inactive location (field location_id), or planned visit not the caller's (field planned_visit_id)" },
      409: { description: "VISIT_ALREADY_OPEN (error.open_visit_id), PLANNED_VISIT_DONE, CLIENT_ID_REUSED" },
      ...common,
    },
  },
  {
    method: "post",
    path: "/api/v1/visits/check-out",
    summary: "Check out of one's own open visit",
    description:
      "Same fence verdict and flags for the exit fix (a location_validations row with details.phase = check_out); sets duration_minutes, " +
      "check_out_distance_m / check_out_status, outcome, appends notes; the visit's flags become the union of both fixes' and its evidence_score " +
      "the weaker of the two. Event `visit.checked_out`. A replay with the same client_id answers the first body.",
    tag: "visits",
    permission: "visits.write",
    body: checkOutInput,
    responses: {
      200: { description: "Checked out (or the replay of it)", schema: visitResult },
      400: { description: "VALIDATION_FAILED (error.field; e.g. captured_at before the check-in), INVALID_JSON, CAPTURED_AT_*" },
      403: { description: "The role or a read-only API key lacks visits.write" },
      404: { description: "NOT_FOUND (field visit_id): no such visit, or not the caller's own" },
      409: { description: "VISIT_ALREADY_CLOSED (checked out by another request), CLIENT_ID_REUSED" },
      ...common,
    },
  },
  {
    method: "get",
    path: "/api/v1/visits",
    summary: "List visits in the caller's scope, newest check-in first",
    description: "Rep: own visits; manager: their reporting subtree; admin: everyone. personnel_id outside the scope answers 404. Page with limit and next_cursor.",
    tag: "visits",
    permission: "visits.read",
    query: listVisitsQuery,
    responses: {
      200: { description: "A page of visits", schema: listVisitsResponse },
      400: { description: "VALIDATION_FAILED (from/to/limit/cursor/personnel_id)" },
      401: common[401],
      404: { description: "personnel_id is unknown or out of scope" },
    },
  },
  {
    method: "get",
    path: "/api/v1/visits/{id}",
    summary: "One visit with its validations (GPS check-in/out, manual reviews) and its selfie with signed, expiring URLs",
    tag: "visits",
    permission: "visits.read",
    responses: {
      200: { description: "The visit", schema: visitWithPhotoResponse },
      400: { description: "VALIDATION_FAILED: id is not a positive integer" },
      401: common[401],
      404: { description: "No such visit, or out of the caller's scope" },
    },
  },
];
