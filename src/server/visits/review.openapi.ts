import type { ApiOperation } from "../http/openapi-types";
import { reviewVisitBody, visitReview } from "@/contracts/visit-review";

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
