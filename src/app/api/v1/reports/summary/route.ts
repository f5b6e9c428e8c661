import { summaryReportQuery } from "@/contracts/reports";
import { apiRoute, parseInput } from "@/server/http/api";
import { getSummaryReport } from "@/server/reports/get-report";
import { reportResponse } from "@/server/reports/report-response";

/** GET /api/v1/reports/summary?from&to&group_by=rep|day|week[&personnel_id][&format]: figures per group with totals. */
export const GET = apiRoute("reports.read", async ({ req, ctx }) => {
  const q = parseInput(summaryReportQuery, Object.fromEntries(new URL(req.url).searchParams));
  return reportResponse(await getSummaryReport(ctx, q));
});
