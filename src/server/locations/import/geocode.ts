import "server-only";
import { Client } from "@googlemaps/google-maps-services-js";

/**
 * Address → coordinates for the customer import, with GOOGLE_MAPS_API_KEY only. Built against the library's types;
 * NOT run here (no key, no network in these test machines): tests cover the no-key path, where such rows are errors.
 * Cached per process (the same address in many rows or imports is asked once), rate-limited to MAX_PER_SECOND
 * (the Geocoding API's default quota is 50 QPS), the match quality reported (ROOFTOP … APPROXIMATE, partial match),
 * and several results flagged as ambiguous for review.
 */
export type Geocoded = { lat: number; lon: number; quality: string; ambiguous: boolean } | null;

const MAX_PER_SECOND = 25;
const CACHE_MAX = 20_000;
const cache = new Map<string, Geocoded>();
let client: Client | null = null;
let nextSlot = 0;

async function rateLimit(): Promise<void> {
  const now = Date.now();
  const at = Math.max(now, nextSlot);
  nextSlot = at + 1000 / MAX_PER_SECOND;
  if (at > now) await new Promise((r) => setTimeout(r, at - now));
}

export async function geocodeAddress(address: string, key: string): Promise<Geocoded> {
  const k = address.trim().toLowerCase();
  if (cache.has(k)) return cache.get(k)!;
  await rateLimit();
  client ??= new Client({});
  const res = await client.geocode({ params: { address, key }, timeout: 10_000 });
  const results = res.data.results;
  const best = results[0];
  const answer: Geocoded = best
    ? {
        lat: best.geometry.location.lat,
        lon: best.geometry.location.lng,
        quality: `${best.geometry.location_type ?? "UNKNOWN"}${best.partial_match ? " (partial match)" : ""}`,
        ambiguous: results.length > 1 || best.partial_match,
      }
    : null;
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(k, answer);
  return answer;
}
