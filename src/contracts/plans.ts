import { z } from "zod";
import { calendarDate } from "./dates";
import { idString, idValue } from "./ids";
import { clientId, validationStatus } from "./locations";
import { hhmm, point } from "./routing";

/** Where a planned stop stands: not yet visited, checked in (visit open), or checked out. */
export const stopStatus = z.enum(["PENDING", "IN_PROGRESS", "DONE"]);
export type StopStatus = z.infer<typeof stopStatus>;

export const plannedStopSchema = z.object({
  planned_visit_id: z.number().int(),
  sequence: z.number().int(),
  planned_time: z.string().nullable().describe("Expected arrival, HH:MM in the organisation's time zone (null: any time that day)"),
  status: stopStatus,
  location: z.object({
    id: z.number().int(),
    name: z.string(),
    address: z.string().nullable(),
    lat: z.number(),
    lon: z.number(),
    geofence_radius: z.number().int().describe("Metres: VALID within r, WARNING within 2r"),
    active: z.boolean().describe("An inactive (deactivated) location refuses check-ins"),
  }),
  visit: z
    .object({
      id: z.number().int(),
      check_in_time: z.string().nullable(),
      check_out_time: z.string().nullable(),
      validation_status: validationStatus.nullable(),
      flags: z.array(z.string()),
      outcome: z.string().nullable(),
    })
    .nullable()
    .describe("The visit made at this stop (linked at check-in), or null"),
});
export type PlannedStopJson = z.infer<typeof plannedStopSchema>;

export const todayPlanQuery = z.object({
  personnel_id: idString.optional().describe("Whose plan (managers: their subtree); default the caller"),
});
export type TodayPlanQuery = z.infer<typeof todayPlanQuery>;

export const dayRoutingSchema = z
  .object({
    travel_speed_kmh: z.number().describe("Average driving speed, km/h (settings: travel_speed_kmh)"),
    route_detour_factor: z.number().describe("Road km per straight-line km (settings: route_detour_factor)"),
    default_service_minutes: z.number().int().describe("Minutes spent at each stop (settings: default_service_minutes)"),
    appointment_minutes: z.number().int().describe("A stop's planned_time is an appointment: service may begin up to this many minutes after it (settings: alert_late_check_in_minutes)"),
  })
  .describe("The organisation's routing numbers: the app's offline \"Optimise my route\" and arrival times use them, as POST …/optimize does on the server");

export const todayPlanResponse = z.object({
  personnel_id: z.number().int(),
  date: z.string().describe("YYYY-MM-DD, the organisation's today"),
  time_zone: z.string(),
  work_hours: z
    .object({ start: z.string(), end: z.string(), days: z.array(z.number().int().min(1).max(7)) })
    .describe("The organisation's work hours (HH:MM, org-local) and ISO weekdays: the app records breadcrumbs only inside them"),
  tracking_interval_seconds: z.number().int().describe("The organisation's tracking interval: the app records a breadcrumb at most this often (sooner after 50 m of movement)"),
  routing: dayRoutingSchema,
  stops: z.array(plannedStopSchema).describe("In route order"),
});
export type TodayPlanResponse = z.infer<typeof todayPlanResponse>;

export const planDateParams = z.object({
  personnel_id: idString,
  date: calendarDate,
});

/** The same answer as plans/today, for any date; `source` says who wrote the day. */
export const dayPlanResponse = todayPlanResponse.extend({
  date: z.string().describe("YYYY-MM-DD in the organisation's time zone"),
  source: z.enum(["none", "beat", "manual"]).describe("none: no plan; beat: written by beats-materialize; manual: edited by hand (the job never overwrites it)"),
});
export type DayPlanResponse = z.infer<typeof dayPlanResponse>;

export const MAX_PLAN_STOPS = 100;
export const plannedStopInput = z.object({
  location_id: idValue,
  planned_time: hhmm.nullish().describe("Expected arrival HH:MM org-local (null: any time)"),
});
export const putPlanRequest = z
  .object({
    client_id: clientId,
    stops: z.array(plannedStopInput).max(MAX_PLAN_STOPS).describe("The day's not-yet-visited stops, in order (visited stops stay as they are)"),
  })
  .strict();
export type PutPlanRequest = z.infer<typeof putPlanRequest>;

export const optimizePlanRequest = z
  .object({
    client_id: clientId,
    start: point.nullish().describe("Where the rep starts (default: their last fix that day, else their home base, else the first stop)"),
  })
  .strict();
export type OptimizePlanRequest = z.infer<typeof optimizePlanRequest>;

export const optimizePlanResponse = z.object({
  plan: dayPlanResponse,
  km_before: z.number(),
  km_after: z.number(),
  minutes_before: z.number(),
  minutes_after: z.number(),
  unassigned: z.array(z.object({ location_id: z.number().int(), reason: z.string() })).describe("Pending stops whose window cannot be met (kept, at the end of the day)"),
});
export type OptimizePlanResponse = z.infer<typeof optimizePlanResponse>;
