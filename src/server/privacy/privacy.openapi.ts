import type { ApiOperation } from "../http/openapi-types";
import { anonymiseInput, anonymiseResultSchema, personExportSchema } from "@/contracts/privacy";

const unauthenticated = { description: "No valid credential." };
const forbidden = { description: "Only admins export or anonymise a person's data (a read-only key may not)." };
const notFound = { description: "No such person." };

/** Privacy self-service (issue #18.5), for the generated OpenAPI document. */
export const privacyOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/personnel/{id}/export",
    summary: "Everything held about one person, as JSON (admins; audited)",
    description:
      "Profile (no password hash, MFA secret or tokens), work days, visits (coordinates as lat/lon), location pings and the audit entries " +
      "about or by them. Audited as `personnel.exported`.",
    tag: "personnel",
    permission: "personnel.manage",
    responses: { 200: { description: "The person's data", schema: personExportSchema }, 400: { description: "A malformed id." }, 401: unauthenticated, 403: forbidden, 404: notFound },
  },
  {
    method: "post",
    path: "/api/v1/personnel/{id}/anonymise",
    summary: "Anonymise a leaver (admins); idempotent on client_id",
    description:
      "Name, e-mail and phone replaced by placeholders, selfies deleted from storage, sign-in disabled (deactivated, no password, no MFA), " +
      "sessions, refresh tokens, API keys and push subscriptions revoked. Visits, pings and work days are kept for the company's records. " +
      "Audited as `personnel.anonymised` (counts only). Repeating it changes nothing. Refused for yourself and while they manage active people.",
    tag: "personnel",
    permission: "personnel.manage",
    body: anonymiseInput,
    responses: {
      200: { description: "Anonymised", schema: anonymiseResultSchema },
      400: { description: "Malformed body or id: `error.field` names it." },
      401: unauthenticated,
      403: forbidden,
      404: notFound,
      409: { description: "CLIENT_ID_REUSED, SELF_DEACTIVATION, HAS_ACTIVE_REPORTS or CONCURRENT_CHANGE" },
      415: { description: "The body is not application/json." },
    },
  },
];
