import "server-only";
import type { SQL } from "drizzle-orm";
import { isValidStatus } from "../geo/verdict";
import type { FenceCheck } from "../locations/locations.queries";
import { computeFlags, scoreEvidence, type FixFlag, type FlagInput } from "./evidence";
import type { ValidationResult } from "@/contracts/visits";

export type FixJudgement = { flags: FixFlag[]; valid: boolean; validation: ValidationResult };

/** A check-in's or check-out's fix judged: the fence verdict plus its flags and evidence score (DESIGN §6). */
export function judgeFix(fence: Pick<FenceCheck, "status" | "distance" | "radius">, fix: FlagInput): FixJudgement {
  const flags = computeFlags(fix);
  const evidence = scoreEvidence({ ...fix, status: fence.status, distanceM: fence.distance, flags });
  const valid = isValidStatus(fence.status);
  return {
    flags,
    valid,
    validation: { status: fence.status, valid, distance: fence.distance, radius: fence.radius, flags, evidence_score: evidence.score, reasons: evidence.reasons },
  };
}

/** The `location_validations` row (type GPS) that records a judged fix, for either phase of a visit (`visitId` may be SQL: the check-in's visit is inserted in the same statement). */
export function gpsValidationRow(visitId: number | SQL, phase: "check_in" | "check_out", judged: FixJudgement, fix: FlagInput) {
  return {
    visitId,
    validationType: "GPS",
    isValid: judged.valid,
    distanceFromLocation: judged.validation.distance.toFixed(2),
    validationDetails: {
      phase,
      ...judged.validation,
      accuracy_m: fix.accuracyM,
      captured_at: fix.capturedAt.toISOString(),
      received_at: fix.receivedAt.toISOString(),
      offline_replay: fix.offlineReplay,
      queued_at: fix.queuedAt?.toISOString() ?? null,
      speed_kmh: fix.speedKmh === null ? null : Math.round(fix.speedKmh * 10) / 10,
    },
    validatedAt: fix.receivedAt,
  };
}
