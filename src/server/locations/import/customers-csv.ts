/**
 * Reading a customers CSV (issue #18), pure: bytes → text (UTF-8, BOM stripped), the header mapped to our fields,
 * records with the file line they start on, each record checked into a row or a list of row errors.
 * No database and no server imports, so it is unit-testable.
 */
import Papa from "papaparse";
import { isSafeText } from "@/contracts/safe-text";
import { EXTERNAL_REF_MAX, LOCATION_NAME_MAX, LOCATION_TYPE_MAX, ADDRESS_MAX, RADIUS_MAX_M, RADIUS_MIN_M, IMPORT_COLUMNS, type ImportError, type ImportField } from "@/contracts/locations";

export type Field = ImportField;
const ALIASES: Record<string, Field> = Object.fromEntries(IMPORT_COLUMNS.flatMap((c) => c.aliases.map((a) => [a, c.field])));

/** A problem with the file as a whole (answered 400 on `file`). */
export class FileProblem extends Error {}

/** UTF-8 text of the upload, without a BOM. UTF-16 and other non-UTF-8 bytes are refused with a clear message. */
export function decodeCsv(bytes: Uint8Array): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw new FileProblem("The file is UTF-16 text: save it as CSV UTF-8 and upload it again.");
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FileProblem("The file is not UTF-8 text (perhaps Windows-1252 or Excel's default): save it as CSV UTF-8 and upload it again.");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.includes("\u0000")) throw new FileProblem("The file contains NUL bytes: it is not a text CSV file.");
  // One line break (LF) whatever the file used, also inside quoted fields: the parser never has to guess it again
  // (papaparse re-guesses after a pause), and a line is a line when counting rows.
  return text.replace(/\r\n?/g, "\n");
}

/** The header line's delimiter: comma or semicolon, whichever occurs more outside quotes; anything else is refused. */
export function detectDelimiter(text: string): "," | ";" {
  let commas = 0;
  let semis = 0;
  let other = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === "\n" || c === "\r")) break;
    else if (!quoted && c === ",") commas++;
    else if (!quoted && c === ";") semis++;
    else if (!quoted && (c === "\t" || c === "|")) other++;
  }
  if (commas === 0 && semis === 0) {
    if (other > 0) throw new FileProblem("The columns are separated by tabs or '|': use a comma or a semicolon (save as CSV).");
    throw new FileProblem("The first line must be a header with at least the columns name, lat and lon, separated by commas or semicolons.");
  }
  return semis > commas ? ";" : ",";
}

export type Header = { index: Partial<Record<Field, number>>; names: string[]; ignored: string[] };

/** Maps the header row (case-insensitive, trimmed) to our fields; a repeated or missing `name` column is a file problem. */
export function mapHeader(cells: string[]): Header {
  const index: Partial<Record<Field, number>> = {};
  const ignored: string[] = [];
  cells.forEach((raw, i) => {
    const f = ALIASES[raw.trim().toLowerCase()];
    if (!f) {
      if (raw.trim() !== "") ignored.push(raw.trim());
      return;
    }
    if (index[f] !== undefined) throw new FileProblem(`Two columns mean "${f}" ("${cells[index[f]]!.trim()}" and "${raw.trim()}"): keep one.`);
    index[f] = i;
  });
  if (index.name === undefined) throw new FileProblem(`The header has no "name" column (found: ${cells.map((c) => `"${c.trim()}"`).join(", ")}).`);
  return { index, names: cells.map((c) => c.trim()), ignored };
}

/** One checked row, ready to stage. Empty optional cells are null ("keep what the customer has" on an update). */
export type CsvRow = { line: number; ref: string | null; name: string; address: string | null; lat: number | null; lon: number | null; radius: number | null; type: string | null };

