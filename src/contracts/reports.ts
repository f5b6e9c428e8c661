import { z } from "zod";
import { idString, idValue } from "./ids";
import { clientId } from "./locations";

/** A real calendar date YYYY-MM-DD (2026-02-31 is refused, not rolled over to March). */
export const calendarDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, "is not a calendar date");

export const REPORT_FORMATS = ["json", "csv", "xlsx", "pdf"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
export const GROUP_BYS = ["rep", "day", "week"] as const;
export type GroupBy = (typeof GROUP_BYS)[number];

const rangeShape = {
  from: calendarDate.describe("First day, YYYY-MM-DD in the organisation's time zone"),
  to: calendarDate.describe("Last day, inclusive (at most 366 days after from)"),
  personnel_id: idString.optional().describe("One person of the caller's scope (another answers 404); a manager stands for their team (their reporting subtree)"),
  format: z.enum(REPORT_FORMATS).default("json").describe("json (default), csv (UTF-8 with BOM), xlsx or pdf"),
};

export const visitsReportQuery = z.strictObject({
  ...rangeShape,
  cursor: z.string().max(200).optional().describe("JSON only: next_cursor of the previous page"),
});
export type VisitsReportQuery = z.infer<typeof visitsReportQuery>;

export const summaryReportQuery = z.strictObject({
  ...rangeShape,
  group_by: z.enum(GROUP_BYS).default("rep").describe("rep, day or week (ISO weeks starting Monday)"),
});
export type SummaryReportQuery = z.infer<typeof summaryReportQuery>;

export const visitReportRowSchema = z.object({
  visit_id: z.number().int(),
  date: z.string().describe("Organisation-local date of the check-in"),
  rep_name: z.string(),
  employee_id: z.string().nullable(),
  customer: z.string(),
  external_ref: z.string().nullable(),
  planned_time: z.string().nullable().describe("HH:MM org-local, when the visit was a planned stop with a time"),
  check_in: z.string().nullable().describe("Org-local ISO date-time YYYY-MM-DDTHH:MM:SS"),
  check_out: z.string().nullable(),
  minutes: z.number().int().nullable().describe("Minutes at the customer"),
  verdict: z.string().nullable().describe("VALID, WARNING or INVALID"),
  distance_m: z.number().nullable().describe("Distance of the check-in fix from the customer, metres"),
  flags: z.array(z.string()),
  selfie: z.boolean(),
  outcome: z.string().nullable(),
});
export type VisitReportRow = z.infer<typeof visitReportRowSchema>;

export const reportMetaSchema = z.object({ from: z.string(), to: z.string(), time_zone: z.string(), team: z.string() });

export const visitsReportSchema = reportMetaSchema.extend({
  rows: z.array(visitReportRowSchema),
  next_cursor: z.string().nullable().describe("Set when more rows follow (pages of 5,000)"),
});
export type VisitsReport = z.infer<typeof visitsReportSchema>;

export const summaryRowSchema = z.object({
  key: z.string().describe("Rep id, date, or the Monday of the ISO week"),
  label: z.string(),
  planned: z.number().int().describe("Planned stops in the range"),
  due: z.number().int().describe("Planned stops already due (their time + the late threshold has passed, or visited)"),
  visited: z.number().int().describe("Due planned stops with a visit"),
  completion_pct: z.number().nullable().describe("visited / due × 100"),
  on_time_pct: z.number().nullable().describe("Due timed stops checked in by planned time + the late threshold / due timed stops"),
  visits: z.number().int().describe("Check-ins (planned or not)"),
  valid: z.number().int(),
  warning: z.number().int(),
  invalid: z.number().int(),
  minutes: z.number().int().describe("Minutes at customers"),
  km: z.number().describe("Kilometres travelled (day sessions)"),
  flags: z.number().int().describe("Plausibility flags raised on the visits"),
});
export type SummaryRow = z.infer<typeof summaryRowSchema>;

export const summaryReportSchema = reportMetaSchema.extend({
  group_by: z.enum(GROUP_BYS),
  rows: z.array(summaryRowSchema),
  totals: summaryRowSchema,
});
export type SummaryReport = z.infer<typeof summaryReportSchema>;

// --- scheduled e-mail ---

export const REPORT_KINDS = ["visits", "summary"] as const;
export const CADENCES = ["daily", "weekly"] as const;

export const createReportScheduleInput = z
  .strictObject({
    client_id: clientId,
    report: z.enum(REPORT_KINDS),
    cadence: z.enum(CADENCES),
    weekday: z.number().int().min(1).max(7).optional().describe("Weekly: ISO weekday 1 = Monday … 7 = Sunday (default 1)"),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM").describe("Org-local time of day to send"),
    format: z.enum(["csv", "xlsx", "pdf"]),
    recipients: z.array(z.email().max(254)).min(1).max(20),
  })
  .refine((s) => s.cadence === "weekly" || s.weekday === undefined, { message: "weekday is for weekly schedules", path: ["weekday"] });
export type CreateReportScheduleInput = z.infer<typeof createReportScheduleInput>;

export const reportDeliverySchema = z.object({
  period: z.string().describe("The period's first day (YYYY-MM-DD)"),
  status: z.enum(["pending", "sent", "failed"]),
  attempts: z.number().int(),
  error: z.string().nullable(),
  sent_at: z.string().nullable(),
});

export const reportScheduleSchema = z.object({
  id: z.number().int(),
  report: z.enum(REPORT_KINDS),
  cadence: z.enum(CADENCES),
  weekday: z.number().int().nullable(),
  time: z.string(),
  format: z.enum(["csv", "xlsx", "pdf"]),
  recipients: z.array(z.string()),
  owner: z.object({ id: z.number().int(), name: z.string() }),
  created_at: z.string(),
  deliveries: z.array(reportDeliverySchema).describe("The latest deliveries, newest first"),
});
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;
export const reportScheduleListSchema = z.object({ schedules: z.array(reportScheduleSchema), email_configured: z.boolean() });
export const deleteReportScheduleInput = z.strictObject({ id: idValue });
export type DeleteReportScheduleInput = z.infer<typeof deleteReportScheduleInput>;
