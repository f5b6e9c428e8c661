import { z } from "zod";
import { calendarDate } from "./dates";
import { idString, idValue } from "./ids";
import { clientId } from "./locations";
import { MAX_PLAN_STOPS, plannedStopInput } from "./plans";

/** Beats (issue #19): a rep's recurring round, written into day plans by the beats-materialize job. */
const isoDate = calendarDate;
const weekdays = z
  .array(z.number().int().min(1).max(7))
  .min(1)
  .max(7)
  .refine((w) => new Set(w).size === w.length, { message: "weekdays must not repeat" })
  .describe("ISO weekdays: 1 = Monday … 7 = Sunday");
const everyWeeks = z.union([z.literal(1), z.literal(2), z.literal(4)]).describe("Every 1, 2 or 4 weeks, counted from the week of starts_on");
const stops = z.array(plannedStopInput).min(1).max(MAX_PLAN_STOPS);
const name = z.string().trim().min(1).max(200);

export const createBeatRequest = z
  .object({
    client_id: clientId,
    personnel_id: idValue,
    name,
    weekdays,
    every_weeks: everyWeeks.default(1),
    starts_on: isoDate,
    ends_on: isoDate.nullish(),
    stops,
    keep_order: z.boolean().default(false).describe("Write the stops as given instead of optimising each day"),
  })
  .strict()
  .refine((b) => !b.ends_on || b.ends_on >= b.starts_on, { message: "ends_on must not be before starts_on", path: ["ends_on"] });
export type CreateBeatRequest = z.infer<typeof createBeatRequest>;

export const patchBeatRequest = z
  .object({
    client_id: clientId,
    name: name.optional(),
    weekdays: weekdays.optional(),
    every_weeks: everyWeeks.optional(),
    starts_on: isoDate.optional(),
    ends_on: isoDate.nullish(),
    stops: stops.optional(),
    keep_order: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .strict();
export type PatchBeatRequest = z.infer<typeof patchBeatRequest>;

export const beatIdParams = z.object({ id: idString });
export const listBeatsQuery = z.object({ personnel_id: idString.optional().describe("Only this rep's beats (default: every beat in scope)") });
export const deleteBeatQuery = z.object({});

export const beatResponse = z.object({
  id: z.number().int(),
  personnel_id: z.number().int(),
  name: z.string(),
  weekdays: z.array(z.number().int()),
  every_weeks: z.number().int(),
  starts_on: z.string(),
  ends_on: z.string().nullable(),
  stops: z.array(z.object({ location_id: z.number().int(), planned_time: z.string().nullable() })),
  keep_order: z.boolean(),
  active: z.boolean(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type BeatJson = z.infer<typeof beatResponse>;
export const beatListResponse = z.object({ items: z.array(beatResponse) });
