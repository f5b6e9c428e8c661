/**
 * Plausibility flags and the evidence score of a check-in/out fix (DESIGN §6), as pure functions.
 * The rules are explained in docs/decisions/0003-geofence-evidence.md; keep them in step.
 */
import type { ValidationStatus } from "../db/schema";

import type { FixFlag } from "@/contracts/visits";
export { FIX_FLAGS, type FixFlag } from "@/contracts/visits";

import { CAPTURE_WINDOW_MS } from "@/contracts/field-rules";
/** A fix older than this when received is STALE_FIX: the capture window shared with the phone. */
export const STALE_AFTER_MS = CAPTURE_WINDOW_MS;
/** A fix may be captured at most this far ahead of server time; beyond it the request is refused (400). */
export const MAX_FUTURE_MS = 2 * 60_000;
/** Ahead of server time by more than this (but within MAX_FUTURE_MS) flags CLOCK_SKEW: a fix cannot come from the future. */
export const CLOCK_SKEW_TOLERANCE_MS = 30_000;
export const MAX_AGE_MS = 7 * 24 * 3_600_000;
export const MAX_SPEED_KMH = 200;

export type FlagInput = {
  radiusM: number;
  accuracyM: number;
  capturedAt: Date;
  receivedAt: Date;
  /** The client says the action was taken offline and is replayed now: its fix was fresh when it was taken. */
  offlineReplay: boolean;
  /** With offlineReplay: the device time when the action was taken and queued (the queue item's own time), else null. */
  queuedAt: Date | null;
  /** Speed implied by the previous fix of the same person (km/h), null without a previous fix. */
  speedKmh: number | null;
  /** Another visit carries exactly the same coordinates. */
  repeatedCoords: boolean;
};

/**
 * Whether an `offline_replay` claim is consistent with the sync, so it may excuse an old fix (issue #17.3): the queued
 * item says when the action was taken (`queued_at`) and the fix was taken with it (within the capture window of that
 * time, either side). A claim without its queue time, or with a fix that was already stale when the rep acted, excuses
 * nothing. (A stale fix is > 2 min before receipt, so a queue time within 2 min of it is never after the receipt.)
 */
export function offlineReplayConsistent(i: Pick<FlagInput, "offlineReplay" | "queuedAt" | "capturedAt" | "receivedAt">): boolean {
  if (!i.offlineReplay || !i.queuedAt) return false;
  const fixToAction = Math.abs(i.queuedAt.getTime() - i.capturedAt.getTime());
  return fixToAction <= CAPTURE_WINDOW_MS;
}

export function computeFlags(i: FlagInput): FixFlag[] {
  const flags: FixFlag[] = [];
  const ageMs = i.receivedAt.getTime() - i.capturedAt.getTime();
  if (i.accuracyM > i.radiusM) flags.push("LOW_ACCURACY");
  if (ageMs > STALE_AFTER_MS && !offlineReplayConsistent(i)) flags.push("STALE_FIX");
  if (i.speedKmh !== null && i.speedKmh > MAX_SPEED_KMH) flags.push("IMPOSSIBLE_SPEED");
  if (i.repeatedCoords) flags.push("REPEATED_COORDS");
  if (-ageMs > CLOCK_SKEW_TOLERANCE_MS) flags.push("CLOCK_SKEW");
  return flags;
}

/** Points taken off 100 for the verdict and for each flag. */
export const STATUS_PENALTY: Record<ValidationStatus, number> = { VALID: 0, WARNING: 25, INVALID: 60 };
export const FLAG_PENALTY: Record<FixFlag, number> = {
  LOW_ACCURACY: 15,
  STALE_FIX: 15,
  IMPOSSIBLE_SPEED: 35,
  REPEATED_COORDS: 30,
  CLOCK_SKEW: 10,
};

export type EvidenceInput = FlagInput & { status: ValidationStatus; distanceM: number; flags: readonly FixFlag[] };
export type Evidence = { score: number; reasons: string[] };

const m = (x: number) => `${x.toFixed(2)} m`;

/** Score 0–100 (100 − penalties, floored at 0) with one human-readable reason per factor, verdict first. */
export function scoreEvidence(i: EvidenceInput): Evidence {
  const reasons: string[] = [];
  const r = `${i.radiusM} m`;
  if (i.status === "VALID") reasons.push(`Inside the geofence: ${m(i.distanceM)} from the location (radius ${r}).`);
  else if (i.status === "WARNING") reasons.push(`Outside the geofence but within twice its radius: ${m(i.distanceM)} from the location (radius ${r}).`);
  else reasons.push(`Far outside the geofence: ${m(i.distanceM)} from the location, more than twice the radius (${r}).`);
  const ageS = Math.round((i.receivedAt.getTime() - i.capturedAt.getTime()) / 1000);
  for (const f of i.flags) {
    if (f === "LOW_ACCURACY") reasons.push(`Low GPS accuracy: ±${i.accuracyM} m is wider than the ${r} geofence.`);
    if (f === "STALE_FIX")
      reasons.push(
        i.offlineReplay
          ? `Stale fix: captured ${ageS} s before it reached the server; marked as an offline replay, but the queued action's time does not match the fix (${i.queuedAt ? `queued ${Math.round((i.queuedAt.getTime() - i.capturedAt.getTime()) / 1000)} s after the fix` : "no queued_at"}).`
          : `Stale fix: captured ${ageS} s before it reached the server, and not marked as an offline replay.`,
      );
    if (f === "IMPOSSIBLE_SPEED") reasons.push(`Impossible speed: ${Math.round(i.speedKmh ?? 0)} km/h from the previous fix (limit ${MAX_SPEED_KMH} km/h).`);
    if (f === "REPEATED_COORDS") reasons.push("Repeated coordinates: exactly the same position as another visit (a real GPS fix almost never repeats).");
    if (f === "CLOCK_SKEW") reasons.push(`Clock skew: the device clock is ${-ageS} s ahead of the server.`);
  }
  const penalty = STATUS_PENALTY[i.status] + i.flags.reduce((sum, f) => sum + FLAG_PENALTY[f], 0);
  return { score: Math.max(0, 100 - penalty), reasons };
}
