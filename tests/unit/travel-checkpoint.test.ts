/**
 * The incremental day's km (src/lib/geo/travel-checkpoint.ts) against the whole-day filter, as a property: a day's
 * fixes delivered in random batches — in order, with late batches, and with replayed timestamps — are stored as the
 * server stores them (ids in arrival order, the day in captured_at, id order). After every batch the day is brought up
 * to date the way the server does it (resume from the checkpoint when every new fix sorts after K, else the whole day)
 * and must equal `filteredTravel` over everything stored: the same number of counted legs, the same last legs and the
 * same metres. Metres here are `metersBetween` (the server measures the same legs on the spheroid in PostGIS).
 */
import { describe, expect, it } from "vitest";
import { metersBetween } from "../../src/lib/geo/distance";
import { filteredTravel, type Fix } from "../../src/lib/geo/travel-filter";
import { afterCheckpoint, canResume, legKey, resumeDay, runDay, type DayFix, type TravelCheckpoint, type TravelRun } from "../../src/lib/geo/travel-checkpoint";
import { Random } from "../../db/seed/random";
import { asFixes, degrade, haveTracks, phoneTrack, timedSegments } from "../support/tracks";

/** A synthetic day that keeps the filter busy: a drive with jumps, spike chains, stale and coarse fixes, network fixes. */
function stormyDay(seed: number, n: number): Fix[] {
  const rnd = new Random(seed);
  const out: Fix[] = [];
  let lat = 12.97;
  let lon = 77.59;
  let t = Date.parse("2026-11-20T09:00:00Z");
  for (let i = 0; i < n; i++) {
    t += rnd.int(1, 40) * 1000;
    const r = rnd.next();
    if (r < 0.7) {
      lat += (rnd.next() - 0.45) * 4e-4;
      lon += (rnd.next() - 0.45) * 4e-4;
      out.push({ lat, lon, accuracy_m: rnd.int(3, 30), t });
    } else if (r < 0.78) {
      // A spike: one or two far fixes, then back.
      const k = rnd.int(1, 2);
      for (let j = 0; j < k; j++) out.push({ lat: lat + 0.01 + j * 1e-4, lon: lon + 0.01, accuracy_m: rnd.int(5, 60), t: (t += 1000) });
    } else if (r < 0.83) {
      // A jump that sticks (the rep really moved: re-anchor after three agreeing fixes).
      lat += 0.05;
      out.push({ lat, lon, accuracy_m: 10, t });
    } else if (r < 0.88) {
      out.push({ lat, lon, accuracy_m: 10, t: t - rnd.int(1, 120) * 1000 }); // stale (earlier timestamp)
    } else if (r < 0.93) {
      out.push({ lat: lat + 2e-4, lon, accuracy_m: 150, t }); // too coarse
    } else {
      out.push({ lat: lat - 3e-4, lon: lon + 3e-4, accuracy_m: 20, t, source: "network" });
    }
  }
  return out;
}

type Stored = DayFix;
const order = (a: Stored, b: Stored) => a.us - b.us || a.id - b.id;
const measure = (fixes: ReadonlyMap<number, Stored>, run: TravelRun) =>
  new Map(run.unmeasured.map(([a, b]) => [legKey(a, b), metersBetween(fixes.get(a)!, fixes.get(b)!)]));

/** Delivers `batches` as the server stores them and checks the incremental figure after each. */
function replay(batches: Fix[][]): { resumed: number; full: number; beyond: number } {
  const stored: Stored[] = [];
  const byId = new Map<number, Stored>();
  let cp: TravelCheckpoint | null = null;
  let nextId = 1;
  let resumed = 0;
  let full = 0;
  let beyond = 0;
  for (const batch of batches) {
    const added = batch.map((f) => ({ ...f, id: nextId++, us: Math.round(f.t * 1000) }));
    for (const f of added) {
      stored.push(f);
      byId.set(f.id, f);
    }
    stored.sort(order);
    // JSON round trip: the checkpoint lives in a jsonb column.
    const saved = cp ? (JSON.parse(JSON.stringify(cp)) as TravelCheckpoint) : null;
    let run: TravelRun | null = null;
    if (canResume(saved, added)) {
      run = resumeDay(saved, stored.filter((f) => afterCheckpoint(saved, f)));
      if (!run) beyond++;
    }
    if (run) resumed++;
    else {
      run = runDay(stored);
      full++;
    }
    const done = run.finish(measure(byId, run));
    cp = done.checkpoint;
    const whole = filteredTravel(stored);
    expect(done.legCount).toBe(whole.legs.length);
    expect(Math.abs(done.meters - whole.meters)).toBeLessThan(1e-6 * Math.max(1, whole.meters));
    const tail = whole.legs.slice(whole.legs.length - run.endLegs.length).map(([a, b]) => [stored[a]!.id, stored[b]!.id]);
    expect(run.endLegs).toEqual(tail);
  }
  return { resumed, full, beyond };
}

