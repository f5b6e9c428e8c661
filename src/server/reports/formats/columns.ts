import type { SummaryRow, VisitReportRow } from "@/contracts/reports";

/** How a cell is typed in XLSX and printed in CSV/PDF. Dates and date-times are org-local ISO strings in the rows. */
export type CellKind = "text" | "int" | "num" | "pct" | "date" | "datetime" | "time" | "bool";
export type Column<T> = { header: string; kind: CellKind; width: number; get: (row: T) => string | number | boolean | null };

/** The visits report's columns, in order: the same for CSV, XLSX and PDF (the JSON rows carry the same fields). */
export const VISIT_COLUMNS: Column<VisitReportRow>[] = [
  { header: "Date", kind: "date", width: 11, get: (r) => r.date },
  { header: "Rep", kind: "text", width: 18, get: (r) => r.rep_name },
  { header: "Employee ID", kind: "text", width: 9, get: (r) => r.employee_id },
  { header: "Customer", kind: "text", width: 24, get: (r) => r.customer },
  { header: "External ref", kind: "text", width: 11, get: (r) => r.external_ref },
  { header: "Planned", kind: "time", width: 8, get: (r) => r.planned_time },
  { header: "Check-in", kind: "datetime", width: 18, get: (r) => r.check_in },
  { header: "Check-out", kind: "datetime", width: 18, get: (r) => r.check_out },
  { header: "Minutes", kind: "int", width: 8, get: (r) => r.minutes },
  { header: "Verdict", kind: "text", width: 9, get: (r) => r.verdict },
  { header: "Distance m", kind: "num", width: 11, get: (r) => r.distance_m },
  { header: "Flags", kind: "text", width: 30, get: (r) => r.flags.join(" ") },
  { header: "Selfie", kind: "bool", width: 6, get: (r) => r.selfie },
  { header: "Outcome", kind: "text", width: 11, get: (r) => r.outcome },
];

export const summaryColumns = (groupLabel: string): Column<SummaryRow>[] => [
  { header: groupLabel, kind: "text", width: 24, get: (r) => r.label },
  { header: "Planned", kind: "int", width: 8, get: (r) => r.planned },
  { header: "Due", kind: "int", width: 7, get: (r) => r.due },
  { header: "Visited", kind: "int", width: 8, get: (r) => r.visited },
  { header: "Completion %", kind: "pct", width: 11, get: (r) => r.completion_pct },
  { header: "On-time %", kind: "pct", width: 10, get: (r) => r.on_time_pct },
  { header: "Visits", kind: "int", width: 7, get: (r) => r.visits },
  { header: "Valid", kind: "int", width: 7, get: (r) => r.valid },
  { header: "Warning", kind: "int", width: 8, get: (r) => r.warning },
  { header: "Invalid", kind: "int", width: 8, get: (r) => r.invalid },
  { header: "Minutes", kind: "int", width: 9, get: (r) => r.minutes },
  { header: "Km", kind: "num", width: 8, get: (r) => r.km },
  { header: "Flags", kind: "int", width: 7, get: (r) => r.flags },
];

/** A cell as text (CSV and PDF): ISO dates as they are, booleans yes/no, empty for null. */
export function cellText(kind: CellKind, v: string | number | boolean | null): string {
  if (v == null) return "";
  if (kind === "bool") return v ? "yes" : "no";
  return String(v);
}

/** The same cell for print: date-times as "YYYY-MM-DD HH:MM" (a PDF row has no room for seconds). */
export function printText(kind: CellKind, v: string | number | boolean | null): string {
  const s = cellText(kind, v);
  return kind === "datetime" ? s.replace("T", " ").slice(0, 16) : s;
}

export type ReportMeta = { title: string; team: string; from: string; to: string; timeZone: string; totals: string[] };
