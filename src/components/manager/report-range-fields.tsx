"use client";

import { useState } from "react";
import { PRESET_LABELS, PRESETS, type Preset } from "@/lib/report-presets";

const field = "min-h-11 rounded-lg border border-slate-300 px-2";

/**
 * The period of the Reports page: a preset fills the dates (computed on the server in the org's zone); editing a
 * date turns the preset into "Custom", so what is shown is what will be asked for.
 */
export function ReportRangeFields({ preset, from, to, ranges }: { preset: Preset; from: string; to: string; ranges: Record<Exclude<Preset, "custom">, { from: string; to: string }> }) {
  const [p, setP] = useState<Preset>(preset);
  const [range, setRange] = useState({ from, to });
  return (
    <>
      <label className="flex flex-col text-sm font-medium">
        Period
        <select
          name="preset"
          value={p}
          onChange={(e) => {
            const next = e.target.value as Preset;
            setP(next);
            if (next !== "custom") setRange(ranges[next]);
          }}
          className={field}
        >
          {PRESETS.map((x) => (
            <option key={x} value={x}>
              {PRESET_LABELS[x]}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col text-sm font-medium">
        From
        <input type="date" name="from" value={range.from} onChange={(e) => (setRange({ ...range, from: e.target.value }), setP("custom"))} className={field} />
      </label>
      <label className="flex flex-col text-sm font-medium">
        To
        <input type="date" name="to" value={range.to} onChange={(e) => (setRange({ ...range, to: e.target.value }), setP("custom"))} className={field} />
      </label>
    </>
  );
}