/** A decimal number; with a semicolon delimiter a decimal comma ("12,97") is accepted too. */
function parseNumber(raw: string, delimiter: string): number | null {
  const s = delimiter === ";" && /^[+-]?\d+,\d+$/.test(raw) ? raw.replace(",", ".") : raw;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

/** Checks one record against the columns; returns the row, or the errors naming the file's own column header. */
export function checkRecord(cells: string[], line: number, h: Header, delimiter: string): { row: CsvRow | null; errors: ImportError[] } {
  const errors: ImportError[] = [];
  const col = (f: Field) => (h.index[f] === undefined ? null : h.names[h.index[f]!]!);
  const cell = (f: Field) => (h.index[f] === undefined ? "" : (cells[h.index[f]!] ?? "").trim());
  const fail = (f: Field | null, code: string, message: string) => errors.push({ row: line, column: f ? col(f) : null, code, message });
  for (const f of Object.keys(h.index) as Field[]) {
    if (!isSafeText(cell(f))) fail(f, "UNSAFE_TEXT", "contains characters that cannot be stored (NUL or a broken character)");
  }
  const text = (f: Field, max: number) => {
    const v = cell(f);
    if (v.length > max) fail(f, "TOO_LONG", `at most ${max} characters (this has ${v.length})`);
    return v === "" ? null : v;
  };
  const name = text("name", LOCATION_NAME_MAX);
  if (!name) fail("name", "REQUIRED", "a name is required");
  const ref = text("external_ref", EXTERNAL_REF_MAX);
  const address = text("address", ADDRESS_MAX);
  const type = text("location_type", LOCATION_TYPE_MAX);
  const number = (f: Field, min: number, max: number, what: string) => {
    const raw = cell(f);
    if (raw === "") return null;
    const n = parseNumber(raw, delimiter);
    if (n === null) fail(f, "NOT_A_NUMBER", `"${raw.slice(0, 40)}" is not a number`);
    else if (n < min || n > max) fail(f, "OUT_OF_RANGE", `${what} must be between ${min} and ${max}`);
    else return n;
    return null;
  };
  const lat = number("lat", -90, 90, "latitude");
  const lon = number("lon", -180, 180, "longitude");
  const radius = number("geofence_radius", RADIUS_MIN_M, RADIUS_MAX_M, "the geofence radius (metres)");
  if (radius !== null && !Number.isInteger(radius)) fail("geofence_radius", "NOT_A_WHOLE_NUMBER", "the geofence radius must be whole metres");
  const latGiven = cell("lat") !== "";
  const lonGiven = cell("lon") !== "";
  if (latGiven !== lonGiven) fail(latGiven ? "lon" : "lat", "REQUIRED", "latitude and longitude go together: both or neither");
  if (errors.length > 0) return { row: null, errors };
  return { row: { line, ref, name: name!, address, lat, lon, radius, type }, errors };
}

/**
 * Calls `onRecord(cells, line)` for every non-empty record after the header, `line` being the file line it starts on
 * (header = 1; quoted fields may span lines). When `onRecord` returns a promise the parser pauses until it settles,
 * so rows flow to the database in batches and memory stays bounded.
 */
export function forEachRecord(text: string, delimiter: string, onHeader: (cells: string[]) => void, onRecord: (cells: string[], line: number, parseError: string | null) => void | Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let start = 0;
    // After a pause, papaparse counts its cursor from where it stopped: `base` is that absolute offset.
    let base = 0;
    let line = 1;
    let first = true;
    let failed = false;
    Papa.parse<string[]>(text, {
      delimiter,
      newline: "\n",
      step: (res, parser) => {
        if (failed) return;
        const end = base + res.meta.cursor;
        const recordLine = line;
        // The next record starts after this one: count the line breaks it spans (its own included).
        for (let i = start; i < end; i++) if (text.charCodeAt(i) === 10) line++;
        start = end;
        const cells = res.data;
        try {
          if (first) {
            first = false;
            onHeader(cells);
            return;
          }
          if (cells.every((c) => c.trim() === "")) return;
          const p = onRecord(cells, recordLine, res.errors[0]?.message ?? null);
          if (p) {
            base = end;
            parser.pause();
            p.then(
              () => parser.resume(),
              (err: unknown) => {
                failed = true;
                parser.abort();
                reject(err);
              },
            );
          }
        } catch (err) {
          failed = true;
          parser.abort();
          reject(err);
        }
      },
      complete: () => {
        if (!failed) resolve();
      },
    });
  });
}

export { CSV_TEMPLATE } from "@/contracts/locations";
