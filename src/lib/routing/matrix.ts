import { metersBetween, type Point } from "@/lib/geo/distance";

/**
 * A travel matrix over points [start, stop 1 … stop n, end?]: km and minutes from row to column. The keyless model
 * (docs/decisions/0019-route-optimiser.md) is the WGS84 geodesic distance × a detour factor, driven at one
 * average speed; a road provider (src/server/routing/google-distance.ts) fills the same shape with real roads.
 */
export type TravelMatrix = { km: number[][]; minutes: number[][] };

export function geodesicMatrix(points: Point[], detourFactor: number, speedKmh: number): TravelMatrix {
  const n = points.length;
  const km = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const minutes = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = (metersBetween(points[i]!, points[j]!) / 1000) * detourFactor;
      km[i]![j] = km[j]![i] = d;
      minutes[i]![j] = minutes[j]![i] = (d / speedKmh) * 60;
    }
  }
  return { km, minutes };
}
