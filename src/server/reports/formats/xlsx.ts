import "server-only";
import { once } from "node:events";
import { PassThrough, Readable } from "node:stream";
import ExcelJS from "exceljs";
import type { CellKind, Column, ReportMeta } from "./columns";

const NUM_FMT: Partial<Record<CellKind, string>> = { date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm:ss", num: "0.00", pct: "0.0", int: "0" };
/** Stop feeding rows while this much of the file waits for the client (bounded memory on slow downloads). */
const HIGH_WATER = 1 << 20;

/** Org-local ISO date/date-time → a Date whose UTC fields are that wall-clock time (Excel cells have no zone). */
function wallClock(s: string): Date {
  return new Date(s.length === 10 ? `${s}T00:00:00Z` : `${s}Z`);
}

export function xlsxCell(kind: CellKind, v: string | number | boolean | null): ExcelJS.CellValue {
  if (v == null) return null;
  if ((kind === "date" || kind === "datetime") && typeof v === "string") return wallClock(v);
  return v;
}

/**
 * An XLSX written with exceljs's streaming WorkbookWriter: one frozen header row, then one committed row per record
 * (typed cells: numbers, dates, booleans; column widths), so a 100,000-row sheet never sits in memory.
 */
export function xlsxStream<T>(meta: ReportMeta, columns: Column<T>[], batches: AsyncIterable<T[]>): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  wb.creator = "Fieldbeat";
  const ws = wb.addWorksheet(meta.title.slice(0, 31), { views: [{ state: "frozen", ySplit: 1 }] });
  ws.columns = columns.map((c, i) => ({ key: String(i), width: c.width, style: NUM_FMT[c.kind] ? { numFmt: NUM_FMT[c.kind] } : {} }));
  const header = ws.addRow(columns.map((c) => c.header));
  header.font = { bold: true };
  header.commit();
  (async () => {
    for await (const batch of batches) {
      for (const row of batch) ws.addRow(columns.map((c) => xlsxCell(c.kind, c.get(row)))).commit();
      if (out.readableLength > HIGH_WATER) await Promise.race([once(out, "drain"), once(out, "close")]).catch(() => undefined);
      if (out.destroyed) return;
    }
    ws.commit();
    await wb.commit();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}
