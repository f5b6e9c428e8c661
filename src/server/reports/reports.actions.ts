"use server";
import { createReportScheduleInput, deleteReportScheduleInput } from "@/contracts/reports";
import { defineAction } from "../http/action";
import { createReportSchedule, deleteReportSchedule } from "./report-schedules";

// The Reports page's schedule form: the same use-cases as /api/v1/report-schedules (scope inside them).
export const createReportScheduleAction = defineAction({
  name: "reports.createSchedule",
  permission: "reports.schedule",
  input: createReportScheduleInput,
  run: async (ctx, i) => (await createReportSchedule(ctx, i)).schedule,
});
export const deleteReportScheduleAction = defineAction({
  name: "reports.deleteSchedule",
  permission: "reports.schedule",
  input: deleteReportScheduleInput,
  run: (ctx, i) => deleteReportSchedule(ctx, i.id),
});
