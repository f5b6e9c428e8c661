import { z } from "zod";
import { idString, idValue } from "./ids";
import { clientId } from "./locations";

/** A manager's manual verdict on a visit's evidence: a `location_validations` row of type MANUAL. */
export const reviewDecision = z.enum(["APPROVED", "REJECTED"]);
export type ReviewDecision = z.infer<typeof reviewDecision>;

const reviewFields = {
  client_id: clientId,
  decision: reviewDecision,
  comment: z.string().trim().max(2000).default("").describe("Why; required to reject"),
};

/** POST /api/v1/visits/{id}/review body (the visit id is in the path). */
export const reviewVisitBody = z.object(reviewFields).refine((r) => r.decision === "APPROVED" || r.comment.length > 0, { message: "Say why the visit is rejected.", path: ["comment"] });
/** The server action's input: the same, with the visit id. */
export const reviewVisitInput = z
  // The strict id rule of every other id (a number, or its canonical decimal string from a form).
  .object({ ...reviewFields, visit_id: z.union([idValue, idString]) })
  .refine((r) => r.decision === "APPROVED" || r.comment.length > 0, { message: "Say why the visit is rejected.", path: ["comment"] });
export type ReviewVisitInput = z.infer<typeof reviewVisitInput>;

export const visitReview = z.object({
  id: z.number().int(),
  visit_id: z.number().int(),
  decision: reviewDecision,
  comment: z.string(),
  reviewer_id: z.number().int(),
  reviewer_name: z.string(),
  reviewed_at: z.string(),
});
export type VisitReview = z.infer<typeof visitReview>;
