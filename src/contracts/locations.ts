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
