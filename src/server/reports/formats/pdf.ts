import "server-only";
import { PassThrough, Readable } from "node:stream";
import PDFDocument from "pdfkit";
import { printText, type Column, type ReportMeta } from "./columns";

const MARGIN = 30;
const ROW_PAD = 3;

/**
 * A real A4 (landscape) document: title, team, period and time zone, the totals, then the table with its header
 * repeated on every page, and "Page n" at each page's foot. Rows are drawn as they are read.
 */
export function pdfStream<T>(meta: ReportMeta, columns: Column<T>[], batches: AsyncIterable<T[]>, opts: { fontSize?: number } = {}): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const doc = new PDFDocument({ size: "A4", layout: "landscape", margin: MARGIN, info: { Title: `${meta.title} ${meta.from} – ${meta.to}`, Author: "Fieldbeat" } });
  doc.pipe(out);
  const fontSize = opts.fontSize ?? (columns.length > 10 ? 6.5 : 9);
  const usable = doc.page.width - 2 * MARGIN;
  const totalWidth = columns.reduce((a, c) => a + c.width, 0);
  const widths = columns.map((c) => (c.width / totalWidth) * usable);
  const lineH = fontSize + 2 * ROW_PAD;
  let pageNo = 0;

  const footer = () => {
    pageNo += 1;
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing below the margin must not open another page
    doc.font("Helvetica").fontSize(8).fillColor("#555").text(`Page ${pageNo}`, MARGIN, doc.page.height - MARGIN + 8, { width: usable, align: "center", lineBreak: false });
    doc.page.margins.bottom = bottom;
    doc.fillColor("black");
  };
  const fit = (s: string, w: number): string => {
    if (doc.widthOfString(s) <= w) return s;
    let t = s;
    while (t.length > 1 && doc.widthOfString(t + "…") > w) t = t.slice(0, -1);
    return t + "…";
  };
  const drawRow = (cells: string[], y: number, bold: boolean) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(fontSize);
    let x = MARGIN;
    cells.forEach((text, i) => {
      const w = widths[i]! - 4;
      const right = columns[i]!.kind === "int" || columns[i]!.kind === "num" || columns[i]!.kind === "pct";
      doc.text(fit(text, w), x + 2, y + ROW_PAD, { width: w, align: right ? "right" : "left", lineBreak: false });
      x += widths[i]!;
    });
  };
  let y = 0;
  const header = () => {
    doc.rect(MARGIN, y, usable, lineH).fill("#e8eef5");
    doc.fillColor("black");
    drawRow(columns.map((c) => c.header), y, true);
    y += lineH;
  };
  const newPage = () => {
    doc.addPage();
    footer();
    y = MARGIN;
    header();
  };

  footer();
  doc.font("Helvetica-Bold").fontSize(16).text(meta.title, MARGIN, MARGIN);
  doc.font("Helvetica").fontSize(10).moveDown(0.3);
  doc.text(`Team: ${meta.team}`);
  doc.text(`Period: ${meta.from} to ${meta.to} (${meta.timeZone})`);
  for (const line of meta.totals) doc.text(line);
  doc.moveDown(0.6);
  y = doc.y;
  header();

  (async () => {
    let i = 0;
    for await (const batch of batches) {
      for (const row of batch) {
        if (y + lineH > doc.page.height - MARGIN) newPage();
        if (i++ % 2 === 1) doc.rect(MARGIN, y, usable, lineH).fill("#f6f6f6").fillColor("black");
        drawRow(columns.map((c) => printText(c.kind, c.get(row))), y, false);
        y += lineH;
      }
      if (out.destroyed) return;
    }
    if (i === 0) doc.font("Helvetica-Oblique").fontSize(fontSize).text("No rows in this period.", MARGIN + 2, y + ROW_PAD);
    doc.end();
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}
