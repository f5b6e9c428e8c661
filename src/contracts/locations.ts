import { z } from "zod";
import { idValue } from "./ids";

/** Shared GPS primitives: finite numbers only (zod 4 rejects NaN and ±Infinity), strings are not coerced in JSON bodies. */
export const latitude = z.number().min(-90).max(90).describe("WGS84 latitude, degrees");
export const longitude = z.number().min(-180).max(180).describe("WGS84 longitude, degrees");
export const accuracyM = z.number().min(0).max(100_000).describe("Reported horizontal accuracy of the fix, metres (68 % radius)");
export const clientId = z.uuid().describe("Client-generated UUID of this action (idempotency key)");
export const isoInstant = z.iso.datetime({ offset: true }).describe("ISO 8601 instant with offset, e.g. 2026-11-25T10:15:00.000Z");

export const validationStatus = z.enum(["VALID", "WARNING", "INVALID"]);

export const NEARBY_DEFAULT_RADIUS_M = 5_000;
export const NEARBY_MAX_RADIUS_M = 50_000;
export const NEARBY_DEFAULT_LIMIT = 20;
export const NEARBY_MAX_LIMIT = 100;

/** Query string of GET /locations/nearby (values arrive as strings; empty ones are dropped before parsing). */
export const nearbyQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lon: z.coerce.number().min(-180).max(180),
  radius: z.coerce.number().gt(0).max(NEARBY_MAX_RADIUS_M).default(NEARBY_DEFAULT_RADIUS_M).describe("metres"),
  limit: z.coerce.number().int().min(1).max(NEARBY_MAX_LIMIT).default(NEARBY_DEFAULT_LIMIT),
});
export type NearbyQuery = z.infer<typeof nearbyQuery>;

export const nearbyLocation = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.string().nullable(),
  location_type: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  geofence_radius: z.number().int(),
  distance_m: z.number().describe("Geodesic distance on the WGS84 spheroid, metres, rounded to 0.01"),
});
export const nearbyResponse = z.object({ locations: z.array(nearbyLocation) });
export type NearbyResponse = z.infer<typeof nearbyResponse>;

export const validateLocationInput = z.object({ lat: latitude, lon: longitude, location_id: idValue });
export type ValidateLocationInput = z.infer<typeof validateLocationInput>;

/** Exactly the seed's validate_check_in answer. */
export const validateLocationResponse = z.object({
  valid: z.boolean(),
  distance: z.number().describe("metres, rounded to 0.01"),
  status: validationStatus,
});
export type ValidateLocationResponse = z.infer<typeof validateLocationResponse>;

/** A URL's query string as an object, empty values dropped (so `?radius=` means "default", not 0). */
export function queryParams(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(req.url).searchParams) if (v.trim() !== "") out[k] = v;
  return out;
}

// --- Customers (locations) API (issue #18) ---
export const LOCATION_NAME_MAX = 255;
export const LOCATION_TYPE_MAX = 50;
export const EXTERNAL_REF_MAX = 100;
export const ADDRESS_MAX = 1000;
export const RADIUS_MIN_M = 5;
export const RADIUS_MAX_M = 5000;

const trimmedText = (field: string, max: number) =>
  z.string({ error: `${field} must be text` }).trim().max(max, `${field}: at most ${max} characters`);
const optionalText = (field: string, max: number) =>
  trimmedText(field, max)
    .transform((s) => (s === "" ? null : s))
    .nullable()
    .optional();
const radius = z
  .number({ error: "geofence_radius must be a number (metres)" })
  .int("geofence_radius must be a whole number of metres")
  .min(RADIUS_MIN_M, `geofence_radius: at least ${RADIUS_MIN_M} m`)
  .max(RADIUS_MAX_M, `geofence_radius: at most ${RADIUS_MAX_M} m`);
const lat = z.number({ error: "lat must be a number" }).min(-90, "lat must be between -90 and 90").max(90, "lat must be between -90 and 90");
const lon = z.number({ error: "lon must be a number" }).min(-180, "lon must be between -180 and 180").max(180, "lon must be between -180 and 180");

export const createLocationInput = z.strictObject({
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  name: trimmedText("name", LOCATION_NAME_MAX).min(1, "name is required"),
  lat,
  lon,
  address: optionalText("address", ADDRESS_MAX),
  geofence_radius: radius.optional().describe("metres; the organisation's default when missing"),
  location_type: optionalText("location_type", LOCATION_TYPE_MAX),
  external_ref: optionalText("external_ref", EXTERNAL_REF_MAX).describe("your own id (CRM code): unique, the key CSV imports match on"),
});
export type CreateLocationInput = z.output<typeof createLocationInput>;

