/**
 * Routing defaults until the organisation settings object (issue #18, helper `office`) carries them: the server reads
 * them through src/server/routing/routing-settings.ts, so swapping to the settings object is one line there.
 * Pure values: the phone's offline "Optimise my route" uses the same numbers.
 */
export const ROUTING_DEFAULTS = {
  /** Average door-to-door speed in town, km/h (keyless model: geodesic km × detour factor at this speed). */
  travel_speed_kmh: 30,
  /** Minutes spent at a stop when the stop does not say. */
  default_service_minutes: 20,
  /** Road km per geodesic km (1.3 is the usual urban circuity factor; 1.2–1.4 in published studies). */
  route_detour_factor: 1.3,
  /** When the day starts if the request does not say (HH:MM, org-local). */
  start_time: "09:00",
} as const;
