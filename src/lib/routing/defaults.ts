/**
 * Routing numbers of the solver when its input says none. The organisation's own (Admin → Settings) reach the
 * server through src/server/routing/routing-settings.ts and the phone with the day's plan (`routing`); these are the
 * fallback (and the settings' column defaults).
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