const updateLocationFields = {
  client_id: z.uuid({ error: "client_id must be a UUID" }),
  name: trimmedText("name", LOCATION_NAME_MAX).min(1, "name is required").optional(),
  lat: lat.optional(),
  lon: lon.optional(),
  address: optionalText("address", ADDRESS_MAX),
  geofence_radius: radius.optional(),
  location_type: optionalText("location_type", LOCATION_TYPE_MAX),
  external_ref: optionalText("external_ref", EXTERNAL_REF_MAX),
  active: z.boolean({ error: "active must be true or false" }).optional(),
};
const latLonTogether = (v: { lat?: number; lon?: number }) => (v.lat === undefined) === (v.lon === undefined);
export const updateLocationInput = z.strictObject(updateLocationFields).refine(latLonTogether, { message: "send lat and lon together", path: ["lon"] });
export type UpdateLocationInput = z.output<typeof updateLocationInput>;
/** The edit form's server action: the PATCH body plus the customer's id. */
export const updateLocationActionInput = z
  .strictObject({ ...updateLocationFields, id: idValue })
  .refine(latLonTogether, { message: "send lat and lon together", path: ["lon"] });
export type UpdateLocationActionInput = z.output<typeof updateLocationActionInput>;

export const listLocationsQuery = z.strictObject({
  q: z.string().trim().max(100).optional().describe("search in name, address and external ref"),
  active: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  type: z.string().trim().max(LOCATION_TYPE_MAX).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type ListLocationsQuery = z.output<typeof listLocationsQuery>;

export const locationSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  address: z.string().nullable(),
  lat: z.number(),
  lon: z.number(),
  geofence_radius: z.number().int(),
  location_type: z.string().nullable(),
  external_ref: z.string().nullable(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Location = z.infer<typeof locationSchema>;
export const locationPageSchema = z.object({ items: z.array(locationSchema), next_cursor: z.string().nullable() });
export type LocationPage = z.infer<typeof locationPageSchema>;

/** Answer of POST /api/v1/locations/import. `row` = the record's line in the file (header = 1); `column` = the file's own header. */
export const importErrorSchema = z.object({ row: z.number().int(), column: z.string().nullable(), code: z.string(), message: z.string() });
export type ImportError = z.infer<typeof importErrorSchema>;
export const importResultSchema = z.object({
  committed: z.boolean(),
  dry_run: z.boolean(),
  total_rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  invalid: z.number().int(),
  ignored_columns: z.array(z.string()),
  errors: z.array(importErrorSchema).describe("the first 1,000 row errors, in file order"),
  errors_truncated: z.boolean(),
  geocoded: z.array(z.object({ row: z.number().int(), quality: z.string(), ambiguous: z.boolean() })).describe("rows placed by geocoding (only with GOOGLE_MAPS_API_KEY)"),
  preview: z.array(z.object({ row: z.number().int(), name: z.string(), lat: z.number(), lon: z.number(), action: z.enum(["create", "update", "unchanged"]) })).describe("up to 2,000 valid rows, for a map"),
});
export type ImportResult = z.infer<typeof importResultSchema>;
export const importQuery = z.strictObject({
  dry_run: z.enum(["true", "false"]).transform((v) => v === "true").default(true),
  skip_invalid: z.enum(["true", "false"]).transform((v) => v === "true").default(false),
});

/**
 * The import's columns (the one list: the parser's header matching, the UI's help and the README follow it).
 * `aliases` are matched case-insensitively; the first alias is the canonical name the template uses.
 */
export const IMPORT_COLUMNS = [
  { field: "external_ref", aliases: ["external_ref", "ref", "code"], required: false, help: "Your own id (CRM code). Re-imports match on it; unique in the file and in Fieldbeat." },
  { field: "name", aliases: ["name"], required: true, help: `The customer's name, at most ${LOCATION_NAME_MAX} characters.` },
  { field: "address", aliases: ["address"], required: false, help: "Free text." },
  { field: "lat", aliases: ["lat", "latitude"], required: true, help: "WGS84 decimal degrees, −90 to 90." },
  { field: "lon", aliases: ["lon", "lng", "longitude"], required: true, help: "WGS84 decimal degrees, −180 to 180." },
  { field: "geofence_radius", aliases: ["geofence_radius", "radius"], required: false, help: `Whole metres, ${RADIUS_MIN_M}–${RADIUS_MAX_M}; empty → the organisation's default (new) or unchanged (existing).` },
  { field: "location_type", aliases: ["location_type", "type"], required: false, help: "e.g. pharmacy; drives the selfie policy." },
] as const;
export type ImportField = (typeof IMPORT_COLUMNS)[number]["field"];

/** The template offered for download: the columns in order and two example rows. */
export const CSV_TEMPLATE =
  IMPORT_COLUMNS.map((c) => c.aliases[0]).join(",") +
  "\r\n" +
  'C-1001,Sharma Medical,"12 MG Road, Bengaluru",12.97590,77.60560,50,pharmacy\r\n' +
  "C-1002,City Hospital,,12.93520,77.62450,120,hospital\r\n";
