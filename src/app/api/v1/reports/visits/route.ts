import { visitsReportQuery } from "@/contracts/reports";
import { apiRoute, parseInput } from "@/server/http/api";
import { getVisitsReport } from "@/server/reports/get-report";
import { reportResponse } from "@/server/reports/report-response";

/** GET /api/v1/reports/visits?from&to[&personnel_id][&format][&cursor]: one row per visit in the caller's scope. */
export const GET = apiRoute("reports.read", async ({ req, ctx }) => {
  const q = parseInput(visitsReportQuery, Object.fromEntries(new URL(req.url).searchParams));
  return reportResponse(await getVisitsReport(ctx, q));
});
