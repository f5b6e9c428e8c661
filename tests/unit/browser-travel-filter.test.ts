import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metersBetween } from "../../src/lib/geo/distance";
import { filteredTravel, type Fix } from "../../src/lib/geo/travel-filter";
import { asFixes, degrade, haveTracks, naiveMeters, timedSegments } from "../support/tracks";

describe.skipIf(!haveTracks)("travel filter for browser fixes, on the real tracks", () => {
  const segs = timedSegments().map((s) => ({ name: s.name, reference: s.ref.length_m_geodesic_wgs84_geographiclib!, fixes: asFixes(s) }));

  it("the clean tracks measure within 3 % of the reference", () => {
    expect(segs).toHaveLength(3);
    for (const s of segs) {
      const r = filteredTravel(s.fixes);
      expect(Math.abs(r.meters - s.reference) / s.reference, s.name).toBeLessThan(0.03);
      expect(r.dropped.speed + r.dropped.backwards + r.dropped.spike, s.name).toBe(0);
    }
  });

  it("with injected coarse jumps, spikes and out-of-order fixes: within 10 % of the clean track, and no jump is counted", () => {
    for (const [i, s] of segs.entries()) {
      const clean = filteredTravel(s.fixes).meters;
      const { fixes: dirty, injected } = degrade(s.fixes, 7 + i);
      const r = filteredTravel(dirty);
      console.log(`[travel-filter] ${s.name}: clean ${clean.toFixed(1)} m, degraded ${r.meters.toFixed(1)} m`, injected, r.dropped);
      expect(naiveMeters(dirty, metersBetween), `${s.name}: the injected faults matter`).toBeGreaterThan(clean * 3);
      expect(Math.abs(r.meters - clean) / clean, `${s.name}: ${r.meters.toFixed(0)} m vs ${clean.toFixed(0)} m`).toBeLessThan(0.1);
      expect(r.dropped.speed).toBeGreaterThan(0);
      expect(r.dropped.backwards).toBeGreaterThan(0);
      if (injected.spikes > 0) expect(r.dropped.spike, s.name).toBeGreaterThan(0);
      // The counted legs are what `meters` sums (the server measures exactly these in PostGIS).
      expect(r.legs.reduce((m, [a, b]) => m + metersBetween(dirty[a]!, dirty[b]!), 0)).toBeCloseTo(r.meters, 6);
    }
  });
});

const GEODESIC = path.resolve(process.env.FIXTURES_DIR ?? path.join(import.meta.dirname, "../../../shared/fixtures"), "geodesic/geodtest-short-pairs.csv");
describe.skipIf(!haveTracks)("metersBetween on the WGS84 ellipsoid", () => {
  it("agrees with Karney's 500 short geodesics (5.8 m – 1.1 km) to 1 mm, in both hemispheres", () => {
    const rows = readFileSync(GEODESIC, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").map(Number));
    expect(rows).toHaveLength(500);
    let worst = 0;
    for (const [, lat1, lon1, lat2, lon2, d] of rows as number[][]) {
      worst = Math.max(worst, Math.abs(metersBetween({ lat: lat1!, lon: lon1! + 77.5946 }, { lat: lat2!, lon: lon2! + 77.5946 }) - d!));
      worst = Math.max(worst, Math.abs(metersBetween({ lat: -lat1!, lon: lon1! - 60 }, { lat: -lat2!, lon: lon2! - 60 }) - d!));
    }
    expect(worst).toBeLessThan(0.001);
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
