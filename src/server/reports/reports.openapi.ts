import type { ApiOperation } from "../http/openapi-types";
import { createReportScheduleInput, reportScheduleListSchema, reportScheduleSchema, summaryReportQuery, summaryReportSchema, visitsReportQuery, visitsReportSchema } from "@/contracts/reports";

const FILES = {
  csv: "text/csv",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};
const errors = {
  400: { description: "VALIDATION_FAILED with the field: bad or impossible date, to before from, more than 366 days, unknown format or parameter" },
  401: { description: "No valid credential" },
  404: { description: "personnel_id is not in the caller's scope (or does not exist)" },
};

/** The reports (issue #20): one query layer, four formats. */
export const reportsOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/reports/visits",
    summary: "One row per visit of the caller's scope checked in during the range (JSON paged by cursor, or CSV/XLSX/PDF streamed)",
    description:
      "Scope: a rep their own visits, a manager their reporting subtree, an admin everyone; `personnel_id` narrows to one person of that scope (a rep alone; a manager with their reporting subtree). " +
      "Dates and times are organisation-local. JSON pages hold at most 5,000 rows; pass `next_cursor` back as `cursor`. Files are streamed: " +
      "CSV (UTF-8 with BOM, ISO dates), XLSX (frozen header, typed cells), PDF (A4, team, period, totals, page numbers).",
    tag: "reports",
    permission: "reports.read",
    query: visitsReportQuery,
    responses: {
      200: { description: "The rows (JSON), or the file when format is csv, xlsx or pdf", schema: visitsReportSchema },
      ...errors,
    },
  },
  {
    method: "get",
    path: "/api/v1/reports/summary",
    summary: "Per rep, day or ISO week: planned, due, visited, completion %, on-time %, verdict counts, minutes, km, flags, with totals",
    description:
      "A planned stop counts for completion and on-time only once it is due (its time plus the late threshold has passed, the day's end " +
      "when it has no time, or it was visited). Same scope, range and formats as the visits report (" + Object.keys(FILES).join(", ") + " files, or JSON).",
    tag: "reports",
    permission: "reports.read",
    query: summaryReportQuery,
    responses: {
      200: { description: "The summary (JSON), or the file when format is csv, xlsx or pdf", schema: summaryReportSchema },
      ...errors,
    },
  },
];

/** Scheduled report e-mails (issue #20). */
export const reportSchedulesOperations: ApiOperation[] = [
  {
    method: "get",
    path: "/api/v1/report-schedules",
    summary: "The report schedules of the caller's scope, each with its latest deliveries (sent, failed with reason), and whether e-mail is configured",
    tag: "reports",
    permission: "team.read",
    responses: { 200: { description: "The schedules", schema: reportScheduleListSchema }, 401: { description: "No valid credential" }, 403: { description: "Reps" } },
  },
  {
    method: "post",
    path: "/api/v1/report-schedules",
    summary: "E-mail a report on a cadence (daily, or weekly on a weekday) at an org-local time; run as the caller, over the caller's scope",
    description:
      "Idempotent on client_id: the same id and body answers 200 with the first schedule; another body is 409 CLIENT_ID_REUSED. A daily report covers " +
      "its day, a weekly one the seven days ending on its weekday. A schedule created after today's time is due at once for today.",
    tag: "reports",
    permission: "reports.schedule",
    body: createReportScheduleInput,
    responses: {
      201: { description: "Created", schema: reportScheduleSchema },
      200: { description: "A replay of the same request", schema: reportScheduleSchema },
      400: { description: "VALIDATION_FAILED" },
      401: { description: "No valid credential" },
      403: { description: "Reps, read-only keys" },
      409: { description: "CLIENT_ID_REUSED" },
    },
  },
  {
    method: "delete",
    path: "/api/v1/report-schedules/{id}",
    summary: "Stops a schedule (its delivery history stays); repeating it answers the same",
    tag: "reports",
    permission: "reports.schedule",
    responses: { 200: { description: "Stopped" }, 401: { description: "No valid credential" }, 403: { description: "Reps, read-only keys" }, 404: { description: "No such schedule in the caller's scope" } },
  },
];
