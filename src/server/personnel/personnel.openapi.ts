import type { ApiOperation } from "../http/openapi-types";
import {
  createdPersonSchema,
  createPersonInput,
  listPersonnelQuery,
  passwordResetResultSchema,
  personnelPageSchema,
  personSchema,
  resetPasswordInput,
  updatePersonInput,
} from "@/contracts/personnel";

const unauthenticated = { description: "No valid credential (missing, expired, revoked, or the person is deactivated)." };
const forbidden = { description: "The role (or a read-only API key) lacks the permission." };
const badInput = { description: "Malformed body or query: `error.field` names the first bad field." };
const unsupported = { description: "The body is not application/json." };
const notFound = { description: "No such person in your scope (out of scope answers 404 too); with `field: manager_id`, the chosen manager does not exist." };

/** The personnel routes, for the generated OpenAPI document. */
export const personnelOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/personnel",
    summary: "List people: admins everyone, managers their reporting subtree (read-only)",
    description: "Ordered by name; `next_cursor` pages on. Filters: `q` (name, email or employee id), `role`, `active`, `manager_id`.",
    tag: "personnel",
    permission: "team.read",
    query: listPersonnelQuery,
    responses: { 200: { description: "A page of people", schema: personnelPageSchema }, 400: badInput, 401: unauthenticated, 403: forbidden },
  },
  {
    method: "post",
    path: "/api/v1/personnel",
    summary: "Create a person (admins); idempotent on client_id",
    description:
      "201 with the person; a replay of the same `client_id` answers 200 with the same person. Without `password` a temporary one is " +
      "generated and returned once in `temporary_password`. Email is stored lower-case and unique (409 EMAIL_TAKEN); employee_id unique " +
      "(409 EMPLOYEE_ID_TAKEN). A rep needs `manager_id`; the manager must be an active manager or admin (409 INVALID_MANAGER).",
    tag: "personnel",
    permission: "personnel.manage",
    body: createPersonInput,
    responses: {
      200: { description: "Replay: the person created by the first request (temporary_password null)", schema: createdPersonSchema },
      201: { description: "Created", schema: createdPersonSchema },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      404: notFound,
      409: { description: "EMAIL_TAKEN, EMPLOYEE_ID_TAKEN, INVALID_MANAGER, CLIENT_ID_REUSED" },
      415: unsupported,
    },
  },
  {
    method: "get",
    path: "/api/v1/personnel/{id}",
    summary: "One person in your scope",
    tag: "personnel",
    permission: "team.read",
    responses: { 200: { description: "The person", schema: personSchema }, 401: unauthenticated, 403: forbidden, 404: notFound },
  },
  {
    method: "patch",
    path: "/api/v1/personnel/{id}",
    summary: "Change name, phone, employee_id, role, manager_id or active (admins); each change audited",
    description:
      "Applied in one transaction in this order: details, manager, role, active. Audit actions: personnel.updated, personnel.manager_changed " +
      "(from → to), personnel.role_changed (from → to), personnel.deactivated / personnel.reactivated. Deactivation ends every session and token " +
      "of the person at their next request. Refusals (409): HIERARCHY_CYCLE (the new manager reports to this person), INVALID_MANAGER, " +
      "HAS_ACTIVE_REPORTS (deactivating or demoting someone who still manages active people; move them first), SELF_DEACTIVATION, " +
      "SELF_ROLE_CHANGE, CONCURRENT_CHANGE (retry).",
    tag: "personnel",
    permission: "personnel.manage",
    body: updatePersonInput,
    responses: {
      200: { description: "The person after the change (a replay answers the first result)", schema: personSchema },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      404: notFound,
      409: { description: "See the description for the codes" },
      415: unsupported,
    },
  },
  {
    method: "post",
    path: "/api/v1/personnel/{id}/reset-password",
    summary: "Set a new password (or generate one, shown once) and end all their sessions (admins)",
    description: "Minimum 12 characters. A replay of the same `client_id` answers `replayed: true` and never shows the password again.",
    tag: "personnel",
    permission: "personnel.manage",
    body: resetPasswordInput,
    responses: {
      200: { description: "Reset", schema: passwordResetResultSchema },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      404: notFound,
      409: { description: "CLIENT_ID_REUSED or CONCURRENT_CHANGE" },
      415: unsupported,
    },
  },
];
