"use client";

import { useEffect, useRef } from "react";
import type { ImportResult } from "@/contracts/locations";
import { secondaryButton } from "../admin/form-bits";
import { FieldMap } from "../map/field-map";
import type { MapMarker } from "../map/map-types";
import { downloadText, errorsCsv } from "./import-upload";

/** How many row errors the page shows; the error CSV holds every one the server returned. */
export const ERRORS_SHOWN = 200;
const ACTION_COLOR = { create: "#2563eb", update: "#d97706", unchanged: "#64748b" } as const;

/** The dry run's answer: counts, the row errors (row + the file's own column name), a map of the valid rows. */
export function ImportPreview({ result: r, fileName, children }: { result: ImportResult; fileName: string; children: React.ReactNode }) {
  const shown = r.errors.slice(0, ERRORS_SHOWN);
  const markers: MapMarker[] = r.preview.map((p) => ({ id: `r${p.row}`, lat: p.lat, lon: p.lon, label: `Row ${p.row}: ${p.name} (${p.action})`, color: ACTION_COLOR[p.action] }));
  const base = fileName.replace(/\.csv$/i, "");
  const heading = useRef<HTMLHeadingElement>(null);
  // A new check moves focus to its result, so keyboard and screen-reader users land on it (not on every re-render).
  useEffect(() => heading.current?.focus(), [r]);
  return (
    <>
      <section aria-labelledby="imp-check-h" className="flex flex-col gap-4 rounded-xl border border-slate-200 p-4" data-testid="import-preview">
        <h2 id="imp-check-h" className="text-lg font-semibold" tabIndex={-1} ref={heading}>
          2. Check: {fileName}
        </h2>
        <dl className="grid grid-cols-2 gap-2 sm:grid-cols-5" aria-label="What the import would do">
          {(
            [
              ["Rows", r.total_rows],
              ["New", r.created],
              ["Updated", r.updated],
              ["Unchanged", r.unchanged],
              ["Invalid", r.invalid],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className={`rounded-lg border p-2 ${k === "Invalid" && v > 0 ? "border-red-300 bg-red-50" : "border-slate-200"}`}>
              <dt className="text-sm text-slate-600">{k}</dt>
              <dd className="text-xl font-semibold" data-testid={`count-${k.toLowerCase()}`}>
                {v}
              </dd>
            </div>
          ))}
        </dl>
        {r.ignored_columns.length > 0 ? <p className="text-sm">Ignored columns (not ours): {r.ignored_columns.join(", ")}.</p> : null}
        {r.geocoded.length > 0 ? <p className="text-sm">{r.geocoded.length} rows were placed from their address ({r.geocoded.filter((g) => g.ambiguous).length} ambiguous: check them on the map).</p> : null}

        {r.errors.length > 0 ? (
          <div className="flex flex-col gap-2">
            <h3 className="font-semibold">
              Row errors{r.errors.length > ERRORS_SHOWN || r.errors_truncated ? ` (the first ${shown.length})` : ""}
            </h3>
            <div className="max-h-96 overflow-auto rounded-lg border border-slate-200" tabIndex={0} role="region" aria-label="Row errors table">
              <table className="w-full text-left text-sm">
                <caption className="sr-only">Row errors: the line in your file (header = 1), your column, and what is wrong</caption>
                <thead className="sticky top-0 bg-slate-50 text-slate-600">
                  <tr>
                    <th scope="col" className="p-2">Row</th>
                    <th scope="col" className="p-2">Column</th>
                    <th scope="col" className="p-2">Problem</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((e, i) => (
                    <tr key={`${e.row}-${e.column}-${i}`} className="border-t border-slate-100 align-top" data-testid="import-error">
                      <th scope="row" className="p-2 font-medium">{e.row}</th>
                      <td className="p-2">{e.column ?? "—"}</td>
                      <td className="p-2">{e.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {r.errors_truncated ? <p className="text-sm text-slate-600">There are more errors than the server lists: fix these and check again.</p> : null}
            <div>
              <button type="button" className={secondaryButton} onClick={() => downloadText(`${base}-errors.csv`, errorsCsv(r.errors))}>
                Download error CSV ({r.errors.length} errors)
              </button>
            </div>
          </div>
        ) : (
          <p className="text-sm text-green-800">No row errors.</p>
        )}

        {markers.length > 0 ? (
          <div className="flex flex-col gap-2">
            <h3 className="font-semibold">Valid rows on the map{r.preview.length < r.total_rows - r.invalid ? ` (the first ${r.preview.length})` : ""}</h3>
            <p className="text-sm text-slate-600">
              <span style={{ color: ACTION_COLOR.create }}>●</span> new · <span style={{ color: ACTION_COLOR.update }}>●</span> updated · <span style={{ color: ACTION_COLOR.unchanged }}>●</span> unchanged
            </p>
            <FieldMap markers={markers} height="320px" ariaLabel={`Map of the ${markers.length} valid rows of the file`} />
          </div>
        ) : null}
      </section>
      {children}
    </>
  );
}
