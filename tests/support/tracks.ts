/**
 * The real GPX recordings of ../shared/fixtures/tracks as fixes, and what a browser makes of them (injected faults),
 * shared by the unit test of the travel filter and the integration test of the server's travel (same data, both doors).
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import type { Fix } from "../../src/lib/geo/travel-filter";

export const TRACKS = path.resolve(process.env.FIXTURES_DIR ?? path.join(import.meta.dirname, "../../../shared/fixtures"), "tracks");
export const haveTracks = existsSync(path.join(TRACKS, "track-reference.json"));

export type RefSegment = {
  track: number;
  segment: number;
  points: number;
  first_time: string | null;
  length_m_geodesic_wgs84_geographiclib?: number;
  /** The reference's own thinning: drop a point closer than 10 m to the last kept one. */
  length_m_geodesic_after_10m_thinning?: number;
  points_after_10m_thinning?: number;
};
export type TimedSegment = { name: string; ref: RefSegment; points: { lat: number; lon: number; time: string }[] };

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every timed segment of every GPX file, with its reference (empty when the fixtures are absent). */
export function timedSegments(): TimedSegment[] {
  if (!haveTracks) return [];
  const reference = JSON.parse(readFileSync(path.join(TRACKS, "track-reference.json"), "utf8")) as Record<string, { segments: RefSegment[] }>;
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "@_", parseTagValue: false });
  type Seg = { trkpt?: Record<string, string> | Record<string, string>[] };
  return readdirSync(TRACKS)
    .filter((f) => f.endsWith(".gpx"))
    .sort()
    .flatMap((file) => {
      const doc = parser.parse(readFileSync(path.join(TRACKS, file), "utf8")) as { gpx: { trk?: { trkseg?: Seg | Seg[] } | { trkseg?: Seg | Seg[] }[] } };
      const tracks = asArray(doc.gpx.trk).map((t) => asArray(t.trkseg).map((s) => asArray(s.trkpt)));
      return reference[file]!.segments
        .filter((r) => r.first_time && r.points > 0)
        .map((r) => ({
          name: `${file} #${r.track}.${r.segment}`,
          ref: r,
          points: tracks[r.track]![r.segment]!.map((p) => ({ lat: Number(p["@_lat"]), lon: Number(p["@_lon"]), time: String(p.time) })),
        }));
    });
}

/** A segment as browser-like fixes at 5 m accuracy. */
export const asFixes = (s: TimedSegment): Fix[] => s.points.map((p) => ({ lat: p.lat, lon: p.lon, accuracy_m: 5, t: Date.parse(p.time) }));

/** Deterministic pseudo-random numbers (the tests must not depend on luck). */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

const offset = (f: Fix, km: number, angle: number) => ({ lat: f.lat + (km / 111.32) * Math.cos(angle), lon: f.lon + ((km / 111.32) * Math.sin(angle)) / Math.cos((f.lat * Math.PI) / 180) });

/**
 * What a browser really delivers, in delivery order: every ~12th fix a coarse network jump 2–5 km away that still
 * claims 20–90 m accuracy; every ~15th fix a cached position re-delivered later with its old timestamp; in a pause of
 * 20 s or more (at most one in ten fixes), a spike: one fix 300 m off at a plausible speed, then back; and a few fixes arriving swapped
 * with their neighbour. `injected` counts each kind.
 */
export function degrade(fixes: readonly Fix[], seed: number): { fixes: Fix[]; injected: { jumps: number; stale: number; spikes: number; swaps: number } } {
  const rand = rng(seed);
  const out: Fix[] = [];
  const injected = { jumps: 0, stale: 0, spikes: 0, swaps: 0 };
  fixes.forEach((f, i) => {
    out.push(f);
    const next = fixes[i + 1];
    if (i > 0 && i % 12 === 0) {
      out.push({ ...offset(f, 2 + rand() * 3, rand() * 2 * Math.PI), accuracy_m: 20 + rand() * 70, t: f.t + 400 });
      injected.jumps++;
    } else if (i % 10 === 5 && next && next.t - f.t >= 20_000) {
      out.push({ ...offset(f, 0.3, rand() * 2 * Math.PI), accuracy_m: 30, t: (f.t + next.t) / 2 });
      injected.spikes++;
    }
    if (i > 5 && i % 15 === 0) {
      out.push({ ...fixes[i - 5]! });
      injected.stale++;
    }
  });
  for (let i = 7; i + 1 < out.length; i += 29) {
    [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
    injected.swaps++;
  }
  return { fixes: out, injected };
}

/** The plain sum of consecutive moves: what a filter-less app would report. */
export const naiveMeters = (fixes: readonly Fix[], meters: (a: Fix, b: Fix) => number) => fixes.slice(1).reduce((m, f, k) => m + meters(fixes[k]!, f), 0);

/** A standard normal deviate from a uniform source (Box–Muller). */
const gauss = (rand: () => number) => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

/** `f` moved `m` metres towards `angle` (radians from north); small distances only. */
const moved = (f: { lat: number; lon: number }, m: number, angle: number) => offset(f as Fix, m / 1000, angle);

/**
 * What a real phone records along a track (issue #17, item 8): GPS fixes every second (the recording interpolated in
 * time, 1.5 m of noise, accuracy 3–5 m) interleaved with isolated network fixes — every 6–20 s a burst of one or two,
 * off the path by a log-normal distance (median 17 m, at most 60 m). `regime` "network-40": the network fixes report
 * 40 m accuracy; "all-10": every fix reports the same 10 m, so accuracy tells nothing apart.
 */
export function phoneTrack(fixes: readonly Fix[], seed: number, regime: "network-40" | "all-10"): { fixes: Fix[]; network: number; offsets: number[] } {
  const rand = rng(seed);
  const out: Fix[] = [];
  const offsets: number[] = [];
  let nextBurst = fixes[0]!.t + (6 + rand() * 14) * 1000;
  for (let k = 1; k < fixes.length; k++) {
    const a = fixes[k - 1]!;
    const b = fixes[k]!;
    for (let t = a.t; t < b.t || (k === fixes.length - 1 && t === b.t); t += 1000) {
      const u = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
      const truth = { lat: a.lat + (b.lat - a.lat) * u, lon: a.lon + (b.lon - a.lon) * u };
      const noisy = moved(truth, Math.abs(gauss(rand)) * 1.5, rand() * 2 * Math.PI);
      out.push({ ...noisy, accuracy_m: regime === "all-10" ? 10 : 3 + rand() * 2, t });
      if (t >= nextBurst) {
        const m = Math.min(60, 17 * Math.exp(0.6 * gauss(rand)));
        const angle = rand() * 2 * Math.PI;
        const burst = rand() < 0.35 ? 2 : 1;
        for (let j = 0; j < burst; j++) {
          out.push({ ...moved(truth, m + j * rand() * 5, angle + j * (rand() - 0.5)), accuracy_m: regime === "all-10" ? 10 : 40, t: t + 300 + j * 400 });
          offsets.push(m);
        }
        nextBurst = t + (6 + rand() * 14) * 1000;
      }
      if (b.t === a.t) break;
    }
  }
  return { fixes: out, network: offsets.length, offsets };
}
