import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { filteredTravel, type Fix } from "../../src/lib/geo/travel-filter";

const TRACKS = path.resolve(process.env.FIXTURES_DIR ?? path.join(__dirname, "../../../shared/fixtures"), "tracks");
const have = existsSync(path.join(TRACKS, "track-reference.json"));

type Ref = { track: number; segment: number; points: number; first_time: string | null; length_m_geodesic_wgs84_geographiclib?: number };
const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every timed segment of the real GPX recordings as browser-like fixes (5 m accuracy), with its reference length. */
function segments(): { name: string; fixes: Fix[]; reference: number }[] {
  const reference = JSON.parse(readFileSync(path.join(TRACKS, "track-reference.json"), "utf8")) as Record<string, { segments: Ref[] }>;
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
          reference: r.length_m_geodesic_wgs84_geographiclib!,
          fixes: tracks[r.track]![r.segment]!.map((p) => ({ lat: Number(p["@_lat"]), lon: Number(p["@_lon"]), accuracy_m: 5, t: Date.parse(String(p.time)) })),
        }));
    });
}

/** Deterministic pseudo-random numbers (the test must not depend on luck). */
function rng(seed: number) {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
}

/**
 * What a browser really delivers: every ~12th fix a coarse network jump 0.5–3 km away that still claims 20–90 m
 * accuracy, every ~15th fix a cached position re-delivered later with its old timestamp, and a few fixes arriving
 * swapped with their neighbour.
 */
function degrade(fixes: Fix[], seed: number): Fix[] {
  const rand = rng(seed);
  const out: Fix[] = [];
  fixes.forEach((f, i) => {
    out.push(f);
    if (i > 0 && i % 12 === 0) {
      const km = 0.5 + rand() * 2.5;
      const angle = rand() * 2 * Math.PI;
      out.push({ lat: f.lat + (km / 111.32) * Math.cos(angle), lon: f.lon + (km / 111.32) * Math.sin(angle), accuracy_m: 20 + rand() * 70, t: f.t + 400 });
    }
    if (i > 5 && i % 15 === 0) out.push({ ...fixes[i - 5]! });
  });
  for (let i = 7; i + 1 < out.length; i += 29) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  return out;
}

describe.skipIf(!have)("travel filter for browser fixes, on the real tracks", () => {
  const segs = have ? segments() : [];

  it("the clean tracks measure within 3 % of the reference", () => {
    expect(segs).toHaveLength(3);
    for (const s of segs) {
      const r = filteredTravel(s.fixes);
      expect(Math.abs(r.meters - s.reference) / s.reference, s.name).toBeLessThan(0.03);
      expect(r.dropped.speed + r.dropped.backwards + r.dropped.spike, s.name).toBe(0);
    }
  });

  it("with injected coarse jumps and out-of-order fixes: within 10 % of the clean track, and no jump is counted", () => {
    for (const [i, s] of segs.entries()) {
      const clean = filteredTravel(s.fixes).meters;
      const dirty = degrade(s.fixes, 7 + i);
      const naive = dirty.slice(1).reduce((m, f, k) => m + Math.hypot((f.lat - dirty[k]!.lat) * 111_320, (f.lon - dirty[k]!.lon) * 111_320 * Math.cos((f.lat * Math.PI) / 180)), 0);
      const r = filteredTravel(dirty);
      expect(naive, `${s.name}: the injected faults matter`).toBeGreaterThan(clean * 3);
      expect(Math.abs(r.meters - clean) / clean, `${s.name}: ${r.meters.toFixed(0)} m vs ${clean.toFixed(0)} m`).toBeLessThan(0.1);
      expect(r.dropped.speed).toBeGreaterThan(0);
      expect(r.dropped.backwards).toBeGreaterThan(0);
    }
  });
});

describe("travel filter rules", () => {
  const at = (lat: number, lon: number, s: number, accuracy_m = 5): Fix => ({ lat, lon, accuracy_m, t: s * 1000 });
  it("a phone on a desk travels nothing; a coarse (> 100 m) fix is ignored", () => {
    const desk = Array.from({ length: 12 }, (_, i) => at(12.97 + (i % 3) * 0.00002, 77.59, i * 30));
    expect(filteredTravel([...desk, at(12.99, 77.59, 400, 150)]).meters).toBe(0);
  });
  it("re-anchors when the FIRST fix was the jump: the real fixes that follow agree with each other", () => {
    const walk = Array.from({ length: 8 }, (_, i) => at(12.97 + i * 0.0002, 77.59, 10 + i * 20)); // ~22 m per 20 s
    const r = filteredTravel([at(13.2, 77.59, 0, 30), ...walk]);
    expect(r.meters).toBeGreaterThan(100);
    expect(r.meters).toBeLessThan(200);
  });
  it("a car at 100 km/h counts; 300 km/h does not", () => {
    expect(filteredTravel([at(12.97, 77.59, 0), at(12.97 + 0.025, 77.59, 100)]).meters).toBeGreaterThan(2700); // ~2.8 km in 100 s
    expect(filteredTravel([at(12.97, 77.59, 0), at(12.97 + 0.075, 77.59, 100)]).meters).toBe(0); // ~8.3 km in 100 s
  });
});
