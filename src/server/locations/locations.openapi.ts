import type { ApiOperation } from "../http/openapi-types";
import { nearbyQuery, nearbyResponse, NEARBY_MAX_LIMIT, NEARBY_MAX_RADIUS_M, validateLocationInput, validateLocationResponse } from "@/contracts/locations";

/** The locations routes, for the generated OpenAPI document. */
export const locationsOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/locations/nearby",
    summary: "Active locations near a point, nearest first, with their geodesic distance",
    description: `ST_DWithin(coordinates, point, radius) on the GiST index, ordered by KNN (<->), distance_m by ST_Distance on the spheroid. radius ≤ ${NEARBY_MAX_RADIUS_M} m (default 5000), limit ≤ ${NEARBY_MAX_LIMIT} (default 20).`,
    tag: "locations",
    permission: "locations.read",
    query: nearbyQuery,
    responses: {
      200: { description: "Locations within the radius", schema: nearbyResponse },
      400: { description: "VALIDATION_FAILED (field lat, lon, radius or limit)" },
      401: { description: "No valid credential" },
    },
  },
  {
    method: "post",
    path: "/api/v1/locations/validate",
    summary: "The verdict a check-in at this point would get (read-only)",
    description: "Answers exactly the seed's validate_check_in: { valid, distance (m, 0.01), status }. Writes nothing.",
    tag: "locations",
    permission: "locations.read",
    body: validateLocationInput,
    responses: {
      200: { description: "Verdict", schema: validateLocationResponse },
      400: { description: "VALIDATION_FAILED (error.field) or INVALID_JSON" },
      401: { description: "No valid credential" },
      404: { description: "NOT_FOUND (field location_id): unknown or inactive location" },
      413: { description: "PAYLOAD_TOO_LARGE" },
      415: { description: "UNSUPPORTED_MEDIA_TYPE" },
    },
  },
];
