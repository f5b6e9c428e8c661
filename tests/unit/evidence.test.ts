import { describe, expect, it } from "vitest";
import { computeFlags, scoreEvidence, type FlagInput } from "../../src/server/visits/evidence";

const now = new Date("2026-11-25T10:00:00.000Z");
const base: FlagInput = { radiusM: 50, accuracyM: 10, capturedAt: new Date(now.getTime() - 5_000), receivedAt: now, offlineReplay: false, queuedAt: null, speedKmh: 12, repeatedCoords: false };
const at = (msBeforeNow: number) => new Date(now.getTime() - msBeforeNow);

describe("computeFlags", () => {
  it("a fresh, accurate, plausible fix has no flags", () => expect(computeFlags(base)).toEqual([]));

  it("LOW_ACCURACY when the reported accuracy is wider than the radius (not at equality)", () => {
    expect(computeFlags({ ...base, accuracyM: 50 })).toEqual([]);
    expect(computeFlags({ ...base, accuracyM: 50.1 })).toEqual(["LOW_ACCURACY"]);
  });

  it("STALE_FIX beyond 2 minutes of age, unless the action is an offline replay consistent with its queue time", () => {
    expect(computeFlags({ ...base, capturedAt: at(120_000) })).toEqual([]);
    expect(computeFlags({ ...base, capturedAt: at(120_001) })).toEqual(["STALE_FIX"]);
    // Taken three days ago, queued with its fix, sent now: the fix was fresh when the rep acted.
    expect(computeFlags({ ...base, capturedAt: at(3 * 86_400_000), offlineReplay: true, queuedAt: at(3 * 86_400_000 - 30_000) })).toEqual([]);
  });

  describe("offline_replay excuses an old fix only when the queued item's times agree with the sync (#17.3)", () => {
    const fixAt = at(3_600_000); // an hour-old fix
    const replay = (queuedAt: Date | null) => computeFlags({ ...base, capturedAt: fixAt, offlineReplay: true, queuedAt });
    const after = (ms: number) => new Date(fixAt.getTime() + ms);
    it("no queue time: the claim excuses nothing", () => expect(replay(null)).toEqual(["STALE_FIX"]));
    it("queued within 2 minutes of the fix, either side (bounds inclusive)", () => {
      expect(replay(after(0))).toEqual([]);
      expect(replay(after(120_000))).toEqual([]);
      expect(replay(after(-120_000))).toEqual([]);
      expect(replay(after(120_001))).toEqual(["STALE_FIX"]); // the fix was already stale when the rep acted
      expect(replay(after(-120_001))).toEqual(["STALE_FIX"]);
    });
    it("a queue time without the offline_replay mark excuses nothing", () => {
      expect(computeFlags({ ...base, capturedAt: fixAt, offlineReplay: false, queuedAt: fixAt })).toEqual(["STALE_FIX"]);
    });
    it("the reason says why the replay did not excuse the fix", () => {
      const flags = replay(after(5 * 60_000));
      const e = scoreEvidence({ ...base, capturedAt: fixAt, offlineReplay: true, queuedAt: after(5 * 60_000), status: "VALID", distanceM: 3, flags });
      expect(e.reasons[1]).toMatch(/offline replay.*queued 300 s after the fix/);
    });
  });

  it("IMPOSSIBLE_SPEED above 200 km/h; none without a previous fix", () => {
    expect(computeFlags({ ...base, speedKmh: 200 })).toEqual([]);
    expect(computeFlags({ ...base, speedKmh: 200.1 })).toEqual(["IMPOSSIBLE_SPEED"]);
    expect(computeFlags({ ...base, speedKmh: null })).toEqual([]);
  });

  it("REPEATED_COORDS as reported; CLOCK_SKEW when the fix is more than 30 s ahead of the server", () => {
    expect(computeFlags({ ...base, repeatedCoords: true })).toEqual(["REPEATED_COORDS"]);
    expect(computeFlags({ ...base, capturedAt: at(-30_000) })).toEqual([]);
    expect(computeFlags({ ...base, capturedAt: at(-30_001) })).toEqual(["CLOCK_SKEW"]);
  });

  it("several flags together, in a stable order", () => {
    expect(computeFlags({ ...base, accuracyM: 80, capturedAt: at(600_000), speedKmh: 900, repeatedCoords: true })).toEqual([
      "LOW_ACCURACY",
      "STALE_FIX",
      "IMPOSSIBLE_SPEED",
      "REPEATED_COORDS",
    ]);
  });
});

describe("scoreEvidence", () => {
  it("VALID without flags scores 100 with one reason naming distance and radius", () => {
    const e = scoreEvidence({ ...base, status: "VALID", distanceM: 39.01, flags: [] });
    expect(e).toEqual({ score: 100, reasons: ["Inside the geofence: 39.01 m from the location (radius 50 m)."] });
  });

  it("the verdict costs 0 / 25 / 60 points", () => {
    expect(scoreEvidence({ ...base, status: "WARNING", distanceM: 69.82, flags: [] }).score).toBe(75);
    expect(scoreEvidence({ ...base, status: "INVALID", distanceM: 274.82, flags: [] }).score).toBe(40);
  });

  it("each flag costs its points and adds its reason", () => {
    const e = scoreEvidence({ ...base, accuracyM: 65, speedKmh: 480, status: "WARNING", distanceM: 80, flags: ["LOW_ACCURACY", "IMPOSSIBLE_SPEED"] });
    expect(e.score).toBe(100 - 25 - 15 - 35);
    expect(e.reasons).toHaveLength(3);
    expect(e.reasons[1]).toMatch(/±65 m/);
    expect(e.reasons[2]).toMatch(/480 km\/h/);
  });

  it("never goes below 0", () => {
    const e = scoreEvidence({ ...base, status: "INVALID", distanceM: 5000, flags: ["LOW_ACCURACY", "STALE_FIX", "IMPOSSIBLE_SPEED", "REPEATED_COORDS", "CLOCK_SKEW"] });
    expect(e.score).toBe(0);
    expect(e.reasons).toHaveLength(6);
  });
});
