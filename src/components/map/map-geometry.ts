import type { FieldMapProps, LatLon } from "./map-types";

/** Every point drawn on the map (markers, circle centres, line vertices), for fitting the view. */
export function allPoints({ markers = [], circles = [], lines = [] }: FieldMapProps): LatLon[] {
  return [...markers, ...circles, ...lines.flatMap((l) => l.points)].filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
}

/** The points the view fits: `fitTo` when it has any, else everything drawn. */
export function fitPoints(props: FieldMapProps): LatLon[] {
  const only = (props.fitTo ?? []).filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  return only.length ? only : allPoints(props);
}

/** South-west / north-east corners of the points, padded for circles' radii (≈ 111 km per degree). */
export function boundsOf(points: LatLon[], padM = 0): [[number, number], [number, number]] | null {
  if (points.length === 0) return null;
  let s = 90, w = 180, n = -90, e = -180;
  for (const p of points) {
    s = Math.min(s, p.lat); n = Math.max(n, p.lat);
    w = Math.min(w, p.lon); e = Math.max(e, p.lon);
  }
  const pad = padM / 111_000;
  return [[s - pad, w - pad], [n + pad, e + pad]];
}

/** India's centre: the default view of an empty map (the demo organisation works in Asia/Kolkata). */
export const DEFAULT_CENTER: LatLon = { lat: 20.59, lon: 78.96 };

export const DEFAULT_COLOR = "#2563eb";

/** A stable signature of what the view should fit, so a live update of one marker's colour does not re-zoom. */
export function fitKey(points: LatLon[]): string {
  const b = boundsOf(points);
  return b ? b.flat().map((v) => v.toFixed(3)).join(",") : "empty";
}
