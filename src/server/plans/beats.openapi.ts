import type { ApiOperation } from "../http/openapi-types";
import { beatListResponse, beatResponse, createBeatRequest, listBeatsQuery, patchBeatRequest } from "@/contracts/beats";

const common = {
  401: { description: "No valid credential" },
  404: { description: "The rep or beat is not in the caller's scope (or does not exist)" },
};

/** Beats: a rep's recurring round, written into day plans by the beats-materialize job (issue #19). */
export const beatsOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/beats",
    summary: "The beats in the caller's scope (a rep: their own; a manager: their subtree's; an admin: all)",
    tag: "plans",
    permission: "beats.read",
    query: listBeatsQuery,
    responses: { 200: { description: "Beats", schema: beatListResponse }, 400: { description: "VALIDATION_FAILED" }, ...common },
  },
  {
    method: "post",
    path: "/api/v1/beats",
    summary: "Create a beat; the rep's next 14 days are written from it at once",
    description: "Managers for their subtree, admins for anyone. Planned days that already exist (hand-edited or from another beat) are left as they are.",
    tag: "plans",
    permission: "beats.manage",
    body: createBeatRequest,
    responses: {
      201: { description: "Created", schema: beatResponse },
      200: { description: "A replay of the same client_id", schema: beatResponse },
      400: { description: "VALIDATION_FAILED" },
      403: { description: "FORBIDDEN: reps and read-only keys" },
      409: { description: "CLIENT_ID_REUSED" },
      ...common,
    },
  },
  {
    method: "get",
    path: "/api/v1/beats/{id}",
    summary: "One beat",
    tag: "plans",
    permission: "beats.read",
    responses: { 200: { description: "The beat", schema: beatResponse }, 400: { description: "VALIDATION_FAILED" }, ...common },
  },
  {
    method: "patch",
    path: "/api/v1/beats/{id}",
    summary: "Change a beat; the days it wrote that nobody edited (and nothing visited) are rewritten from it",
    tag: "plans",
    permission: "beats.manage",
    body: patchBeatRequest,
    responses: {
      200: { description: "The beat", schema: beatResponse },
      400: { description: "VALIDATION_FAILED" },
      403: { description: "FORBIDDEN: reps and read-only keys" },
      409: { description: "CLIENT_ID_REUSED" },
      ...common,
    },
  },
  {
    method: "delete",
    path: "/api/v1/beats/{id}",
    summary: "Delete a beat and the untouched days it wrote from today on (hand-edited or visited days stay)",
    tag: "plans",
    permission: "beats.manage",
    responses: { 204: { description: "Deleted" }, 400: { description: "VALIDATION_FAILED" }, 403: { description: "FORBIDDEN: reps and read-only keys" }, ...common },
  },
];
