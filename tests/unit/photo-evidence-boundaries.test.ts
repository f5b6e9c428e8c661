/**
 * Every photo flag at and around its boundary, written from the rules in docs/decisions/0003-geofence-evidence.md
 * ("Selfie") and DESIGN §6 — the numbers here are the documented ones (2r, 15 min, 2 min), not the code's constants,
 * so a changed rule fails here. Also the geofence verdict's own boundaries (VALID ≤ r, WARNING ≤ 2r, INVALID beyond),
 * and the photo time of a live capture without EXIF, judged against the server's receipt and the capture fix's time.
 */
import { describe, expect, it } from "vitest";
import type { PhotoFlag } from "../../src/contracts/photos";
import { geofenceStatus } from "../../src/server/geo/verdict";
import { judgePhoto, photoTimeWithoutExif, type PhotoFacts } from "../../src/server/photos/photo-evidence";

const MIN = 60_000;
const checkInAt = new Date("2026-03-02T05:00:00.000Z");
const at = (ms: number) => new Date(checkInAt.getTime() + ms);

/** A clean live capture one minute after check-in: fix taken with it, uploaded 30 s later, EXIF GPS at the place. */
function facts(over: Partial<PhotoFacts> = {}): PhotoFacts {
  const deviceTime = over.deviceTime ?? at(1 * MIN);
  return {
    source: "camera",
    radiusM: 50,
    exifGps: { lat: 12.97, lon: 77.59 },
    exifGpsDistanceM: 10,
    captureFix: { lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: deviceTime.toISOString() },
    captureFixDistanceM: 12,
    photoTime: { at: deviceTime, basis: "device_time" },
    deviceTime,
    receivedAt: new Date(deviceTime.getTime() + 30_000),
    checkInAt,
    ...over,
  };
}
const flagsOf = (over: Partial<PhotoFacts>): PhotoFlag[] => judgePhoto(facts(over)).flags;

describe("the geofence verdict: VALID ≤ r, WARNING ≤ 2r, INVALID beyond", () => {
  for (const r of [50, 120]) {
    it(`r = ${r}: r is VALID, a centimetre beyond is WARNING`, () => {
      expect(geofenceStatus(r, r)).toBe("VALID");
      expect(geofenceStatus(r + 0.01, r)).toBe("WARNING");
    });
    it(`r = ${r}: 2r is still WARNING`, () => {
      expect(geofenceStatus(2 * r, r)).toBe("WARNING");
    });
    it(`r = ${r}: a centimetre beyond 2r is INVALID`, () => {
      expect(geofenceStatus(2 * r + 0.01, r)).toBe("INVALID");
    });
    it(`r = ${r}: 2.5r is INVALID`, () => {
      expect(geofenceStatus(2.5 * r, r)).toBe("INVALID");
    });
  }
});

describe("PHOTO_GPS_MISMATCH: EXIF GPS farther than 2r from the location", () => {
  it("at 2r: no flag; a centimetre beyond: flagged, and the photo is not valid", () => {
    expect(flagsOf({ exifGpsDistanceM: 100 })).not.toContain("PHOTO_GPS_MISMATCH");
    expect(flagsOf({ exifGpsDistanceM: 100.01 })).toContain("PHOTO_GPS_MISMATCH");
    expect(judgePhoto(facts({ exifGpsDistanceM: 100.01 })).is_valid).toBe(false);
  });
  it("follows the location's radius (r = 80: 160 m is fine, 160.01 m is not)", () => {
    expect(flagsOf({ radiusM: 80, exifGpsDistanceM: 160 })).not.toContain("PHOTO_GPS_MISMATCH");
    expect(flagsOf({ radiusM: 80, exifGpsDistanceM: 160.01 })).toContain("PHOTO_GPS_MISMATCH");
  });
  it("no EXIF GPS: NO_PHOTO_GPS, information only (no points off, still valid)", () => {
    const v = judgePhoto(facts({ exifGps: null, exifGpsDistanceM: null }));
    expect(v.flags).toEqual(["NO_PHOTO_GPS"]);
    expect(v.penalty).toBe(0);
    expect(v.is_valid).toBe(true);
  });
});

