/** Presentational pieces of the manager's Visit evidence page (server-rendered; no data access here). */
import type { VisitDetailResponse } from "@/contracts/visits";

type Validation = VisitDetailResponse["validations"][number];

const m = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${Number(x).toFixed(2)} m`);
const coord = (lat: number | null, lon: number | null) => (lat === null || lon === null ? "—" : `${lat.toFixed(6)}, ${lon.toFixed(6)}`);

export function Flags({ flags }: { flags: string[] }) {
  if (flags.length === 0) return <span className="text-sm text-slate-600">No flags</span>;
  return (
    <ul className="flex flex-wrap gap-1" aria-label="Flags">
      {flags.map((f) => (
        <li key={f} className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-900">
          {f}
        </li>
      ))}
    </ul>
  );
}

export function Reasons({ reasons }: { reasons: unknown }) {
  const list = Array.isArray(reasons) ? reasons.map(String) : [];
  if (list.length === 0) return null;
  return (
    <ul className="list-disc pl-5 text-sm text-slate-700">
      {list.map((r) => (
        <li key={r}>{r}</li>
      ))}
    </ul>
  );
}

export type FixRow = { phase: string; time: string; lat: number | null; lon: number | null; accuracy: number | null; validation: Validation | undefined };

/** Check-in and check-out fixes side by side: coordinates, accuracy, distance, verdict, flags and their reasons. */
export function FixesTable({ rows }: { rows: FixRow[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">GPS fixes of the visit</caption>
        <thead>
          <tr className="border-b border-slate-200">
            <th scope="col" className="py-2 pr-3">Fix</th>
            <th scope="col" className="py-2 pr-3">Time</th>
            <th scope="col" className="py-2 pr-3">Position</th>
            <th scope="col" className="py-2 pr-3">Accuracy</th>
            <th scope="col" className="py-2 pr-3">Distance</th>
            <th scope="col" className="py-2 pr-3">Verdict</th>
            <th scope="col" className="py-2">Flags and reasons</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const d = r.validation?.details ?? {};
            return (
              <tr key={r.phase} className="border-b border-slate-100 align-top">
                <th scope="row" className="py-2 pr-3 font-medium">{r.phase}</th>
                <td className="py-2 pr-3">{r.time}</td>
                <td className="py-2 pr-3 font-mono text-xs">{coord(r.lat, r.lon)}</td>
                <td className="py-2 pr-3">{r.accuracy === null ? "—" : `±${r.accuracy} m`}</td>
                <td className="py-2 pr-3">{m(r.validation?.distance_from_location)}</td>
                <td className="py-2 pr-3">{typeof d.status === "string" ? `${d.status} (score ${String(d.evidence_score ?? "—")})` : "—"}</td>
                <td className="py-2">
                  <Flags flags={Array.isArray(d.flags) ? d.flags.map(String) : []} />
                  <Reasons reasons={d.reasons} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col">
      <dt className="text-xs uppercase tracking-wide text-slate-500">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}
