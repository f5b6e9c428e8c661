/** The customer CSV reader: file line numbers survive quoted line breaks, blank lines and the parser's pauses. */
import { expect, it } from "vitest";
import { checkRecord, decodeCsv, detectDelimiter, forEachRecord, mapHeader } from "../../src/server/locations/import/customers-csv";

it("reports the line each record starts on, across quoted line breaks, CRLF, blank lines and pauses", async () => {
  const text = decodeCsv(new TextEncoder().encode('\uFEFFname;lat;lon\r\n"A\r\nB";1;2\r\n\r\nC;3;4\nD;5;6\r\n"E ""x""\n\ny";7;8\nF;9;10\n'));
  const seen: [string, number][] = [];
  let n = 0;
  await forEachRecord(text, detectDelimiter(text), () => {}, (cells, line) => {
    seen.push([cells[0]!, line]);
    // Pause the parser on every other record, as a full batch or a geocoding row does.
    return n++ % 2 === 0 ? new Promise<void>((r) => setTimeout(r, 1)) : undefined;
  });
  expect(seen).toEqual([
    ["A\nB", 2],
    ["C", 5],
    ["D", 6],
    ['E "x"\n\ny', 7],
    ["F", 10],
  ]);
});

it("checks a record: decimal comma with semicolons, errors name the file's own column", () => {
  const h = mapHeader(["Name", "LAT", "Longitude", "Radius", "extra"]);
  expect(h.ignored).toEqual(["extra"]);
  expect(checkRecord(["X", "12,5", "77,25", "60"], 2, h, ";").row).toMatchObject({ lat: 12.5, lon: 77.25, radius: 60 });
  const bad = checkRecord(["", "abc", "200", "4"], 3, h, ",");
  expect(bad.errors.map((e) => [e.column, e.code])).toEqual([
    ["Name", "REQUIRED"],
    ["LAT", "NOT_A_NUMBER"],
    ["Longitude", "OUT_OF_RANGE"],
    ["Radius", "OUT_OF_RANGE"],
  ]);
});
