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
  /**
   * Isolated outliers in a dense track (issue #17.8: a phone interleaving 1 s GPS fixes with network fixes 17–60 m
   * off the path). Judged against the fixes before and after, at most this far apart in time.
   */
  outlierWindowMs: 60_000,
  /** Neighbours at most this far apart: dense enough that the position in between is their time interpolation. */
  denseWindowMs: 5_000,
  /** An excursion faster than max(paceFactor × pace, pace + paceMarginMps), pace = the median move speed nearby. */
  paceFactor: 3,
  paceMarginMps: 3,
  /** Fixes on each side whose move speeds give the local pace. */
  paceFixes: 10,
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
  const walk = new TravelWalk(fixes, opts, isolatedOutliers(fixes, opts));
  fixes.forEach((_, i) => walk.step(i));
  const meters = walk.legs.reduce((m, [a, b]) => m + walk.leg(a, b), 0);
  return { meters, kept: walk.keptIndices.length, keptIndices: walk.keptIndices, legs: walk.legs, dropped: walk.dropped };
}

/**
 * Where a walk resumes (src/lib/geo/travel-checkpoint.ts): the state after some fix, as indices into the walk's
 * fixes. `legs` is only the tail of the counted legs; `hiddenLegs` more were counted before it.
 */
export type WalkState = { last: number; suspects: number[]; legs: [number, number][]; hiddenLegs: number };

/** A resumed walk needed a counted leg older than the tail it was given: only a walk of the whole day can go on. */
export class TrailBeyondCheckpoint extends Error {
  constructor() {
    super("the travel filter took back more legs than the checkpoint holds");
  }
}

/** The filter's state while it walks the fixes in order: the track so far (kept fixes, counted legs) and the suspects. */
export class TravelWalk {
  readonly dropped: TravelDrops = { accuracy: 0, network: 0, backwards: 0, speed: 0, jitter: 0, spike: 0 };
  readonly keptIndices: number[] = [];
  readonly legs: [number, number][] = [];
  private last = -1;
  /** Consecutive fixes too fast to reach from `last`: if they agree with each other, `last` was the outlier. */
  private suspects: number[] = [];
  /** Counted legs before `legs[0]` that a resumed walk was not given (never taken back: it throws instead). */
  private readonly hiddenLegs: number = 0;

  constructor(
    private readonly fixes: readonly Fix[],
    private readonly opts: typeof TRAVEL_FILTER,
    private readonly outliers: ReadonlySet<number>,
    from?: WalkState,
  ) {
    if (from) {
      this.last = from.last;
      this.suspects = [...from.suspects];
      this.legs.push(...from.legs.map(([a, b]) => [a, b] as [number, number]));
      this.hiddenLegs = from.hiddenLegs;
    }
  }

  /** The state after the fixes stepped so far (copies). */
  state(): WalkState {
    return { last: this.last, suspects: [...this.suspects], legs: this.legs.map(([a, b]) => [a, b]), hiddenLegs: this.hiddenLegs };
  }

  leg(a: number, b: number): number {
    return metersBetween(this.fixes[a]!, this.fixes[b]!);
  }

  step(i: number): void {
    const f = this.fixes[i]!;
    if (!(f.accuracy_m <= this.opts.maxAccuracyM)) return void this.dropped.accuracy++;
    if (f.source === "network") return void this.dropped.network++;
    if (this.outliers.has(i)) return void this.dropped.spike++;
    if (this.last < 0) {
      this.last = i;
      this.keptIndices.push(i);
      return;
    }
    const l = this.fixes[this.last]!;
    // A timestamp at or before the last kept fix: a cached or replayed position, not a new place.
    if (f.t <= l.t) return void this.dropped.backwards++;
    const d = metersBetween(l, f);
    const slack = l.accuracy_m + f.accuracy_m;
    // Jitter: a move inside the two accuracy circles is not a move (compared with the last KEPT fix).
    if (d < slack) {
      this.dropped.jitter++;
      this.suspects = [];
      return;
    }
    if ((d - slack) / ((f.t - l.t) / 1000) > this.opts.maxSpeedMps) return this.impossible(i);
    this.suspects = [];
    if (!this.spikeEndingAt(i, d)) this.count(i);
  }

