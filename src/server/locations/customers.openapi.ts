import type { ApiOperation } from "../http/openapi-types";
import { createLocationInput, importQuery, importResultSchema, listLocationsQuery, locationPageSchema, locationSchema, updateLocationInput } from "@/contracts/locations";

const unauthenticated = { description: "No valid credential." };
const forbidden = { description: "Reps (and read-only keys) only read customers; admins and managers write." };
const badInput = { description: "VALIDATION_FAILED: `error.field` names the bad field (radius 5–5,000 m, name ≤ 255 characters, lat/lon in range)." };

/** The customers (locations) routes of issue #18, for the generated OpenAPI document. */
export const customersOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/locations",
    summary: "List customers (every signed-in role)",
    description: "Ordered by name; `next_cursor` pages on. `q` searches name, address and external ref; `active`, `type` filter.",
    tag: "locations",
    permission: "locations.read",
    query: listLocationsQuery,
    responses: { 200: { description: "A page of customers", schema: locationPageSchema }, 400: badInput, 401: unauthenticated },
  },
  {
    method: "post",
    path: "/api/v1/locations",
    summary: "Create a customer (admins, managers); idempotent on client_id",
    description: "201 with the customer; the same client_id and body again answers 200 with the same customer. A missing geofence_radius takes the organisation's default.",
    tag: "locations",
    permission: "locations.manage",
    body: createLocationInput,
    responses: {
      200: { description: "Replay", schema: locationSchema },
      201: { description: "Created", schema: locationSchema },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      409: { description: "CONFLICT on external_ref (another customer has it); CLIENT_ID_REUSED" },
      415: { description: "The body is not application/json." },
    },
  },
  {
    method: "get",
    path: "/api/v1/locations/{id}",
    summary: "One customer (active or not)",
    tag: "locations",
    permission: "locations.read",
    responses: { 200: { description: "The customer", schema: locationSchema }, 400: badInput, 401: unauthenticated, 404: { description: "No such customer" } },
  },
  {
    method: "patch",
    path: "/api/v1/locations/{id}",
    summary: "Change a customer (admins, managers); `active: false` deactivates, `true` reactivates",
    description: "Never a hard delete: visits reference the customer, and check-in at an inactive one is refused. Moving a customer does not rewrite past verdicts. Audited with from → to.",
    tag: "locations",
    permission: "locations.manage",
    body: updateLocationInput,
    responses: {
      200: { description: "The customer after the change", schema: locationSchema },
      400: badInput,
      401: unauthenticated,
      403: forbidden,
      404: { description: "No such customer" },
      409: { description: "CONFLICT on external_ref; CLIENT_ID_REUSED" },
      415: { description: "The body is not application/json." },
    },
  },
  {
    method: "post",
    path: "/api/v1/locations/import",
    summary: "Import customers from a CSV file (admins, managers)",
    description:
      "Body: the file itself (text/csv, ≤ 20 MB) or multipart/form-data with a `file` field. Header row required; columns (case-insensitive): " +
      "external_ref|ref|code, name, address, lat|latitude, lon|lng|longitude, geofence_radius|radius, location_type|type; others are ignored and listed. " +
      "UTF-8 with or without BOM, CRLF or LF, comma or semicolon. Rows match existing customers by external_ref, else by the same name within 25 m. " +
      "Any invalid row without skip_invalid=true writes nothing. dry_run=true (the default) reports what would happen.",
    tag: "locations",
    permission: "locations.manage",
    query: importQuery,
    responses: {
      200: { description: "What was (or would be) done; row errors with the file's line numbers and column names", schema: importResultSchema },
      400: { description: "The file as a whole is unusable: not UTF-8, no header, no name column, an unsupported delimiter (field `file`)" },
      401: unauthenticated,
      403: forbidden,
      413: { description: "The file is larger than 20 MB." },
      415: { description: "Neither text/csv nor multipart/form-data." },
    },
  },
];
