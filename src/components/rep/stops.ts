import type { PlannedStopJson, StopStatus } from "@/contracts/plans";
import type { QueueItem } from "@/lib/offline/queue-types";
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
      const out = day.checkOuts.some((o) => o.kind === "visit.check_out" && o.check_in_client_id === checkIn.client_id);
      localStatus = out ? "DONE" : "IN_PROGRESS";
    }
    return { ...s, localStatus, checkIn };
  });
}

export const nextStop = (views: StopView[]) => views.find((v) => v.localStatus === "PENDING" && v.location.active) ?? null;
