import { z } from "zod";

/** Route optimisation (issue #19): the request and answer of POST /api/v1/routes/optimize, shared with the rep's app. */
const lat = z.number().min(-90).max(90);
const lon = z.number().min(-180).max(180);
export const point = z.object({ lat, lon });
export const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM (00:00–23:59)");
export const timeWindow = z
  .object({ start: hhmm, end: hhmm })
  .refine((w) => w.start <= w.end, { message: "window start must not be after its end", path: ["end"] })
  .describe("When service may begin, HH:MM org-local (arriving earlier waits)");

export const MAX_ROUTE_STOPS = 100;

export const optimizeRouteRequest = z
  .object({
    start: point,
    end: point.nullish().describe("Where the day must end (default: at its last stop)"),
    start_time: hhmm.optional().describe("Departure from start, HH:MM org-local (default the work-day start)"),
    speed_kmh: z.number().min(1).max(150).optional().describe("Average speed (default the organisation's travel_speed_kmh)"),
    stops: z
      .array(
        z.object({
          id: z.string().min(1).max(100),
          lat,
          lon,
          service_minutes: z.number().min(0).max(720).optional().describe("Time spent at the stop (default the organisation's default_service_minutes)"),
          window: timeWindow.nullish(),
        }),
      )
      .max(MAX_ROUTE_STOPS)
      .refine((s) => new Set(s.map((x) => x.id)).size === s.length, { message: "stop ids must be unique" }),
  })
  .strict();
export type OptimizeRouteRequest = z.infer<typeof optimizeRouteRequest>;

export const optimizeRouteResponse = z.object({
  order: z.array(z.string()).describe("Stop ids in the order to visit"),
  stops: z.array(z.object({ id: z.string(), arrival: z.string(), departure: z.string() })).describe("HH:MM org-local; departure = service start (after any wait) + service"),
  legs: z.array(z.object({ from: z.string(), to: z.string(), km: z.number(), minutes: z.number() })).describe('"start" / "end" name the route\'s ends'),
  total_km: z.number(),
  total_minutes: z.number().describe("Travel minutes (waits and service excluded)"),
  unassigned: z
    .array(z.object({ id: z.string(), reason: z.enum(["window_unreachable", "window_conflict"]) }))
    .describe("window_unreachable: even driving there first misses the window; window_conflict: cannot fit beside the other stops' windows"),
  input_km: z.number().describe("The km of the stops in the order given, for comparison"),
});
