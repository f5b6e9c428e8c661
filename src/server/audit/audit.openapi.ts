import type { ApiOperation } from "../http/openapi-types";
import { auditPageSchema, listAuditQuery } from "@/contracts/audit";

/** The audit log route, for the generated OpenAPI document. */
export const auditOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/audit",
    summary: "The audit log, newest first (admins)",
    description:
      "Sign-ins and failures, MFA changes, role and hierarchy changes, API key changes, manual validations, exports, settings changes and every " +
      "view of a rep's location trail by someone else (`trail.viewed`: actor = who looked, target = whose trail). Filters: `action` (exact, or a " +
      "family like `personnel.*`), `actor_id`, `target_personnel_id`, `from` (inclusive), `to` (exclusive). Pass `next_cursor` as `cursor` for the next page.",
    tag: "audit",
    permission: "audit.read",
    query: listAuditQuery,
    responses: {
      200: { description: "A page of entries", schema: auditPageSchema },
      400: { description: "A bad filter: `error.field` names it." },
      401: { description: "No valid credential." },
      403: { description: "Not an admin." },
    },
  },
];
