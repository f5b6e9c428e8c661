/**
 * Great-circle distance for the phone's *display* only (distance to the next stop, the "Check in at X?" prompt,
 * the day summary): the verdict the server records is PostGIS on the spheroid (≤ 0.5 % apart at these ranges).
 */
export type Point = { lat: number; lon: number };

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

export function metersBetween(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}
