"use client";
import { useState } from "react";
import type { SummaryRow } from "@/contracts/reports";

const MEASURES = [
  ["visits", "Visits"],
  ["completion_pct", "Completion %"],
  ["on_time_pct", "On time %"],
  ["valid", "Valid"],
  ["invalid", "Invalid"],
  ["minutes", "Minutes"],
  ["km", "Km"],
  ["flags", "Flags"],
] as const;
type Key = "label" | (typeof MEASURES)[number][0];

/** The rep comparison: a real table, sortable by each measure (the header buttons; aria-sort says which). */
export function RepComparison({ rows }: { rows: SummaryRow[] }) {
  const [sort, setSort] = useState<{ key: Key; desc: boolean }>({ key: "visits", desc: true });
  const sorted = [...rows].sort((a, b) => {
    const x = a[sort.key], y = b[sort.key];
    const c = x == null ? -1 : y == null ? 1 : typeof x === "string" ? x.localeCompare(String(y)) : x - Number(y);
    return sort.desc ? -c : c;
  });
  const header = (key: Key, label: string) => (
    <th key={key} scope="col" aria-sort={sort.key === key ? (sort.desc ? "descending" : "ascending") : "none"} className="px-2 py-1.5">
      <button type="button" className="min-h-9 font-semibold underline-offset-2 hover:underline" onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== "label" })}>
        {label}
        {sort.key === key ? (sort.desc ? " ↓" : " ↑") : ""}
      </button>
    </th>
  );
  return (
    <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="sr-only">Reps compared; use the column buttons to sort</caption>
        <thead className="bg-slate-50 text-left">
          <tr>
            {header("label", "Rep")}
            {MEASURES.map(([k, l]) => header(k, l))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={r.key} className="border-t border-slate-100">
              <th scope="row" className="px-2 py-1.5 text-left font-medium">
                {r.label}
              </th>
              {MEASURES.map(([k]) => (
                <td key={k} className="px-2 py-1.5 text-right tabular-nums">
                  {r[k] ?? "–"}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