/** Cuts `fixes` into batches of 1..max, in the given order. */
function batchesOf(fixes: Fix[], rnd: Random, max: number): Fix[][] {
  const out: Fix[][] = [];
  for (let i = 0; i < fixes.length; ) {
    const n = rnd.int(1, max);
    out.push(fixes.slice(i, i + n));
    i += n;
  }
  return out;
}

describe("the day's km resumed from a checkpoint equals the whole day's", () => {
  it("storm days: in order, shuffled batches and late batches", () => {
    const rnd = new Random(2026);
    let resumed = 0;
    let full = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const day = stormyDay(seed, 300 + seed * 10);
      const inOrder = batchesOf(day, rnd, 40);
      // Mostly in order, now and then a batch held back and delivered later (a phone offline for a while).
      const late = [...inOrder];
      for (let k = 0; k < 3; k++) {
        const i = rnd.int(0, late.length - 2);
        const [held] = late.splice(i, 1);
        late.splice(rnd.int(i, late.length), 0, held!);
      }
      for (const batches of [inOrder, late]) {
        const r = replay(batches);
        resumed += r.resumed;
        full += r.full;
      }
    }
    // The incremental path carried most batches; the late ones and the first few recomputed the day.
    expect(resumed).toBeGreaterThan(full * 3);
    expect(full).toBeGreaterThan(60);
  }, 120_000);

  it("single-fix batches (the walk resumed after every fix)", () => {
    for (let seed = 40; seed < 44; seed++) {
      const day = stormyDay(seed, 250);
      const r = replay(day.map((f) => [f]));
      expect(r.resumed).toBeGreaterThan(200);
    }
  }, 120_000);

  it("a retraced path taken back leg by leg past the checkpoint's tail recomputes the day (and still agrees)", () => {
    // Out along a road in 300 m legs, then back through the same points: each fix back ends a spike of the last
    // counted leg (out ≥ 200 m, back ≈ 0), so the walk takes back 40 legs one after another, more than the tail holds.
    const t0 = Date.parse("2026-11-20T09:00:00Z");
    const fixes: Fix[] = [];
    const X = (k: number) => ({ lat: 12.97 + k * 0.0027, lon: 77.59 });
    for (let k = 0; k <= 40; k++) fixes.push({ ...X(k), accuracy_m: 5, t: t0 + k * 60_000 });
    for (let k = 39; k >= 0; k--) fixes.push({ ...X(k), accuracy_m: 5, t: t0 + (80 - k) * 60_000 });
    const whole = filteredTravel(fixes);
    expect(whole.dropped.spike, "the retrace is taken back").toBeGreaterThan(20);
    const rnd = new Random(7);
    let beyond = 0;
    for (let k = 0; k < 5; k++) beyond += replay(batchesOf(fixes, rnd, 6)).beyond;
    expect(beyond, "resuming ran past the tail and fell back to the whole day").toBeGreaterThan(0);
  }, 120_000);

  it("a checkpoint this code did not write (its fixes or state missing) is not resumed from", () => {
    const day = stormyDay(3, 200).map((f, i) => ({ ...f, t: Date.parse("2026-11-20T09:00:00Z") + i * 30_000, id: i + 1, us: (Date.parse("2026-11-20T09:00:00Z") + i * 30_000) * 1000 }));
    const run = runDay(day.slice(0, 150));
    const cp = run.finish(new Map(run.unmeasured.map(([a, b]) => [legKey(a, b), 1]))).checkpoint!;
    const after = day.slice(150).filter((f) => afterCheckpoint(cp, f));
    expect(resumeDay(cp, after), "the intact checkpoint resumes").not.toBeNull();
    expect(resumeDay({ ...cp, fixes: [] }, after)).toBeNull();
    expect(resumeDay({ ...cp, p: -1 }, after)).toBeNull();
    expect(canResume({ ...cp, tip: undefined } as unknown as TravelCheckpoint, [])).toBe(false);
    expect(canResume({ ...cp, k: undefined } as unknown as TravelCheckpoint, [])).toBe(false);
  });

  describe.skipIf(!haveTracks)("real tracks", () => {
    it("every fixture track, clean, with faults and as a phone interleaving network fixes, in random batches", () => {
      const rnd = new Random(23);
      let resumed = 0;
      timedSegments().forEach((s, i) => {
        const clean = asFixes(s);
        for (const fixes of [clean, degrade(clean, 11 + i).fixes, phoneTrack(clean, 5 + i, "network-40").fixes]) {
          resumed += replay(batchesOf(fixes, rnd, 120)).resumed;
        }
      });
      expect(resumed).toBeGreaterThan(30);
    }, 120_000);
  });
});