  /** A move faster than a person on foot or in a car: ignored, unless the run of such fixes shows `last` was the jump. */
  private impossible(i: number): void {
    this.dropped.speed++;
    this.suspects.push(i);
    if (this.suspects.length < this.opts.reanchorAfter || !consistent(this.suspects.map((k) => this.fixes[k]!), this.opts)) return;
    // The fixes keep agreeing with each other and not with the last kept one: that one was the jump.
    const run = this.suspects;
    this.suspects = [];
    const from = this.origin(1);
    if (from !== undefined && consistent([this.fixes[from]!, this.fixes[run[0]!]!], this.opts)) {
      // It was reached by a counted leg from a fix the track continues from (a jump out after a pause, at a plausible
      // speed, whose way back was impossible): a spike. Take its leg back and replay the run from there.
      this.takeBack(1, from);
      this.dropped.speed -= run.length;
      run.forEach((k) => this.step(k));
      return;
    }
    // Re-anchor without counting the jump itself.
    this.last = run[run.length - 1]!;
    this.keptIndices.push(this.last);
  }

  /**
   * A spike of one or two fixes: an excursion whose first leg out and this leg back (`d` metres) are both long, and
   * that ends within a quarter of them from where it left. Takes its legs back and measures from where it left.
   */
  private spikeEndingAt(i: number, d: number): boolean {
    for (let m = 1; m <= this.opts.spikeMaxFixes; m++) {
      const from = this.origin(m);
      if (from === undefined) return false;
      const out = this.leg(from, this.legs[this.legs.length - m]![1]);
      const back = this.leg(from, i);
      if (out >= this.opts.spikeLegM && d >= this.opts.spikeLegM && back < 0.25 * Math.min(out, d)) {
        this.takeBack(m, from);
        if (back >= this.fixes[from]!.accuracy_m + this.fixes[i]!.accuracy_m) this.count(i);
        return true;
      }
    }
    return false;
  }

  /** Where the track was `m` counted legs before `last` (undefined if a re-anchor or the start is in between). */
  private origin(m: number): number | undefined {
    let at = this.last;
    for (let k = 1; k <= m; k++) {
      const l = this.legs[this.legs.length - k];
      if (!l && this.hiddenLegs > 0) throw new TrailBeyondCheckpoint();
      if (!l || l[1] !== at) return undefined;
      at = l[0];
    }
    return at;
  }

  /** Takes back the last `m` counted legs (their fixes were a spike) and continues from where they left. */
  private takeBack(m: number, from: number): void {
    this.legs.splice(this.legs.length - m, m);
    this.keptIndices.splice(this.keptIndices.length - m, m);
    this.dropped.spike += m;
    this.last = from;
  }

