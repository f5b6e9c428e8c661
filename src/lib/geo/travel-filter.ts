import { metersBetween, type Point } from "./distance";

/**
 * Honest kilometres from browser fixes (docs/decisions/0012-browser-travel-filter.md). A browser never says whether
 * a fix came from GPS or the network, so the filter uses only what every fix has: accuracy, timestamp and the speed
 * implied by consecutive fixes. Fixes are taken in the order they were recorded.
 */
export type Fix = Point & { accuracy_m: number; t: number /* epoch ms */ };

export const TRAVEL_FILTER = {
  /** A 100 m circle cannot place anyone at a shop (same rule as the server's filter). */
  maxAccuracyM: 100,
  /** Faster than this (beyond the two fixes' accuracy) is not a person on foot or in a car: 180 km/h. */
  maxSpeedMps: 50,
  /** After this many consecutive "impossible" fixes that agree with each other, the last kept fix was the outlier. */
  reanchorAfter: 3,
  /**
   * An out-and-back of at least this many metres per leg that lands back within a quarter of the leg from where it
   * left is a spike (one coarse fix after a pause can imply a plausible speed; its return trip gives it away).
   */
  spikeLegM: 200,
} as const;

export type TravelResult = { meters: number; kept: number; dropped: { accuracy: number; backwards: number; speed: number; jitter: number; spike: number } };

export function filteredTravel(fixes: readonly Fix[], opts = TRAVEL_FILTER): TravelResult {
  const dropped = { accuracy: 0, backwards: 0, speed: 0, jitter: 0, spike: 0 };
  let meters = 0;
  let kept = 0;
  let last: Fix | null = null;
  // The kept fix before `last` and the metres `last` added: enough to take back a spike.
  let before: Fix | null = null;
  let lastLeg = 0;
  let suspects: Fix[] = [];
  for (const f of fixes) {
    if (!(f.accuracy_m <= opts.maxAccuracyM)) {
      dropped.accuracy++;
      continue;
    }
    if (!last) {
      last = f;
      kept++;
      continue;
    }
    // A timestamp at or before the last kept fix: a cached or replayed position, not a new place.
    if (f.t <= last.t) {
      dropped.backwards++;
      continue;
    }
    const d = metersBetween(last, f);
    const slack = last.accuracy_m + f.accuracy_m;
    // Jitter: a move inside the two accuracy circles is not a move (compared with the last KEPT fix).
    if (d < slack) {
      dropped.jitter++;
      suspects = [];
      continue;
    }
    const speed = (d - slack) / ((f.t - last.t) / 1000);
    if (speed > opts.maxSpeedMps) {
      dropped.speed++;
      suspects.push(f);
      if (suspects.length >= opts.reanchorAfter && consistent(suspects, opts)) {
        // The fixes keep agreeing with each other and not with the last kept one: that one was the jump.
        // Re-anchor without adding the jump itself.
        last = suspects[suspects.length - 1]!;
        kept++;
        suspects = [];
      }
      continue;
    }
    suspects = [];
    if (before && lastLeg >= opts.spikeLegM && d >= opts.spikeLegM && metersBetween(before, f) < 0.25 * Math.min(lastLeg, d)) {
      // `last` was a spike: take its leg back and measure from the fix before it.
      meters -= lastLeg;
      kept--;
      dropped.spike++;
      last = before;
      before = null;
      const back = metersBetween(last, f);
      lastLeg = back >= last.accuracy_m + f.accuracy_m ? back : 0;
      meters += lastLeg;
      if (lastLeg > 0) {
        before = last;
        last = f;
        kept++;
      }
      continue;
    }
    meters += d;
    kept++;
    before = last;
    last = f;
    lastLeg = d;
  }
  return { meters, kept, dropped };
}

function consistent(run: readonly Fix[], opts: typeof TRAVEL_FILTER): boolean {
  for (let i = 1; i < run.length; i++) {
    const a = run[i - 1]!;
    const b = run[i]!;
    if (b.t <= a.t) return false;
    const v = (metersBetween(a, b) - a.accuracy_m - b.accuracy_m) / ((b.t - a.t) / 1000);
    if (v > opts.maxSpeedMps) return false;
  }
  return true;
}
