"use client";
import { FieldMap } from "@/components/map/field-map";

/** Server-aggregated grid cells on the app's map, as circles coloured by visits (vectors: they draw without tiles). */
export function VisitHeatMap({ cells, cellDeg }: { cells: { lat: number; lon: number; visits: number }[]; cellDeg: number }) {
  const max = Math.max(1, ...cells.map((c) => c.visits));
  const radiusM = (cellDeg * 111_000) / 2;
  const color = (v: number) => {
    const t = Math.sqrt(v / max);
    return t > 0.75 ? "#b91c1c" : t > 0.5 ? "#ea580c" : t > 0.25 ? "#f59e0b" : "#2563eb";
  };
  return (
    <FieldMap
      ariaLabel={`Heat map of visits: ${cells.length} grid cells of ${cellDeg}°, the busiest with ${max} visits`}
      height="360px"
      circles={cells.map((c, i) => ({ id: `h${i}`, lat: c.lat, lon: c.lon, radiusM, color: color(c.visits), label: `${c.visits} visits` }))}
    />
  );
}
