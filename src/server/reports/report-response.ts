import "server-only";
import { NextResponse } from "next/server";
import { isReportFile, type ReportFile } from "./get-report";

/** A report as an HTTP answer: JSON, or the file streamed as it is produced (download name in Content-Disposition). */
export function reportResponse(result: object | ReportFile): Response {
  if (!isReportFile(result)) return NextResponse.json(result);
  return new Response(result.stream, {
    headers: { "Content-Type": result.contentType, "Content-Disposition": `attachment; filename="${result.filename}"`, "X-Content-Type-Options": "nosniff" },
  });
}