  private count(i: number): void {
    this.legs.push([this.last, i]);
    this.keptIndices.push(i);
    this.last = i;
  }
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

/**
 * Runs of one or two fixes that leave a dense track and come straight back (issue #17.8): their neighbours, close in
 * time, agree with each other and not with them. An excursion is an outlier when
 * - **accuracy differs**: each of its fixes claims a circle much wider than both neighbours' (a network fix
 *   between GPS fixes), or
 * - **geometry**, when accuracy says nothing (every fix claims the same): neighbours at most a few seconds apart and
 *   the fix further from their time-interpolated position than either neighbour's accuracy; or, over a longer window,
 *   an out-and-back detour wider than the neighbours' accuracy, travelled faster than the recent pace allows
 *   (a walker "moving" 17 m in a second and back; a car's pace makes the same test lenient).
 * Excursions with a long impossible leg are left to the speed rule, out-of-order fixes to the backwards rule.
 */
export function isolatedOutliers(fixes: readonly Fix[], opts = TRAVEL_FILTER): Set<number> {
  const c = candidateIndices(fixes, opts);
  const judged = judgeCandidates(
    c.map((i) => fixes[i]!),
    1,
    fixes[c[0]!],
    opts,
  );
  return new Set([...judged].map((j) => c[j]!));
}

/**
 * The fixes the outlier pass judges, as indices: a usable accuracy, not `network`, strictly later than the previous
 * such fix (a prefix property: a prefix of the day has the day's first candidates). `after` is the time of the
 * candidate before `fixes[0]`, when `fixes` continues a day.
 */
export function candidateIndices(fixes: readonly Fix[], opts = TRAVEL_FILTER, after = -Infinity): number[] {
  const c: number[] = [];
  let lastT = after;
  for (let i = 0; i < fixes.length; i++) {
    const f = fixes[i]!;
    if (!(f.accuracy_m <= opts.maxAccuracyM) || f.source === "network") continue;
    if (f.t <= lastT) continue;
    c.push(i);
    lastT = f.t;
  }
  return c;
}

/**
 * Judges the candidates `c[from]` onwards (returns the outliers' positions in `c`). `c[0 .. from)` are context whose
 * verdicts are final — at least the `paceFixes` candidates before `c[from]`, or the day's first — and `prev` is the
 * last of them judged not an outlier (the day's first candidate when nothing was judged yet). A verdict reads `prev`,
 * the next two candidates and the pace of the moves from ten candidates before to ten after it, so a run resumed with
 * that context gives every later candidate the verdict the run over the whole day gives it.
 */
export function judgeCandidates(c: readonly Fix[], from: number, prev: Fix | undefined, opts = TRAVEL_FILTER): Set<number> {
  const speeds = c.slice(1).map((f, j) => metersBetween(c[j]!, f) / ((f.t - c[j]!.t) / 1000));
  const pace = (j: number) => median(speeds.slice(Math.max(0, j - opts.paceFixes), j + opts.paceFixes));
  const out = new Set<number>();
  let p = prev;
  for (let j = Math.max(1, from); j + 1 < c.length; j++) {
    // Against the next fix, or the one after it (two outliers in a row agree with each other, not with the track).
    const here = () => pace(j);
    if (isOutlier(p!, c[j]!, c[j + 1]!, here, opts) || (j + 2 < c.length && isOutlier(p!, c[j]!, c[j + 2]!, here, opts))) {
      out.add(j);
      continue;
    }
    p = c[j];
  }
  return out;
}

function isOutlier(prev: Fix, f: Fix, next: Fix, pace: () => number, opts: typeof TRAVEL_FILTER): boolean {
  const span = next.t - prev.t;
  if (span > opts.outlierWindowMs) return false;
  const path = [prev, f, next];
  let legs = 0;
  for (let k = 1; k < path.length; k++) {
    const d = metersBetween(path[k - 1]!, path[k]!);
    // A long impossible leg (a jump of kilometres) is the speed rule's: it re-anchors when the jump was the truth.
    if (d >= opts.spikeLegM && (d - path[k - 1]!.accuracy_m - path[k]!.accuracy_m) / ((path[k]!.t - path[k - 1]!.t) / 1000) > opts.maxSpeedMps) return false;
    legs += d;
  }
  const neighbours = Math.max(prev.accuracy_m, next.accuracy_m);
  if (f.accuracy_m > Math.max(2 * neighbours, neighbours + 10)) return true;
  if (span <= opts.denseWindowMs) {
    const u = (f.t - prev.t) / span;
    if (metersBetween(f, { lat: prev.lat + (next.lat - prev.lat) * u, lon: prev.lon + (next.lon - prev.lon) * u }) > 1.5 * neighbours) return true;
  }
  const detour = legs - metersBetween(prev, next);
  if (detour <= (prev.accuracy_m + next.accuracy_m) / 2) return false;
  const v = pace();
  return legs / (span / 1000) > Math.max(opts.paceFactor * v, v + opts.paceMarginMps);
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}
