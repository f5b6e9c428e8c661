/**
 * The lemma behind the incremental-km design (docs/decisions/0013, "Day's km not incremental"): the outlier verdicts
 * of `isolatedOutliers` are final ten candidates back. Run on a prefix of the day (the fixes stored so far, in the
 * server's captured_at order), every fix at or before the checkpoint K — the candidate ten candidates before the
 * prefix's last one — gets the same verdict as in the run on the whole day, wherever the day is cut. The walk is a
 * deterministic state machine over (fix, verdict), so its state after K is then the full run's too: resuming it from
 * a stored state at K gives the full recomputation's legs exactly. Checked on every fixture track — clean, with
 * injected faults, and as a phone interleaving network fixes — cut at random points.
 */
import { describe, expect, it } from "vitest";
import { isolatedOutliers, TRAVEL_FILTER, type Fix } from "../../src/lib/geo/travel-filter";
import { Random } from "../../db/seed/random";
import { asFixes, degrade, haveTracks, phoneTrack, timedSegments } from "../support/tracks";

/** Indices of the fixes the outlier pass judges (usable accuracy, not network, strictly later than the previous one). */
function candidates(fixes: readonly Fix[]): number[] {
  const c: number[] = [];
  for (let i = 0; i < fixes.length; i++) {
    const f = fixes[i]!;
    if (!(f.accuracy_m <= TRAVEL_FILTER.maxAccuracyM) || f.source === "network") continue;
    if (c.length && f.t <= fixes[c[c.length - 1]!]!.t) continue;
    c.push(i);
  }
  return c;
}

/** The pace window: a verdict reads the moves of up to this many candidates after it. */
const LOOK_AHEAD = TRAVEL_FILTER.paceFixes;

describe.skipIf(!haveTracks)("travel filter: outlier verdicts are final ten candidates back", () => {
  const days = timedSegments().flatMap((s, i) => {
    const clean = asFixes(s);
    const byTime = (fixes: Fix[]) => [...fixes].sort((a, b) => a.t - b.t); // the server's order (stable: then id)
    return [
      { name: `${s.name} clean`, fixes: clean },
      { name: `${s.name} faults`, fixes: byTime(degrade(clean, 11 + i).fixes) },
      { name: `${s.name} phone`, fixes: byTime(phoneTrack(clean, 5 + i, "network-40").fixes) },
    ];
  });

  it("a prefix's verdicts up to the checkpoint equal the whole day's, at every random cut", () => {
    expect(days.length).toBeGreaterThan(0);
    const rnd = new Random(23);
    let cuts = 0;
    let judged = 0;
    for (const day of days) {
      const full = isolatedOutliers(day.fixes);
      const c = candidates(day.fixes);
      for (let k = 0; k < 8; k++) {
        const cut = 1 + Math.floor(rnd.next() * (day.fixes.length - 1));
        const prefix = day.fixes.slice(0, cut);
        const pc = candidates(prefix);
        if (pc.length <= LOOK_AHEAD) continue;
        const checkpoint = pc[pc.length - 1 - LOOK_AHEAD]!;
        const part = isolatedOutliers(prefix);
        const upTo = (set: Set<number>) => [...set].filter((i) => i <= checkpoint).sort((a, b) => a - b);
        expect(upTo(part), `${day.name}, cut ${cut}`).toEqual(upTo(full));
        // The prefix's candidates are the day's first ones (a prefix property).
        expect(pc).toEqual(c.slice(0, pc.length));
        cuts++;
        judged += checkpoint + 1;
      }
    }
    expect(cuts).toBeGreaterThan(20);
    expect(judged).toBeGreaterThan(1_000);
  }, 120_000);
});
