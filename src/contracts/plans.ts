import { z } from "zod";
import { idString } from "./ids";
import { validationStatus } from "./locations";

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

export const todayPlanResponse = z.object({
  personnel_id: z.number().int(),
  date: z.string().describe("YYYY-MM-DD, the organisation's today"),
  time_zone: z.string(),
  work_hours: z
    .object({ start: z.string(), end: z.string(), days: z.array(z.number().int().min(1).max(7)) })
    .describe("The organisation's work hours (HH:MM, org-local) and ISO weekdays: the app records breadcrumbs only inside them"),
  stops: z.array(plannedStopSchema).describe("In route order"),
});
export type TodayPlanResponse = z.infer<typeof todayPlanResponse>;
