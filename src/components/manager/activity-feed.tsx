import Link from "next/link";
import type { LiveEventJson } from "@/contracts/live-events";
import { formatClock } from "./rep-states";

/** One line of the feed, in words. */
export function describeEvent(e: LiveEventJson): string {
  const p = e.payload;
  const verdict = typeof p.status === "string" ? ` (${p.status}${typeof p.distance === "number" ? `, ${Math.round(p.distance)} m` : ""})` : "";
  switch (e.type) {
    case "visit.checked_in":
      return `checked in${verdict}`;
    case "visit.checked_out":
      return `checked out${typeof p.duration_minutes === "number" ? ` after ${p.duration_minutes} min` : ""}${verdict}`;
    case "visit.validated":
      return `visit ${typeof p.decision === "string" ? p.decision.toLowerCase() : "reviewed"}`;
    case "tracking.pings":
      return "sent a location update";
    case "session.started":
      return "started the day";
    case "session.ended":
      return "ended the day";
    case "alert.raised":
      return `alert: ${typeof p.message === "string" ? p.message : String(p.kind ?? "")}`;
    case "alert.acknowledged":
      return `alert acknowledged${typeof p.by_name === "string" ? ` by ${p.by_name}` : ""}`;
    default:
      return e.type;
  }
}

export function ActivityFeed({ events, names, timeZone, empty = "Nothing yet today." }: { events: LiveEventJson[]; names: Map<number, string>; timeZone: string; empty?: string }) {
  if (events.length === 0) return <p className="text-sm text-slate-600">{empty}</p>;
  return (
    <ol className="flex flex-col divide-y divide-slate-100 text-sm" aria-live="polite" aria-relevant="additions" data-testid="activity-feed">
      {events.map((e) => (
        <li key={e.id} className="py-1.5" data-event-id={e.id}>
          <span className="mr-2 tabular-nums text-slate-500">{formatClock(e.created_at, timeZone)}</span>
          {e.personnel_id !== null ? (
            <Link href={`/manager/reps/${e.personnel_id}`} className="font-medium text-brand-700 underline">
              {names.get(e.personnel_id) ?? `#${e.personnel_id}`}
            </Link>
          ) : null}{" "}
          {describeEvent(e)}
          {e.visit_id !== null && e.type.startsWith("visit.") ? (
            <Link href={`/manager/visits/${e.visit_id}`} className="ml-1 text-xs text-slate-600 underline">
              visit
            </Link>
          ) : null}
        </li>
      ))}
    </ol>
  );
}
