import type { ApiOperation } from "../http/openapi-types";
import { endSessionInput, sessionResponse, startSessionInput, todaySessionResponse } from "@/contracts/sessions";

/** The daily-session routes, for the generated OpenAPI document. */
export const sessionsOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/sessions/start",
    summary: "Start day: open the caller's session for the organisation-local date",
    description:
      "login_time = captured_at (or server time). Starting an open day answers it unchanged (200); a CLOSED day is reopened. " +
      "The first check-in of a day also opens it. Event `session.started`. Idempotent on client_id.",
    tag: "sessions",
    permission: "sessions.write",
    body: startSessionInput,
    responses: {
      201: { description: "Day opened", schema: sessionResponse },
      200: { description: "Already open, or a replay", schema: sessionResponse },
      400: { description: "VALIDATION_FAILED (error.field), INVALID_JSON, CAPTURED_AT_*" },
      401: { description: "No valid credential" },
      403: { description: "The role (admin) or a read-only API key lacks sessions.write" },
      409: { description: "CLIENT_ID_REUSED" },
      413: { description: "PAYLOAD_TOO_LARGE" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE" },
    },
  },
  {
    method: "post",
    path: "/api/v1/sessions/end",
    summary: "End day: close the caller's open session after recomputing its travel distance",
    description: "logout_time = captured_at (or server time); total_travel_km recomputed from the day's pings. Event `session.ended`. Idempotent on client_id.",
    tag: "sessions",
    permission: "sessions.write",
    body: endSessionInput,
    responses: {
      200: { description: "Day closed (or the replay of it)", schema: sessionResponse },
      400: { description: "VALIDATION_FAILED (e.g. captured_at before the login), INVALID_JSON" },
      401: { description: "No valid credential" },
      403: { description: "The role or a read-only API key lacks sessions.write" },
      409: { description: "VISIT_STILL_OPEN (error.open_visit_id), NO_OPEN_SESSION, CLIENT_ID_REUSED" },
      413: { description: "PAYLOAD_TOO_LARGE" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE" },
    },
  },
  {
    method: "get",
    path: "/api/v1/sessions/today",
    summary: "The caller's session for today (organisation time zone), or null",
    tag: "sessions",
    permission: "sessions.read",
    responses: {
      200: { description: "Today's session", schema: todaySessionResponse },
      401: { description: "No valid credential" },
    },
  },
];
