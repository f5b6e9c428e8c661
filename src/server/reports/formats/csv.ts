import "server-only";
import { cellText, type Column } from "./columns";

const BOM = "\uFEFF";

/** RFC 4180 quoting, and a leading ' before =,+,-,@ so a spreadsheet never runs a cell as a formula. */
export function csvField(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
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
      for (const row of next.value) chunk += columns.map((c) => csvField(cellText(c.kind, c.get(row)))).join(",") + "\r\n";
      controller.enqueue(enc.encode(chunk));
    },
    async cancel() {
      await it.return?.(undefined);
    },
  });
}
