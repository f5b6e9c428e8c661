import "server-only";
import { Client, Status, TravelMode } from "@googlemaps/google-maps-services-js";
import type { Point } from "@/lib/geo/distance";
import { geodesicMatrix, type TravelMatrix } from "@/lib/routing/matrix";
import { log } from "../log";

/**
 * Road distances and durations from Google, for the server's route optimisation when GOOGLE_MAPS_API_KEY is set
 * (docs/decisions/0019-route-optimiser.md). NOT RUN HERE: this sandbox has no key and no route to Google, so
 * the code is written against the client library's types and Google's published REST contract, and every test uses
 * the keyless model. Two back ends:
 *  - "routes" (default): the Routes API computeRouteMatrix (the only one Google enables for new projects), blocks of
 *    25 × 25 = 625 elements, the per-request limit for DRIVE without TRAFFIC_AWARE_OPTIMAL;
 *  - "distance-matrix": the legacy Distance Matrix API through @googlemaps/google-maps-services-js for projects that
 *    still have it, blocks of 10 × 10 (≤ 25 origins, ≤ 25 destinations, ≤ 100 elements per request).
 * Each (origin, destination) pair is cached in memory (coordinates rounded to ~1 m) so a re-optimisation asks only
 * for new pairs; any error (network, quota, an element without a route) leaves those pairs on the keyless model.
 */
export type RoadBackend = "routes" | "distance-matrix";
type Pair = { km: number; minutes: number };

const CACHE_LIMIT = 50_000;
const cache = new Map<string, Pair>();
const key = (a: Point, b: Point) => `${a.lat.toFixed(5)},${a.lon.toFixed(5)}>${b.lat.toFixed(5)},${b.lon.toFixed(5)}`;
function remember(k: string, v: Pair) {
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!); // oldest first
  cache.set(k, v);
}

type Block = { origins: number[]; destinations: number[] };
function blocks(missing: [number, number][], side: number): Block[] {
  const origins = [...new Set(missing.map(([o]) => o))];
  const destinations = [...new Set(missing.map(([, d]) => d))];
  const out: Block[] = [];
  for (let i = 0; i < origins.length; i += side)
    for (let j = 0; j < destinations.length; j += side) out.push({ origins: origins.slice(i, i + side), destinations: destinations.slice(j, j + side) });
  return out;
}

async function routesBlock(apiKey: string, points: Point[], b: Block): Promise<void> {
  const waypoint = (p: Point) => ({ waypoint: { location: { latLng: { latitude: p.lat, longitude: p.lon } } } });
  const res = await fetch("https://routes.googleapis.com/distanceMatrix/v2:computeRouteMatrix", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "X-Goog-Api-Key": apiKey,
      "X-Goog-FieldMask": "originIndex,destinationIndex,status,condition,distanceMeters,duration",
    },
    body: JSON.stringify({
      origins: b.origins.map((i) => waypoint(points[i]!)),
      destinations: b.destinations.map((i) => waypoint(points[i]!)),
      travelMode: "DRIVE",
      routingPreference: "TRAFFIC_UNAWARE",
    }),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`computeRouteMatrix answered ${res.status}`);
  const elements = (await res.json()) as { originIndex?: number; destinationIndex?: number; condition?: string; distanceMeters?: number; duration?: string; status?: { code?: number } }[];
  for (const e of elements) {
    if (e.condition !== "ROUTE_EXISTS" || (e.status?.code ?? 0) !== 0 || e.distanceMeters === undefined || !e.duration) continue;
    const o = b.origins[e.originIndex ?? 0]!;
    const d = b.destinations[e.destinationIndex ?? 0]!;
    remember(key(points[o]!, points[d]!), { km: e.distanceMeters / 1000, minutes: Number(e.duration.replace(/s$/, "")) / 60 });
  }
}

async function distanceMatrixBlock(client: Client, apiKey: string, points: Point[], b: Block): Promise<void> {
  const res = await client.distancematrix({
    params: {
      key: apiKey,
      origins: b.origins.map((i) => ({ lat: points[i]!.lat, lng: points[i]!.lon })),
      destinations: b.destinations.map((i) => ({ lat: points[i]!.lat, lng: points[i]!.lon })),
      mode: TravelMode.driving,
    },
    timeout: 10_000,
  });
  if (res.data.status !== Status.OK) throw new Error(`Distance Matrix answered ${res.data.status}`);
  res.data.rows.forEach((row, r) =>
    row.elements.forEach((el, c) => {
      if (el.status !== Status.OK) return;
      remember(key(points[b.origins[r]!]!, points[b.destinations[c]!]!), { km: el.distance.value / 1000, minutes: el.duration.value / 60 });
    }),
  );
}

let client: Client | null = null;

/** The road matrix over `points`; pairs Google could not give keep the keyless value (geodesic × detour at speed). */
export async function roadMatrix(points: Point[], apiKey: string, backend: RoadBackend, keyless: { detour: number; speedKmh: number }): Promise<TravelMatrix> {
  const m = geodesicMatrix(points, keyless.detour, keyless.speedKmh);
  const missing: [number, number][] = [];
  for (let i = 0; i < points.length; i++) for (let j = 0; j < points.length; j++) if (i !== j && !cache.has(key(points[i]!, points[j]!))) missing.push([i, j]);
  for (const b of blocks(missing, backend === "routes" ? 25 : 10)) {
    try {
      if (backend === "routes") await routesBlock(apiKey, points, b);
      else await distanceMatrixBlock((client ??= new Client()), apiKey, points, b);
    } catch (err) {
      log.warn("road matrix unavailable: using the keyless distance model for these pairs", { err: String(err), backend });
      break; // a failing API fails the next block too: don't spend the request's time on it
    }
  }
  for (let i = 0; i < points.length; i++)
    for (let j = 0; j < points.length; j++) {
      const hit = i === j ? undefined : cache.get(key(points[i]!, points[j]!));
      if (hit) {
        m.km[i]![j] = hit.km;
        m.minutes[i]![j] = hit.minutes;
      }
    }
  return m;
}
