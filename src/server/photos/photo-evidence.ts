/**
 * The PHOTO validation's flags and reasons, as pure functions (rules in docs/decisions/0003-geofence-evidence.md,
 * "Selfie"). Flags never block; they take points off the visit's evidence score like the GPS flags do.
 */
import type { CaptureFix, PhotoFlag, PhotoSource, PhotoValidation } from "@/contracts/photos";
import { MAX_FUTURE_MS } from "../visits/evidence";
import { CAPTURE_WINDOW_MS } from "@/contracts/field-rules";
export { CAPTURE_WINDOW_MS };

export const PHOTO_TIME_SKEW_MS = 15 * 60_000;
/** Failing flags make the PHOTO row invalid; the others are information about how strong the evidence is. */
const FAILING: readonly PhotoFlag[] = ["PHOTO_GPS_MISMATCH", "PHOTO_TIME_SKEW", "CAPTURE_FIX_MISMATCH"];
export const PHOTO_FLAG_PENALTY: Record<PhotoFlag, number> = {
  PHOTO_GPS_MISMATCH: 30,
  CAPTURE_FIX_MISMATCH: 30,
  PHOTO_TIME_SKEW: 15,
  FILE_UPLOAD: 10,
  NO_CAPTURE_FIX: 10,
  NO_SELFIE: 20,
  // A live capture never has EXIF GPS (DESIGN §7): this is information, not a fault.
  NO_PHOTO_GPS: 0,
};

export type PhotoFacts = {
  source: PhotoSource;
  radiusM: number;
  exifGps: { lat: number; lon: number } | null;
  /** PostGIS spheroid distance from the location, metres (null without EXIF GPS). */
  exifGpsDistanceM: number | null;
  captureFix: CaptureFix | null;
  captureFixDistanceM: number | null;
  photoTime: { at: Date; basis: NonNullable<PhotoValidation["photo_time_basis"]> } | null;
  /** Why the device's time was not believed (photoTimeWithoutExif), shown with the photo time. */
  photoTimeDoubt?: string | null;
  /** The device clock when the photo was captured (the client's word). */
  deviceTime: Date;
  /** When the server received the upload. */
  receivedAt: Date;
  checkInAt: Date;
};

export type DeviceTimeFacts = { deviceTime: Date; receivedAt: Date; captureFixAt: Date | null; offlineReplay: boolean };

/**
 * The photo time of a capture without EXIF time (every live canvas capture): the device clock only where the server's
 * receipt and the capture fix agree with it, else the server's receipt time. A live upload is sent as it is taken,
 * so its device time must be within CAPTURE_WINDOW_MS before receipt; an offline replay may be older, but only when its
 * own fix was taken with it (within CAPTURE_WINDOW_MS of the device time). No device time after receipt (beyond the
 * clock tolerance MAX_FUTURE_MS) is believed.
 */
export function photoTimeWithoutExif(f: DeviceTimeFacts): { at: Date; basis: "device_time" | "received_at"; doubt: string | null } {
  const lag = f.receivedAt.getTime() - f.deviceTime.getTime();
  const server = (doubt: string) => ({ at: f.receivedAt, basis: "received_at" as const, doubt });
  if (lag < -MAX_FUTURE_MS) return server(`The device clock put the capture ${minutes(lag)} after the server received it.`);
  if (!f.offlineReplay && lag > CAPTURE_WINDOW_MS) return server(`A live upload received ${minutes(lag)} after the device time it claims.`);
  if (f.offlineReplay && f.captureFixAt && Math.abs(f.captureFixAt.getTime() - f.deviceTime.getTime()) > CAPTURE_WINDOW_MS) {
    return server(`Sent from the offline queue, but its capture fix was taken ${minutes(f.captureFixAt.getTime() - f.deviceTime.getTime())} from its device time.`);
  }
  return { at: f.deviceTime, basis: "device_time", doubt: null };
}

const m = (x: number) => `${x.toFixed(2)} m`;
const minutes = (ms: number) => `${Math.round(Math.abs(ms) / 60_000)} min`;

