import { z } from "zod";
import { idString, idValue } from "./ids";
import { accuracyM, clientId, isoInstant, latitude, longitude, validationStatus } from "./locations";
import { visitPhoto } from "./photos";

const fix = {
  lat: latitude,
  lon: longitude,
  accuracy_m: accuracyM,
  captured_at: isoInstant.describe("Device time of the GPS fix; up to 7 days old (offline), at most 2 minutes ahead of the server"),
  offline_replay: z
    .boolean()
    .optional()
    .describe(
      "Set by the offline queue when the action was taken offline and is sent later: an old fix is then not flagged STALE_FIX, " +
        "provided queued_at is given, the fix was taken within 2 minutes of it, and it is not after the server's receipt",
    ),
  queued_at: isoInstant
    .optional()
    .describe("With offline_replay: the device time when the action was taken and queued (the queue item's time)"),
};

export const checkInInput = z.object({
  client_id: clientId,
  location_id: idValue,
  ...fix,
  planned_visit_id: idValue.optional(),
  notes: z.string().max(2000).optional(),
});
export type CheckInInput = z.infer<typeof checkInInput>;

export const checkOutInput = z.object({
  client_id: clientId,
  visit_id: idValue,
  ...fix,
  notes: z.string().max(2000).optional(),
  outcome: z.string().trim().min(1).max(40).optional().describe("Free label, e.g. ORDER_TAKEN, NO_ORDER, CLOSED"),
});
export type CheckOutInput = z.infer<typeof checkOutInput>;

/** Plausibility flags of a fix (DESIGN §6); the rules live in src/server/visits/evidence.ts. */
export const FIX_FLAGS = ["LOW_ACCURACY", "STALE_FIX", "IMPOSSIBLE_SPEED", "REPEATED_COORDS", "CLOCK_SKEW"] as const;
export type FixFlag = (typeof FIX_FLAGS)[number];
export const fixFlag = z.enum(FIX_FLAGS);

export const validationResult = z.object({
  status: validationStatus,
  valid: z.boolean().describe("VALID and WARNING are valid; INVALID is not"),
  distance: z.number().describe("Geodesic distance to the location on the WGS84 spheroid, metres, rounded to 0.01"),
  radius: z.number().int().describe("The location's geofence radius, metres"),
  flags: z.array(fixFlag),
  evidence_score: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
});
export type ValidationResult = z.infer<typeof validationResult>;

const ts = z.string().describe("ISO 8601 instant (UTC)");
export const visitSchema = z.object({
  id: z.number().int(),
  personnel_id: z.number().int(),
  location_id: z.number().int(),
  planned_date: z.string().nullable(),
  client_id: z.string().nullable(),
  check_in_time: ts.nullable().describe("= captured_at of the check-in fix (when the rep was there)"),
  check_in_received_at: ts.nullable(),
  check_in_lat: z.number().nullable(),
  check_in_lon: z.number().nullable(),
  check_in_accuracy_m: z.number().nullable(),
  check_out_client_id: z.string().nullable(),
  check_out_time: ts.nullable(),
  check_out_received_at: ts.nullable(),
  check_out_lat: z.number().nullable(),
  check_out_lon: z.number().nullable(),
  check_out_accuracy_m: z.number().nullable(),
  check_out_distance_m: z.number().nullable(),
  check_out_status: validationStatus.nullable(),
  duration_minutes: z.number().int().nullable(),
  notes: z.string().nullable(),
  outcome: z.string().nullable(),
  validated: z.boolean(),
  validation_status: validationStatus.nullable(),
  flags: z.array(z.string()),
  evidence_score: z.number().int().nullable(),
  created_at: ts,
  updated_at: ts,
});
export type VisitJson = z.infer<typeof visitSchema>;

export const visitResult = z.object({ visit: visitSchema, validation: validationResult });
export type VisitResult = z.infer<typeof visitResult>;

export const listVisitsQuery = z.object({
  personnel_id: idString.optional(),
  from: isoInstant.optional().describe("check_in_time ≥ from"),
  to: isoInstant.optional().describe("check_in_time < to"),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional().describe("next_cursor of the previous page"),
});
export type ListVisitsQuery = z.infer<typeof listVisitsQuery>;

export const listVisitsResponse = z.object({ visits: z.array(visitSchema), next_cursor: z.string().nullable() });
export type ListVisitsResponse = z.infer<typeof listVisitsResponse>;

export const storedValidation = z.object({
  id: z.number().int(),
  validation_type: z.string(),
  is_valid: z.boolean(),
  distance_from_location: z.number().nullable(),
  details: z.record(z.string(), z.unknown()).nullable(),
  validated_at: ts,
});
export const visitDetailResponse = z.object({ visit: visitSchema, validations: z.array(storedValidation) });
export type VisitDetailResponse = z.infer<typeof visitDetailResponse>;
/** `GET /api/v1/visits/{id}`: the visit, its validations and its selfie (null when none was uploaded) with signed URLs. */
export const visitWithPhotoResponse = visitDetailResponse.extend({ photo: visitPhoto.nullable() });
export type VisitWithPhotoResponse = z.infer<typeof visitWithPhotoResponse>;

export const visitIdParams = z.object({ id: idString });