describe("CAPTURE_FIX_MISMATCH and NO_CAPTURE_FIX: the fix taken at capture", () => {
  it("at 2r: no flag; a centimetre beyond: flagged (30 points), not valid", () => {
    expect(flagsOf({ captureFixDistanceM: 100 })).not.toContain("CAPTURE_FIX_MISMATCH");
    const v = judgePhoto(facts({ captureFixDistanceM: 100.01 }));
    expect(v.flags).toContain("CAPTURE_FIX_MISMATCH");
    expect(v.is_valid).toBe(false);
    expect(v.penalty).toBe(30);
  });
  it("no fix at all: NO_CAPTURE_FIX (10 points), still valid", () => {
    const v = judgePhoto(facts({ captureFix: null, captureFixDistanceM: null }));
    expect(v.flags).toContain("NO_CAPTURE_FIX");
    expect(v.penalty).toBe(10);
    expect(v.is_valid).toBe(true);
  });
  it("the fix's own timestamp is checked: 2 min from the device time is a fix at capture, 2 min + 1 ms is not", () => {
    const fixAt = (ms: number) => ({ lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: at(1 * MIN + ms).toISOString() });
    for (const ms of [-2 * MIN, 2 * MIN]) expect(flagsOf({ captureFix: fixAt(ms), receivedAt: at(4 * MIN) })).not.toContain("NO_CAPTURE_FIX");
    for (const ms of [-2 * MIN - 1, 2 * MIN + 1]) expect(flagsOf({ captureFix: fixAt(ms), receivedAt: at(4 * MIN) })).toContain("NO_CAPTURE_FIX");
  });
  it("a fix dated more than 2 min after the server received the photo is not a fix at capture", () => {
    const deviceTime = at(10 * MIN);
    const fix = { lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: deviceTime.toISOString() };
    expect(flagsOf({ deviceTime, captureFix: fix, receivedAt: at(8 * MIN) })).not.toContain("NO_CAPTURE_FIX");
    expect(flagsOf({ deviceTime, captureFix: fix, receivedAt: new Date(at(8 * MIN).getTime() - 1) })).toContain("NO_CAPTURE_FIX");
  });
});

describe("PHOTO_TIME_SKEW: photo time more than 15 min from the check-in", () => {
  const taken = (ms: number) => ({ photoTime: { at: at(ms), basis: "offset" as const } });
  it("15 min after the check-in: no flag; 15 min + 1 ms: flagged (15 points), not valid", () => {
    expect(flagsOf(taken(15 * MIN))).not.toContain("PHOTO_TIME_SKEW");
    const v = judgePhoto(facts(taken(15 * MIN + 1)));
    expect(v.flags).toContain("PHOTO_TIME_SKEW");
    expect(v.penalty).toBe(15);
    expect(v.is_valid).toBe(false);
  });
  it("15 min before the check-in: no flag; 15 min + 1 ms before: flagged", () => {
    expect(flagsOf(taken(-15 * MIN))).not.toContain("PHOTO_TIME_SKEW");
    expect(flagsOf(taken(-15 * MIN - 1))).toContain("PHOTO_TIME_SKEW");
  });
  it("an hour and a day apart: flagged", () => {
    expect(flagsOf(taken(60 * MIN))).toContain("PHOTO_TIME_SKEW");
    expect(flagsOf(taken(-24 * 60 * MIN))).toContain("PHOTO_TIME_SKEW");
  });
});

describe("FILE_UPLOAD: not a live capture", () => {
  it("the file picker: flagged (10 points), still valid; a live camera capture: not", () => {
    const v = judgePhoto(facts({ source: "file" }));
    expect(v.flags).toContain("FILE_UPLOAD");
    expect(v.penalty).toBe(10);
    expect(v.is_valid).toBe(true);
    expect(flagsOf({ source: "camera" })).not.toContain("FILE_UPLOAD");
  });
});

describe("the photo time of a capture without EXIF time: the client's clock only where the server agrees", () => {
  const deviceTime = at(1 * MIN);
  const judge = (receivedMs: number, offlineReplay = false, fixMs: number | null = 0) =>
    photoTimeWithoutExif({ deviceTime, receivedAt: at(1 * MIN + receivedMs), captureFixAt: fixMs === null ? null : at(1 * MIN + fixMs), offlineReplay });
  it("a live upload received 2 min after its device time: the device time; 2 min + 1 ms: the server's receipt", () => {
    expect(judge(2 * MIN)).toMatchObject({ at: deviceTime, basis: "device_time", doubt: null });
    expect(judge(2 * MIN + 1)).toMatchObject({ at: at(3 * MIN + 1), basis: "received_at" });
  });
  it("a device time up to 2 min after the receipt is clock tolerance; beyond it, the server's receipt", () => {
    expect(judge(-2 * MIN).basis).toBe("device_time");
    expect(judge(-2 * MIN - 1).basis).toBe("received_at");
  });
  it("an offline replay may be old, when its capture fix was taken with it (within 2 min); not when the fix is 2 min + 1 ms off", () => {
    expect(judge(3 * 24 * 60 * MIN, true, 2 * MIN)).toMatchObject({ at: deviceTime, basis: "device_time" });
    expect(judge(3 * 24 * 60 * MIN, true, -2 * MIN - 1).basis).toBe("received_at");
    expect(judge(3 * 24 * 60 * MIN, true, null).basis).toBe("device_time");
  });
  it("a live capture that claims the check-in's minute but reaches the server an hour later is judged by the receipt: PHOTO_TIME_SKEW", () => {
    const t = photoTimeWithoutExif({ deviceTime: checkInAt, receivedAt: at(60 * MIN), captureFixAt: checkInAt, offlineReplay: false });
    const v = judgePhoto(facts({ exifGps: null, exifGpsDistanceM: null, deviceTime: checkInAt, receivedAt: at(60 * MIN), photoTime: t, photoTimeDoubt: t.doubt, captureFix: { lat: 12.97, lon: 77.59, accuracy_m: 8, captured_at: checkInAt.toISOString() } }));
    expect(v.photo_time_basis).toBe("received_at");
    expect(v.flags).toContain("PHOTO_TIME_SKEW");
    expect(v.reasons.join(" ")).toMatch(/server's receipt/);
  });
});
