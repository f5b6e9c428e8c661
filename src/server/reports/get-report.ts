import "server-only";
import type { ReportFormat, SummaryReport, SummaryReportQuery, VisitsReport, VisitsReportQuery } from "@/contracts/reports";
import type { Ctx } from "../auth/actor";
import { requirePermission } from "../auth/permissions";
import { summaryColumns, VISIT_COLUMNS, type Column, type ReportMeta } from "./formats/columns";
import { csvStream } from "./formats/csv";
import { pdfStream } from "./formats/pdf";
import { xlsxStream } from "./formats/xlsx";
import { reportRange, reportScope, type ReportRange, type ReportScope } from "./report-range";
import { publicRow, summaryRows, summaryTotals } from "./summary.queries";
import { decodeCursor, encodeCursor, visitRowBatches, visitRowsPage } from "./visits.queries";

/** JSON pages of the visits report hold at most this many rows; next_cursor continues. */
export const VISITS_PAGE = 5_000;

export type ReportFile = { stream: ReadableStream<Uint8Array>; contentType: string; filename: string };

const CONTENT_TYPES: Record<Exclude<ReportFormat, "json">, string> = {
  csv: "text/csv; charset=utf-8",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  pdf: "application/pdf",
};

function fileOf<T>(format: Exclude<ReportFormat, "json">, name: string, meta: ReportMeta, columns: Column<T>[], batches: AsyncIterable<T[]>): ReportFile {
  const stream = format === "csv" ? csvStream(columns, batches) : format === "xlsx" ? xlsxStream(meta, columns, batches) : pdfStream(meta, columns, batches);
  return { stream, contentType: CONTENT_TYPES[format], filename: `${name}.${format}` };
}

async function prepare(ctx: Ctx, q: { from: string; to: string; personnel_id?: number }): Promise<{ r: ReportRange; scope: ReportScope }> {
  requirePermission(ctx.actor, "reports.read");
  const r = await reportRange(ctx, q);
  return { r, scope: await reportScope(ctx, q.personnel_id) };
}

/** GET /api/v1/reports/visits: one row per visit of the caller's scope checked in during the range. */
export async function getVisitsReport(ctx: Ctx, q: VisitsReportQuery): Promise<VisitsReport | ReportFile> {
  const { r, scope } = await prepare(ctx, q);
  const base = { from: r.from, to: r.to, time_zone: r.settings.timeZone, team: scope.team };
  if (q.format === "json") {
    const page = await visitRowsPage(ctx.db, scope, r, q.cursor ? decodeCursor(q.cursor) : null, VISITS_PAGE);
    return { ...base, rows: page.rows, next_cursor: page.rows.length === VISITS_PAGE && page.last ? encodeCursor(page.last) : null };
  }
  // The PDF's totals need the whole range first: one aggregate read (the summary's), then the rows stream.
  const totals = q.format === "pdf" ? summaryTotals(await summaryRows(ctx.db, scope, r, "day", ctx.now)) : null;
  const meta: ReportMeta = {
    title: "Visits report",
    team: scope.team,
    from: r.from,
    to: r.to,
    timeZone: r.settings.timeZone,
    totals: totals
      ? [`Visits: ${totals.visits} (valid ${totals.valid}, warning ${totals.warning}, invalid ${totals.invalid}) · minutes at customers: ${totals.minutes} · flags: ${totals.flags}`]
      : [],
  };
  return fileOf(q.format, `visits-${r.from}-${r.to}`, meta, VISIT_COLUMNS, visitRowBatches(ctx.db, scope, r));
}

const GROUP_LABEL = { rep: "Rep", day: "Day", week: "Week" } as const;

/** GET /api/v1/reports/summary: per rep, day or ISO week of the range, with the totals. */
export async function getSummaryReport(ctx: Ctx, q: SummaryReportQuery): Promise<SummaryReport | ReportFile> {
  const { r, scope } = await prepare(ctx, q);
  const raw = await summaryRows(ctx.db, scope, r, q.group_by, ctx.now);
  const totals = publicRow(summaryTotals(raw));
  const rows = raw.map(publicRow);
  if (q.format === "json") return { from: r.from, to: r.to, time_zone: r.settings.timeZone, team: scope.team, group_by: q.group_by, rows, totals };
  const pct = (v: number | null) => (v == null ? "–" : `${v} %`);
  const meta: ReportMeta = {
    title: "Summary report",
    team: scope.team,
    from: r.from,
    to: r.to,
    timeZone: r.settings.timeZone,
    totals: [
      `Planned stops: ${totals.planned} · due: ${totals.due} · visited: ${totals.visited} · completion: ${pct(totals.completion_pct)} · on time: ${pct(totals.on_time_pct)}`,
      `Visits: ${totals.visits} (valid ${totals.valid}, warning ${totals.warning}, invalid ${totals.invalid}) · minutes: ${totals.minutes} · km: ${totals.km} · flags: ${totals.flags}`,
    ],
  };
  async function* once() {
    yield [...rows, totals];
  }
  return fileOf(q.format, `summary-${q.group_by}-${r.from}-${r.to}`, meta, summaryColumns(GROUP_LABEL[q.group_by]), once());
}

export const isReportFile = (x: object): x is ReportFile => "stream" in x;
