import type { TimelineItem } from "@/contracts/dashboard";
import type { Trail } from "@/contracts/tracking";
import { FieldMap } from "../map/field-map";
import type { LatLon, MapLine, MapMarker } from "../map/map-types";
import { formatClock } from "./rep-states";

const GAP_CAUSE: Record<string, string> = {
  hidden: "app in background",
  offline: "offline",
  permission_denied: "location permission denied",
  no_fix: "no GPS fix",
  unknown: "cause unknown",
};

/** The day's trail: kept breadcrumbs as a line, each gap as a dashed segment labelled with its cause, visits as numbered markers. */
export function RepTrail({ trail, visits, timeZone }: { trail: Trail; visits: TimelineItem[]; timeZone: string }) {
  const kept = trail.pings.filter((p) => p.kept);
  const lines: MapLine[] = kept.length > 1 ? [{ id: "trail", points: kept.map((p) => ({ lat: p.lat, lon: p.lon })), color: "#2563eb", label: "Breadcrumbs" }] : [];
  trail.gaps.forEach((g, i) => {
    const before = [...trail.pings].reverse().find((p) => p.captured_at <= g.started_at);
    const after = trail.pings.find((p) => p.captured_at >= g.ended_at);
    const label = `Gap ${formatClock(g.started_at, timeZone)}–${formatClock(g.ended_at, timeZone)}: ${GAP_CAUSE[g.cause] ?? g.cause}`;
    if (before && after) lines.push({ id: `gap-${i}`, points: [before, after] as LatLon[], color: "#dc2626", dashed: true, label });
  });
  const markers: MapMarker[] = visits
    .filter((v) => v.check_in_lat !== null && v.check_in_lon !== null && v.check_in_time)
    .reverse()
    .map((v, i) => ({
      id: `visit-${v.visit_id}`,
      lat: v.check_in_lat!,
      lon: v.check_in_lon!,
      badge: String(i + 1),
      color: v.validation_status === "INVALID" ? "#dc2626" : v.validation_status === "WARNING" ? "#d97706" : "#16a34a",
      label: `${i + 1}. ${v.location_name}, checked in ${formatClock(v.check_in_time!, timeZone)} (${v.validation_status ?? "not judged"})`,
    }));
  return (
    <div className="flex flex-col gap-2">
      <FieldMap lines={lines} markers={markers} height="380px" ariaLabel={`Trail of ${trail.date}: ${kept.length} breadcrumbs, ${markers.length} visits, ${trail.gaps.length} gaps`} />
      <p className="text-sm text-slate-600">
        {trail.session ? `Day ${trail.session.status.toLowerCase()}, ${trail.session.total_travel_km} km travelled` : "No work day recorded"} · {trail.pings.length} fixes ({kept.length} kept)
      </p>
      {trail.gaps.length > 0 ? (
        <ul className="text-sm" aria-label="Gaps in tracking">
          {trail.gaps.map((g) => (
            <li key={g.started_at}>
              {formatClock(g.started_at, timeZone)}–{formatClock(g.ended_at, timeZone)} ({Math.round(g.duration_s / 60)} min): {GAP_CAUSE[g.cause] ?? g.cause}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
