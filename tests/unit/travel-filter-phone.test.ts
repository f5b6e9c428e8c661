/**
 * Honest kilometres on what a real phone records (issue #17, item 8): dense GPS fixes interleaved with isolated
 * network fixes that land 17 m (median) to 60 m off the path. Built on the real fixture tracks (a car drive, two
 * hikes), deterministic (seeded), in both accuracy regimes: network fixes that say they are coarse (40 m), and every
 * fix claiming the same 10 m. Targets: walking within 10 % and driving within 2 % of the recording's geodesic length.
 */
import { describe, expect, it } from "vitest";
import { filteredTravel } from "../../src/lib/geo/travel-filter";
import { metersBetween } from "../../src/lib/geo/distance";
import { asFixes, haveTracks, naiveMeters, phoneTrack, timedSegments } from "../support/tracks";

describe.skipIf(!haveTracks)("travel filter on phone-like tracks (GPS every second + isolated network fixes)", () => {
  const segs = timedSegments().map((s) => ({ name: s.name, driving: s.name.includes("car"), reference: s.ref.length_m_geodesic_wgs84_geographiclib!, fixes: asFixes(s) }));

  for (const regime of ["network-40", "all-10"] as const) {
    it(`${regime}: walking within 10 %, driving within 2 % of the reference`, () => {
      const results = segs.map((s, i) => {
        const phone = phoneTrack(s.fixes, 1_708 + i, regime);
        const r = filteredTravel(phone.fixes);
        const error = (r.meters - s.reference) / s.reference;
        const naive = naiveMeters(phone.fixes, metersBetween);
        console.log(`[phone ${regime}] ${s.name}: ${phone.fixes.length} fixes, ${phone.network} network; reference ${s.reference.toFixed(0)} m, filtered ${r.meters.toFixed(0)} m (${(error * 100).toFixed(1)} %), naive ${naive.toFixed(0)} m`, r.dropped);
        return { s, phone, naive, error };
      });
      for (const { s, phone, naive, error } of results) {
        expect(phone.network, s.name).toBeGreaterThan(20);
        expect(naive, `${s.name}: the network fixes matter`).toBeGreaterThan(s.reference * 1.3);
        expect(Math.abs(error), `${s.name}: ${(error * 100).toFixed(1)} %`).toBeLessThan(s.driving ? 0.02 : 0.1);
      }
    });
  }
});

describe("isolated outliers are not real detours", () => {
  // 1 s fixes along a line northwards at 1.2 m/s, then 25 m east and back at the same pace (into a shop and out).
  const north = (m: number) => m / 111_320;
  const east = (m: number) => m / (111_320 * Math.cos((12.97 * Math.PI) / 180));
  it("a walker's real 25 m side trip (out and back at walking pace) still counts", () => {
    const fixes = [];
    let t = 0;
    for (let k = 0; k <= 60; k++) fixes.push({ lat: 12.97 + north(k * 1.2), lon: 77.59, accuracy_m: 4, t: t++ * 1000 });
    for (let k = 1; k <= 21; k++) fixes.push({ lat: 12.97 + north(72), lon: 77.59 + east(k * 1.2), accuracy_m: 4, t: t++ * 1000 });
    for (let k = 20; k >= 0; k--) fixes.push({ lat: 12.97 + north(72), lon: 77.59 + east(k * 1.2), accuracy_m: 4, t: t++ * 1000 });
    const r = filteredTravel(fixes);
    expect(r.meters).toBeGreaterThan(72 + 2 * 25.2 - 16); // the side trip counts (minus what jitter thinning rounds off)
    expect(r.dropped.spike).toBe(0);
  });
  it("the same walker with one fix 20 m off for a second: the fix is dropped, the trip is the straight walk", () => {
    const fixes = Array.from({ length: 61 }, (_, k) => ({ lat: 12.97 + north(k * 1.2), lon: 77.59, accuracy_m: 10, t: k * 1000 }));
    fixes.splice(30, 0, { lat: 12.97 + north(36), lon: 77.59 + east(20), accuracy_m: 10, t: 29_500 });
    const r = filteredTravel(fixes);
    expect(r.dropped.spike).toBe(1);
    expect(r.meters).toBeLessThan(72 + 1);
  });
});
