import type { ApiOperation } from "../http/openapi-types";
import { reviewVisitBody, visitReview } from "@/contracts/visit-review";
import { closeVisitBody, closeVisitResult } from "@/contracts/visit-close";

/** The manual review route, for the generated OpenAPI document. */
export const reviewOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/visits/{id}/review",
    summary: "Approve or reject a visit's evidence, with a comment (manager in scope, or admin)",
    description:
      "Writes a MANUAL location_validations row (is_valid = approved; details: decision, comment, reviewer), sets visits.validated to the decision " +
      "(validation_status keeps the GPS verdict), an audit row `visit.reviewed` and a `visit.reviewed` event, in one transaction. " +
      "A comment is required to reject. Later reviews add rows; the latest is the visit's review. One's own visit cannot be reviewed. Idempotent on client_id.",
    tag: "visits",
    permission: "validations.review",
    body: reviewVisitBody,
    responses: {
      200: { description: "The review (or the replay of it)", schema: visitReview },
      400: { description: "VALIDATION_FAILED (e.g. comment missing for a rejection), INVALID_JSON" },
      401: { description: "No valid credential" },
      403: { description: "Reps and read-only API keys lack validations.review; SELF_REVIEW" },
      404: { description: "No such visit, or outside the reviewer's reporting subtree" },
      409: { description: "CLIENT_ID_REUSED" },
      413: { description: "PAYLOAD_TOO_LARGE" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE: the body is not application/json" },
    },
  },
];

/** A manager's close of a forgotten open visit. */
export const closeOperations: ApiOperation[] = [
  {
    method: "post",
    path: "/api/v1/visits/{id}/close",
    summary: "Check out a visit the rep forgot (manager in scope, or admin)",
    description:
      "Sets the visit's check-out time to now (no exit fix), adds the flag CLOSED_BY_MANAGER, writes an audit row `visit.closed_by_manager` (with the reason) " +
      "and a `visit.checked_out` event (payload closed_by), in one transaction. The rep can then check in again and end the day. Idempotent on client_id.",
    tag: "visits",
    permission: "visits.close",
    body: closeVisitBody,
    responses: {
      200: { description: "The closed visit (or the replay of it)", schema: closeVisitResult },
      400: { description: "VALIDATION_FAILED, INVALID_JSON" },
      401: { description: "No valid credential" },
      403: { description: "Reps and read-only API keys lack visits.close" },
      404: { description: "No such visit, or outside the caller's reporting subtree" },
      409: { description: "VISIT_ALREADY_CLOSED (already checked out), CLIENT_ID_REUSED" },
      413: { description: "PAYLOAD_TOO_LARGE" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE: the body is not application/json" },
    },
  },
];
