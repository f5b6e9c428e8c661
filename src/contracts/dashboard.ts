import { z } from "zod";
import { calendarDate as isoDate } from "./dates";
import { idString as id } from "./ids";

/** ?from&to (organisation-local dates, inclusive; default today) — at most a year. */
export const dateRangeQuery = z.strictObject({
  from: isoDate.optional().describe("First day, YYYY-MM-DD in the organisation's time zone (default today)"),
  to: isoDate.optional().describe("Last day, inclusive (default = from)"),
});
export const teamSummaryQuery = dateRangeQuery.extend({
  manager_id: id.optional().describe("Whose reporting subtree (default: the caller's; admins: everyone)"),
});
export type TeamSummaryQuery = z.infer<typeof teamSummaryQuery>;

/** What a rep is doing now, for the map's colours. */
export const REP_STATES = ["in_visit", "travelling", "idle", "not_tracked", "day_ended", "day_not_started"] as const;
export type RepState = (typeof REP_STATES)[number];

export const kpisSchema = z.object({
  planned: z.number().int().describe("Planned stops in the range"),
  planned_done: z.number().int().describe("Planned stops with a visit"),
  visits: z.number().int().describe("Check-ins in the range (planned or not)"),
  completed: z.number().int().describe("Visits checked out"),
  due: z.number().int().describe("Planned stops due by now: visited, or past their planned time + the late threshold (the day's end when they have no time); the rest are upcoming"),
  completion_pct: z.number().nullable().describe("planned_done / due × 100: stops not yet due do not count"),
  valid_pct: z.number().nullable().describe("Check-ins VALID or WARNING / check-ins judged × 100"),
  avg_visit_minutes: z.number().nullable(),
  on_time_pct: z.number().nullable().describe("Planned stops checked in before planned_time + the late threshold / due planned stops with a time"),
  km_travelled: z.number(),
  active_reps_now: z.number().int().describe("Reps with an open day right now"),
  reps: z.number().int(),
});
export type Kpis = z.infer<typeof kpisSchema>;

export const repNowSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  email: z.string(),
  state: z.enum(REP_STATES),
  last_fix: z.object({ lat: z.number(), lon: z.number(), at: z.string(), source: z.enum(["ping", "check_in", "check_out"]) }).nullable(),
  open_visit_id: z.number().int().nullable(),
  planned: z.number().int(),
  planned_done: z.number().int(),
  visits: z.number().int(),
  km: z.number(),
});
export type RepNow = z.infer<typeof repNowSchema>;

export const plannedPlaceSchema = z.object({
  planned_visit_id: z.number().int(),
  personnel_id: z.number().int(),
  location_id: z.number().int(),
  name: z.string(),
  lat: z.number(),
  lon: z.number(),
  radius_m: z.number(),
  planned_date: z.string(),
  planned_time: z.string().nullable(),
  visit_id: z.number().int().nullable(),
});
export type PlannedPlace = z.infer<typeof plannedPlaceSchema>;

export const teamSummarySchema = z.object({
  from: z.string(),
  to: z.string(),
  today: z.string(),
  time_zone: z.string(),
  manager_id: z.number().int().nullable(),
  kpis: kpisSchema,
  reps: z.array(repNowSchema),
  planned_places: z.array(plannedPlaceSchema).describe("Planned stops of the range's first day (the map's geofences)"),
});
export type TeamSummary = z.infer<typeof teamSummarySchema>;

export const daySchema = z.object({
  date: z.string(),
  planned: z.number().int(),
  visits: z.number().int(),
  completed: z.number().int(),
  on_time: z.number().int().describe("Due planned stops with a time checked in by planned time + the late threshold"),
  timed: z.number().int().describe("Planned stops with a time that are due by now (the rest are upcoming)"),
  avg_visit_minutes: z.number().nullable(),
  km: z.number(),
});
export type DayFigures = z.infer<typeof daySchema>;

export const timelineItemSchema = z.object({
  planned_visit_id: z.number().int().nullable(),
  visit_id: z.number().int().nullable(),
  state: z
    .enum(["visited", "missed", "upcoming"])
    .describe("visited: checked in; missed: planned time + the late threshold (the day's end without a time) has passed with no check-in; upcoming: not due yet"),
  date: z.string(),
  sequence: z.number().int().nullable(),
  location_name: z.string(),
  planned_time: z.string().nullable(),
  check_in_time: z.string().nullable(),
  check_out_time: z.string().nullable(),
  duration_minutes: z.number().int().nullable(),
  validation_status: z.string().nullable(),
  flags: z.array(z.string()),
  late_minutes: z.number().int().nullable(),
  check_in_lat: z.number().nullable(),
  check_in_lon: z.number().nullable(),
});
export type TimelineItem = z.infer<typeof timelineItemSchema>;

export const personnelSummarySchema = z.object({
  person: z.object({ id: z.number().int(), name: z.string(), email: z.string(), role: z.string(), manager_name: z.string().nullable() }),
  from: z.string(),
  to: z.string(),
  time_zone: z.string(),
  kpis: kpisSchema,
  days: z.array(daySchema),
  timeline: z.array(timelineItemSchema).describe("Planned stops and visits of the range, newest day first (at most 500)"),
});
export type PersonnelSummary = z.infer<typeof personnelSummarySchema>;
