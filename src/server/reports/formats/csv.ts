import "server-only";
import { cellText, type Column } from "./columns";

const BOM = "\uFEFF";

const NEEDS_QUOTES = /[",\r\n]/;
const NUMBER_LIKE = /^-?\d/;

/** RFC 4180 quoting, and a leading ' before =,+,-,@ (tab, CR) so a spreadsheet never runs a cell as a formula. */
export function csvField(s: string): string {
  let safe = s;
  if (s.length > 0) {
    const c = s.charCodeAt(0); // = + - @ \t \r
    if ((c === 61 || c === 43 || c === 45 || c === 64 || c === 9 || c === 13) && !NUMBER_LIKE.test(s)) safe = `'${s}`;
  }
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One record: the cells of `row` in column order, comma-separated, CRLF-terminated (a loop: this runs per row). */
function csvLine<T>(columns: Column<T>[], row: T): string {
  let line = "";
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    if (i > 0) line += ",";
    line += csvField(cellText(c.kind, c.get(row)));
  }
  return line + "\r\n";
}

/** A CSV (UTF-8 with BOM so Excel opens it as UTF-8) streamed batch by batch as the rows are read. */
export function csvStream<T>(columns: Column<T>[], batches: AsyncIterable<T[]>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const it = batches[Symbol.asyncIterator]();
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(BOM + columns.map((c) => csvField(c.header)).join(",") + "\r\n"));
        return;
      }
      const next = await it.next();
      if (next.done) return controller.close();
      let chunk = "";
      for (const row of next.value) chunk += csvLine(columns, row);
      controller.enqueue(enc.encode(chunk));
    },
    async cancel() {
      await it.return?.(undefined);
    },
  });
}
