import type { PlannedStopJson, StopStatus } from "@/contracts/plans";
import type { QueueItem, QueuedPlace } from "@/lib/offline/queue-types";
import type { DayState } from "./rep-store";

export type StopView = PlannedStopJson & { localStatus: StopStatus; checkIn: QueueItem | null };

/** A stop's status as this phone knows it: the server's, overtaken by check-ins and check-outs still in the queue. */
export function stopViews(stops: PlannedStopJson[], day: DayState): StopView[] {
  const used = new Set<string>();
  return stops.map((s) => {
    const checkIn = day.checkIns.find((i) => i.kind === "visit.check_in" && i.body.location_id === s.location.id && !used.has(i.client_id)) ?? null;
    if (checkIn) used.add(checkIn.client_id);
    let localStatus = s.status;
    if (checkIn && localStatus !== "DONE") {
      const out = day.closedElsewhere.has(checkIn.client_id) || day.checkOuts.some((o) => o.kind === "visit.check_out" && o.check_in_client_id === checkIn.client_id);
      localStatus = out ? "DONE" : "IN_PROGRESS";
    }
    return { ...s, localStatus, checkIn };
  });
}

export const nextStop = (views: StopView[]) => views.find((v) => v.localStatus === "PENDING" && v.location.active) ?? null;

/** The customer of the open visit: its planned stop, the place saved with the check-in, or (older items) its name and fix. */
export function placeOfOpenVisit(open: QueueItem | null, views: StopView[]): QueuedPlace | null {
  if (!open || open.kind !== "visit.check_in") return null;
  const stop = views.find((v) => v.location.id === open.body.location_id);
  if (stop) return { ...stop.location };
  return open.place ?? { id: open.body.location_id, name: open.location_name, address: null, lat: open.body.lat, lon: open.body.lon, geofence_radius: 50 };
}

/** The verdict of a stop's visit: the server's, or the one its queued check-in came back with. */
export function stopVerdict(v: StopView): string | null {
  const local = (v.checkIn?.result as { validation?: { status?: string } } | null)?.validation?.status;
  return local ?? v.visit?.validation_status ?? null;
}