export function judgePhoto(f: PhotoFacts): PhotoValidation {
  const flags: PhotoFlag[] = [];
  const reasons: string[] = [];
  const twoR = 2 * f.radiusM;
  if (f.source === "file") {
    flags.push("FILE_UPLOAD");
    reasons.push("Picked or shot through the file picker, not a live camera capture: weaker evidence (it could be an older photo).");
  }
  if (f.exifGpsDistanceM === null) {
    flags.push("NO_PHOTO_GPS");
    reasons.push("No GPS in the photo's EXIF: normal for a live browser capture (canvas images carry none, and Android strips it from picked files).");
  } else if (f.exifGpsDistanceM > twoR) {
    flags.push("PHOTO_GPS_MISMATCH");
    reasons.push(`The photo's EXIF GPS is ${m(f.exifGpsDistanceM)} from the location, more than twice the radius (${twoR} m).`);
  } else {
    reasons.push(`The photo's EXIF GPS is ${m(f.exifGpsDistanceM)} from the location (within ${twoR} m).`);
  }
  const fixLag = f.captureFix ? Date.parse(f.captureFix.captured_at) - f.deviceTime.getTime() : 0;
  const fixFuture = f.captureFix ? Date.parse(f.captureFix.captured_at) - f.receivedAt.getTime() : 0;
  if (f.captureFix === null || f.captureFixDistanceM === null) {
    flags.push("NO_CAPTURE_FIX");
    reasons.push("No GPS fix could be taken at the moment of capture.");
  } else if (Math.abs(fixLag) > CAPTURE_WINDOW_MS || fixFuture > MAX_FUTURE_MS) {
    // The fix's own timestamp is checked: a fix from another moment says nothing about where the photo was taken.
    flags.push("NO_CAPTURE_FIX");
    reasons.push(
      fixFuture > MAX_FUTURE_MS
        ? `The "capture" fix is dated ${minutes(fixFuture)} after the server received the photo: not a fix taken at capture.`
        : `The "capture" fix was taken ${minutes(fixLag)} ${fixLag < 0 ? "before" : "after"} the photo: not a fix taken at capture (${m(f.captureFixDistanceM)} from the location).`,
    );
  } else if (f.captureFixDistanceM > twoR) {
    flags.push("CAPTURE_FIX_MISMATCH");
    reasons.push(`The fix taken at capture is ${m(f.captureFixDistanceM)} from the location, more than twice the radius (${twoR} m).`);
  } else {
    reasons.push(`The fix taken at capture is ${m(f.captureFixDistanceM)} from the location (±${f.captureFix.accuracy_m} m).`);
  }
  if (f.photoTime) {
    const skew = f.photoTime.at.getTime() - f.checkInAt.getTime();
    const basis = {
      offset: "camera time with its UTC offset",
      org_time_zone: "camera time read in the organisation's time zone",
      gps_time: "EXIF GPS time (UTC)",
      device_time: "device clock at capture, consistent with the server's receipt",
      received_at: `the server's receipt time; ${f.photoTimeDoubt ?? "the device clock was not believed"}`,
    }[f.photoTime.basis];
    if (Math.abs(skew) > PHOTO_TIME_SKEW_MS) {
      flags.push("PHOTO_TIME_SKEW");
      reasons.push(`Photo taken ${minutes(skew)} ${skew < 0 ? "before" : "after"} the check-in (${basis}); more than ${PHOTO_TIME_SKEW_MS / 60_000} min apart.`);
    } else {
      reasons.push(`Photo taken within ${minutes(skew)} of the check-in (${basis}).`);
    }
  }
  const penalty = flags.reduce((sum, fl) => sum + PHOTO_FLAG_PENALTY[fl], 0);
  return {
    is_valid: !flags.some((fl) => FAILING.includes(fl)),
    flags,
    reasons,
    penalty,
    exif_gps_distance_m: f.exifGpsDistanceM,
    capture_fix_distance_m: f.captureFixDistanceM,
    photo_time: f.photoTime?.at.toISOString() ?? null,
    photo_time_basis: f.photoTime?.basis ?? null,
  };
}
