import type { ApiOperation } from "../http/openapi-types";
import { orgSettingsSchema, updateOrgSettingsInput } from "@/contracts/settings";

const unauthenticated = { description: "No valid credential." };
const forbidden = { description: "Only admins manage organisation settings." };

/** The organisation-settings routes, for the generated OpenAPI document. */
export const settingsOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/settings",
    summary: "Every organisation setting in one object (admins)",
    description: "Time zone, work days and hours, default geofence radius, planning inputs, tracking interval, selfie policy, alert thresholds, retention.",
    tag: "settings",
    permission: "settings.manage",
    responses: { 200: { description: "The settings", schema: orgSettingsSchema }, 401: unauthenticated, 403: forbidden },
  },
  {
    method: "patch",
    path: "/api/v1/settings",
    summary: "Change any subset of the organisation settings (admins); idempotent on client_id",
    description:
      "Validated field by field (400 with `field`), together with the stored values (work_end after work_start). Audited as `settings.changed` " +
      "with from → to of what changed. Takes effect at the next request on every app instance.",
    tag: "settings",
    permission: "settings.manage",
    body: updateOrgSettingsInput,
    responses: {
      200: { description: "The settings after the change", schema: orgSettingsSchema },
      400: { description: "A bad value: `error.field` names it" },
      401: unauthenticated,
      403: forbidden,
      409: { description: "CLIENT_ID_REUSED; MFA_NOT_ENROLLED (require_manager_mfa while the admin has no MFA)" },
      415: { description: "The body is not application/json." },
    },
  },
];
