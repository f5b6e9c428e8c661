import type { Point } from "@/lib/geo/distance";
import { buildProblem, describeRoute, measureOrder, optimizeRoute, type RouteInput, type RouteResult, type UnassignedReason } from "./optimize";
import type { TravelMatrix } from "./matrix";
import { formatHhmm, parseHhmm } from "./time";

/**
 * A day's pending stops as the route optimiser sees them, in the browser (rep Today offline, the manager's Plans page)
 * the same way as src/server/plans/optimize-day-plan.ts does on the server: a stop's planned_time is an appointment,
 * service may begin from it until `appointmentMinutes` later. Pure: no server imports.
 */
export type DayStop = { key: string; lat: number; lon: number; planned_time: string | null };

/** The late-check-in grace the server uses when the organisation has not changed it (settings: alert_late_check_in_minutes). */
export const DEFAULT_APPOINTMENT_MINUTES = 15;

export function dayRouteInput(stops: DayStop[], start: Point, startTime: string, appointmentMinutes = DEFAULT_APPOINTMENT_MINUTES): RouteInput {
  return {
    start,
    start_time: startTime,
    stops: stops.map((s) => {
      const at = s.planned_time ? parseHhmm(s.planned_time) : null;
      return { id: s.key, lat: s.lat, lon: s.lon, window: at === null ? null : { start: formatHhmm(at), end: formatHhmm(Math.min(at + appointmentMinutes, 23 * 60 + 59)) } };
    }),
  };
}

export type StopTiming = { key: string; arrival: string; departure: string; late: boolean };

/** Arrival and departure at each stop in the order given (arriving early waits for the appointment), and whether it is late. */
export function scheduleDay(stops: DayStop[], start: Point, startTime: string, matrix?: TravelMatrix): { stops: StopTiming[]; km: number; minutes: number } {
  if (stops.length === 0) return { stops: [], km: 0, minutes: 0 };
  const input = dayRouteInput(stops, start, startTime);
  const p = buildProblem(input, matrix);
  const r = describeRoute(
    p,
    input,
    stops.map((_, i) => i),
  );
  return {
    stops: r.stops.map((s, i) => ({ key: s.id, arrival: s.arrival, departure: s.departure, late: (parseHhmm(s.arrival) ?? 0) > p.we[i]! })),
    km: r.total_km,
    minutes: r.total_minutes,
  };
}

export type DayOptimisation = {
  /** Every stop: the served ones in route order, then those whose appointment cannot be met (kept, at the end). */
  order: string[];
  result: RouteResult;
  before: { km: number; minutes: number };
  after: { km: number; minutes: number };
  unassigned: { key: string; reason: UnassignedReason }[];
};

/** The optimiser on a day's pending stops; the same answer on the phone and on the server for the same numbers. */
export function optimiseDay(stops: DayStop[], start: Point, startTime: string, matrix?: TravelMatrix): DayOptimisation {
  const input = dayRouteInput(stops, start, startTime);
  const result = optimizeRoute(input, matrix ? { matrix } : {});
  const order = [...result.order, ...result.unassigned.map((u) => u.id)];
  return {
    order,
    result,
    before: measureOrder(input, stops.map((s) => s.key), matrix),
    after: measureOrder(input, order, matrix),
    unassigned: result.unassigned.map((u) => ({ key: u.id, reason: u.reason })),
  };
}

/** Why a stop cannot be served, in words. */
export function unassignedText(reason: UnassignedReason): string {
  return reason === "window_unreachable" ? "its appointment time cannot be reached from the start" : "its appointment clashes with another stop's";
}

/** The current HH:MM in a time zone (the organisation's). */
export function hhmmIn(now: Date, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "00";
  return `${get("hour")}:${get("minute")}`;
}
