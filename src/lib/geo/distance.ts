/**
 * Geodesic distance on the WGS84 ellipsoid (Vincenty's inverse formula), the same surface PostGIS measures
 * `geography` on: the travel filter's keep/drop decisions (shared by the phone and the server, docs/decisions/0012)
 * compare distances with 10–200 m thresholds, and a sphere is up to 0.5 % off at these latitudes, enough to flip
 * a fix sitting on a threshold. Agrees with PostGIS `ST_Distance(geography, geography)` to well under a millimetre
 * at field distances. The server's stored kilometres are still summed in PostGIS.
 */
export type Point = { lat: number; lon: number };

const A = 6_378_137;
const F = 1 / 298.257_223_563;
const B = A * (1 - F);
const rad = (d: number) => (d * Math.PI) / 180;

export function metersBetween(p: Point, q: Point): number {
  const L = rad(q.lon - p.lon);
  const U1 = Math.atan((1 - F) * Math.tan(rad(p.lat)));
  const U2 = Math.atan((1 - F) * Math.tan(rad(q.lat)));
  const sinU1 = Math.sin(U1);
  const cosU1 = Math.cos(U1);
  const sinU2 = Math.sin(U2);
  const cosU2 = Math.cos(U2);
  let lambda = L;
  for (let iter = 0; iter < 200; iter++) {
    const sinL = Math.sin(lambda);
    const cosL = Math.cos(lambda);
    const sinSigma = Math.hypot(cosU2 * sinL, cosU1 * sinU2 - sinU1 * cosU2 * cosL);
    if (sinSigma === 0) return 0; // the same point
    const cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
    const sigma = Math.atan2(sinSigma, cosSigma);
    const sinAlpha = (cosU1 * cosU2 * sinL) / sinSigma;
    const cos2Alpha = 1 - sinAlpha * sinAlpha;
    const cos2SigmaM = cos2Alpha === 0 ? 0 : cosSigma - (2 * sinU1 * sinU2) / cos2Alpha; // 0 on the equator
    const C = (F / 16) * cos2Alpha * (4 + F * (4 - 3 * cos2Alpha));
    const prev = lambda;
    lambda = L + (1 - C) * F * sinAlpha * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)));
    if (Math.abs(lambda - prev) < 1e-12) {
      const u2 = (cos2Alpha * (A * A - B * B)) / (B * B);
      const bigA = 1 + (u2 / 16384) * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
      const bigB = (u2 / 1024) * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
      const deltaSigma =
        bigB * sinSigma * (cos2SigmaM + (bigB / 4) * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM) - (bigB / 6) * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)));
      return B * bigA * (sigma - deltaSigma);
    }
  }
  return sphereMeters(p, q); // nearly antipodal points never converge; no field track has them
}

/** Great circle on the mean-radius sphere: only the fallback for nearly antipodal points. */
function sphereMeters(a: Point, b: Point): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.min(1, Math.sqrt(h)));
}

export function formatDistance(m: number): string {
  if (m < 1000) return `${Math.round(m)} m`;
  return `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} km`;
}
