import { FieldMap } from "../map/field-map";
import type { LatLon, MapCircle, MapMarker } from "../map/map-types";

type Point = LatLon & { accuracy: number | null };

/**
 * The geometry of a visit's evidence: the customer with its geofence (r, and 2r where WARNING ends), and each fix
 * the rep sent — check-in, check-out, the selfie's capture fix — with its reported accuracy as a faint circle.
 */
export function VisitMap({ location, checkIn, checkOut, captureFix }: { location: LatLon & { name: string; radius: number }; checkIn: Point | null; checkOut: Point | null; captureFix: Point | null }) {
  const circles: MapCircle[] = [
    { id: "fence", lat: location.lat, lon: location.lon, radiusM: location.radius, color: "#16a34a", label: `Geofence ${location.radius} m` },
    { id: "fence-2r", lat: location.lat, lon: location.lon, radiusM: location.radius * 2, color: "#d97706", label: `WARNING limit ${location.radius * 2} m` },
  ];
  const markers: MapMarker[] = [{ id: "customer", lat: location.lat, lon: location.lon, label: `Customer: ${location.name}`, color: "#15803d", emphasis: true }];
  const fixes: [string, string, string, Point | null][] = [
    ["check-in", "Check-in fix", "#2563eb", checkIn],
    ["check-out", "Check-out fix", "#7c3aed", checkOut],
    ["capture", "Selfie capture fix", "#db2777", captureFix],
  ];
  for (const [id, label, color, p] of fixes) {
    if (!p) continue;
    markers.push({ id, lat: p.lat, lon: p.lon, label: p.accuracy !== null ? `${label} ±${Math.round(p.accuracy)} m` : label, color, badge: label[0] });
    if (p.accuracy !== null && p.accuracy > 0) circles.push({ id: `${id}-accuracy`, lat: p.lat, lon: p.lon, radiusM: p.accuracy, color, label: `${label} accuracy` });
  }
  return <FieldMap markers={markers} circles={circles} height="300px" ariaLabel={`Map of the visit to ${location.name}: the geofence and the rep's fixes`} />;
}
