import { NextResponse } from "next/server";
import { idPathParams } from "@/contracts/ids";
import { apiRoute, parseInput } from "@/server/http/api";
import { deleteReportSchedule } from "@/server/reports/report-schedules";

/** DELETE /api/v1/report-schedules/{id}: stops the schedule (its history stays); repeating it answers the same. */
export const DELETE = apiRoute<{ id: string }>("reports.schedule", async ({ ctx, params }) => {
  const { id } = parseInput(idPathParams, params);
  return NextResponse.json(await deleteReportSchedule(ctx, id));
});
