/** Reading the report files back as a user's tools would: CSV with papaparse, XLSX with exceljs, the PDF's text. */
import { inflateSync } from "node:zlib";
import ExcelJS from "exceljs";
import Papa from "papaparse";

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  return Buffer.from(await new Response(stream).arrayBuffer());
}

export function parseCsv(buf: Buffer): { bom: boolean; header: string[]; rows: string[][] } {
  const text = buf.toString("utf8");
  const bom = text.startsWith("\uFEFF");
  const parsed = Papa.parse<string[]>(bom ? text.slice(1) : text, { skipEmptyLines: true });
  const [header = [], ...rows] = parsed.data;
  return { bom, header, rows };
}

export async function readXlsx(buf: Buffer): Promise<{ sheet: ExcelJS.Worksheet; rows: ExcelJS.CellValue[][] }> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(buf as unknown as ArrayBuffer);
  const sheet = wb.worksheets[0]!;
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
  return { sheet, rows };
}

/**
 * The text drawn in a pdfkit document: each content stream inflated, then the hex strings of its TJ operators decoded
 * (pdfkit's standard fonts write WinAnsi bytes as hex). Good enough to find words; not a general PDF parser.
 */
export function pdfText(buf: Buffer): string {
  const raw = buf.toString("latin1");
  const out: string[] = [];
  const re = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const start = m.index + m[0].length;
    const end = raw.indexOf("endstream", start);
    if (end < 0) break;
    const bytes = buf.subarray(start, end);
    let content: string;
    try {
      content = inflateSync(bytes).toString("latin1");
    } catch {
      content = bytes.toString("latin1");
    }
    for (const tj of content.matchAll(/\[([^\]]*)\]\s*TJ/g)) {
      let line = "";
      for (const hex of tj[1]!.matchAll(/<([0-9a-fA-F]*)>/g)) line += Buffer.from(hex[1]!, "hex").toString("latin1");
      out.push(line);
    }
    re.lastIndex = end;
  }
  return out.join("\n");
}
