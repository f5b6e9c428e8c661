import { z } from "zod";
import { idString, idValue } from "./ids";
import { clientId } from "./locations";
import { visitSchema } from "./visits";

/** Flag of a visit a manager or admin checked out for the rep (a forgotten open visit). */
export const CLOSED_BY_MANAGER = "CLOSED_BY_MANAGER";
/** Flag of a visit the end-of-day job checked out because it was still open after work hours. */
export const AUTO_CLOSED = "AUTO_CLOSED";

const closeFields = {
  client_id: clientId,
  reason: z.string().trim().max(500).default("").describe("Why it is closed (shown in the audit log)"),
};

/** POST /api/v1/visits/{id}/close body (the visit id is in the path). */
export const closeVisitBody = z.object(closeFields);
/** The server action's input: the same, with the visit id. */
export const closeVisitInput = z.object({ ...closeFields, visit_id: z.union([idValue, idString]) });
export type CloseVisitInput = z.infer<typeof closeVisitInput>;

export const closeVisitResult = z.object({ visit: visitSchema });
export type CloseVisitResult = z.infer<typeof closeVisitResult>;
