import type { Point } from "@/lib/geo/distance";
import { buildProblem, describeRoute, measureOrder, optimizeRoute, type RouteInput, type RouteResult, type UnassignedReason } from "./optimize";
import type { TravelMatrix } from "./matrix";
import { ROUTING_DEFAULTS } from "./defaults";
import { formatHhmm, parseHhmm } from "./time";

/**
 * A day's pending stops as the route optimiser sees them, in the browser (rep Today offline, the manager's Plans page)
 * the same way as src/server/plans/optimize-day-plan.ts does on the server: a stop's planned_time is an appointment,
 * service may begin from it until `routing.appointment_minutes` later. Pure: no server imports.
 */
export type DayStop = { key: string; lat: number; lon: number; planned_time: string | null };

/**
 * The organisation's routing numbers a day is optimised with (Admin → Settings). The server reads them from the
 * settings object (src/server/routing/routing-settings.ts) and sends them with the day's plan (`routing`), so the
 * phone, offline too, optimises with the same numbers as POST /plans/{id}/{date}/optimize.
 */
export type DayRouting = {
  /** Average speed, km/h (keyless model: geodesic km × detour factor at this speed). */
  travel_speed_kmh: number;
  /** Road km per geodesic km. */
  route_detour_factor: number;
  /** Minutes at each stop. */
  default_service_minutes: number;
  /** A stop's planned_time is an appointment: service may begin from it until this many minutes later (the late-check-in grace). */
  appointment_minutes: number;
};

/** The late-check-in grace the server uses when the organisation has not changed it (settings: alert_late_check_in_minutes). */
export const DEFAULT_APPOINTMENT_MINUTES = 30;

/** The numbers of an organisation that changed nothing (and of a plan cached before the server sent `routing`). */
export const DEFAULT_DAY_ROUTING: DayRouting = {
  travel_speed_kmh: ROUTING_DEFAULTS.travel_speed_kmh,
  route_detour_factor: ROUTING_DEFAULTS.route_detour_factor,
  default_service_minutes: ROUTING_DEFAULTS.default_service_minutes,
  appointment_minutes: DEFAULT_APPOINTMENT_MINUTES,
};

/** A plan's routing numbers, the defaults when it carries none (cached by an older app). */
export function routingOf(plan: { routing?: DayRouting | null } | null | undefined): DayRouting {
  return plan?.routing ?? DEFAULT_DAY_ROUTING;
}

export type DayRouteOptions = {
  /** The organisation's numbers (default DEFAULT_DAY_ROUTING). */
  routing?: DayRouting;
  /** Road matrix over [start, ...stops] (the server's, with GOOGLE_MAPS_API_KEY); default the keyless model. */
  matrix?: TravelMatrix;
};

export function dayRouteInput(stops: DayStop[], start: Point, startTime: string, routing: DayRouting = DEFAULT_DAY_ROUTING): RouteInput {
  return {
    start,
    start_time: startTime,
    speed_kmh: routing.travel_speed_kmh,
    detour_factor: routing.route_detour_factor,
    default_service_minutes: routing.default_service_minutes,
    stops: stops.map((s) => {
      const at = s.planned_time ? parseHhmm(s.planned_time) : null;
      return { id: s.key, lat: s.lat, lon: s.lon, window: at === null ? null : { start: formatHhmm(at), end: formatHhmm(Math.min(at + routing.appointment_minutes, 23 * 60 + 59)) } };
    }),
  };
}

export type StopTiming = { key: string; arrival: string; departure: string; late: boolean };

/** Arrival and departure at each stop in the order given (arriving early waits for the appointment), and whether it is late. */
export function scheduleDay(stops: DayStop[], start: Point, startTime: string, { routing, matrix }: DayRouteOptions = {}): { stops: StopTiming[]; km: number; minutes: number } {
  if (stops.length === 0) return { stops: [], km: 0, minutes: 0 };
  const input = dayRouteInput(stops, start, startTime, routing);
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

/**
 * The optimiser on a day's pending stops: the one function behind the phone's "Optimise my route" and the server's
 * POST /plans/{id}/{date}/optimize and beats-materialize (optimize-day-plan.ts), so the same stops, start and numbers
 * give the same order and times on both.
 */
export function optimiseDay(stops: DayStop[], start: Point, startTime: string, { routing, matrix }: DayRouteOptions = {}): DayOptimisation {
  const input = dayRouteInput(stops, start, startTime, routing);
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
