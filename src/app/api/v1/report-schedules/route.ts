import { NextResponse } from "next/server";
import { createReportScheduleInput } from "@/contracts/reports";
import { apiRoute, readJson } from "@/server/http/api";
import { createReportSchedule, listReportSchedules } from "@/server/reports/report-schedules";

/** GET /api/v1/report-schedules: the schedules of the caller's scope with their recent deliveries, and whether e-mail is configured. */
export const GET = apiRoute("team.read", async ({ ctx }) => NextResponse.json(await listReportSchedules(ctx)));

/** POST /api/v1/report-schedules: 201 with the schedule; a replay of the same client_id and body answers 200. */
export const POST = apiRoute("reports.schedule", async ({ req, ctx }) => {
  const { schedule, replayed } = await createReportSchedule(ctx, await readJson(req, createReportScheduleInput));
  return NextResponse.json(schedule, { status: replayed ? 200 : 201 });
});
