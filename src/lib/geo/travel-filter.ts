import { metersBetween, type Point } from "./distance";

/**
 * Honest kilometres from fixes (docs/decisions/0012-browser-travel-filter.md). THE travel rule of the product: the
 * rep's Day summary runs it on the phone's fixes and the server runs it on the stored pings (compute-travel.ts), so
 * the two can never disagree about which fixes count. A browser never says whether a fix came from GPS or the
 * network, so the filter uses only what every fix has: accuracy, timestamp and the speed implied by consecutive
 * fixes. Fixes are taken in the order given (the phone: recorded order; the server: captured_at, then id).
 */
export type Fix = Point & {
  accuracy_m: number;
  t: number /* epoch ms */;
  /** Only an API client that really knows says so; the PWA never sends it. `network` fixes are ignored. */
  source?: string | null;
};

export const TRAVEL_FILTER = {
  /** A 100 m circle cannot place anyone at a shop. */
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
  /** A spike is at most this many consecutive fixes (coarse fixes during a pause can come two in a row). */
  spikeMaxFixes: 2,
} as const;

export type TravelDrops = { accuracy: number; network: number; backwards: number; speed: number; jitter: number; spike: number };
export type TravelResult = {
  /** Sum of the counted legs, measured with `metersBetween` (the phone's display figure). */
  meters: number;
  kept: number;
  /** Indices (into the input) of the fixes the track runs through, in order. */
  keptIndices: number[];
  /** The moves that count, as [from, to] indices: the server measures exactly these on the spheroid. */
  legs: [number, number][];
  dropped: TravelDrops;
};

export function filteredTravel(fixes: readonly Fix[], opts = TRAVEL_FILTER): TravelResult {
  const dropped: TravelDrops = { accuracy: 0, network: 0, backwards: 0, speed: 0, jitter: 0, spike: 0 };
  const keptIndices: number[] = [];
  const legs: [number, number][] = [];
  let last = -1;
  let suspects: number[] = [];
  const leg = (a: number, b: number) => metersBetween(fixes[a]!, fixes[b]!);
  /** Where the track was `m` counted legs before `last` (undefined if a re-anchor or the start is in between). */
  const origin = (m: number): number | undefined => {
    let at = last;
    for (let k = 1; k <= m; k++) {
      const l = legs[legs.length - k];
      if (!l || l[1] !== at) return undefined;
      at = l[0];
    }
    return at;
  };
  /** Takes back the last `m` counted legs (their fixes were a spike) and continues from where they left. */
  const takeBack = (m: number, from: number) => {
    legs.splice(legs.length - m, m);
    keptIndices.splice(keptIndices.length - m, m);
    dropped.spike += m;
    last = from;
  };
  const count = (i: number) => {
    legs.push([last, i]);
    keptIndices.push(i);
    last = i;
  };
  const step = (i: number): void => {
    const f = fixes[i]!;
    if (!(f.accuracy_m <= opts.maxAccuracyM)) return void dropped.accuracy++;
    if (f.source === "network") return void dropped.network++;
    if (last < 0) {
      last = i;
      keptIndices.push(i);
      return;
    }
    const l = fixes[last]!;
    // A timestamp at or before the last kept fix: a cached or replayed position, not a new place.
    if (f.t <= l.t) return void dropped.backwards++;
    const d = metersBetween(l, f);
    const slack = l.accuracy_m + f.accuracy_m;
    // Jitter: a move inside the two accuracy circles is not a move (compared with the last KEPT fix).
    if (d < slack) {
      dropped.jitter++;
      suspects = [];
      return;
    }
    const speed = (d - slack) / ((f.t - l.t) / 1000);
    if (speed > opts.maxSpeedMps) {
      dropped.speed++;
      suspects.push(i);
      if (suspects.length >= opts.reanchorAfter && consistent(suspects.map((k) => fixes[k]!), opts)) {
        // The fixes keep agreeing with each other and not with the last kept one: that one was the jump.
        const run = suspects;
        suspects = [];
        const from = origin(1);
        if (from !== undefined && consistent([fixes[from]!, fixes[run[0]!]!], opts)) {
          // It was reached by a counted leg from a fix the track continues from (a jump out after a pause, at a
          // plausible speed, whose way back was impossible): a spike. Take its leg back and replay the run from there.
          takeBack(1, from);
          dropped.speed -= run.length;
          run.forEach(step);
          return;
        }
        // Re-anchor without counting the jump itself.
        last = run[run.length - 1]!;
        keptIndices.push(last);
      }
      return;
    }
    suspects = [];
    // A spike of one or two fixes: an excursion whose first leg out and this leg back are both long, and that ends
    // within a quarter of them from where it left. Take its legs back and measure from where it left.
    for (let m = 1; m <= opts.spikeMaxFixes; m++) {
      const from = origin(m);
      if (from === undefined) break;
      const out = leg(from, legs[legs.length - m]![1]);
      const back = leg(from, i);
      if (out >= opts.spikeLegM && d >= opts.spikeLegM && back < 0.25 * Math.min(out, d)) {
        takeBack(m, from);
        if (back >= fixes[from]!.accuracy_m + f.accuracy_m) count(i);
        return;
      }
    }
    count(i);
  };
  fixes.forEach((_, i) => step(i));
  const meters = legs.reduce((m, [a, b]) => m + leg(a, b), 0);
  return { meters, kept: keptIndices.length, keptIndices, legs, dropped };
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
