import type { DayFigures } from "@/contracts/dashboard";

type Series = { title: string; unit: string; value: (d: DayFigures) => number | null; color: string };

const SERIES: Series[] = [
  { title: "Visits per day", unit: "", value: (d) => d.visits, color: "#2563eb" },
  { title: "On-time rate", unit: " %", value: (d) => (d.timed > 0 ? Math.round((d.on_time / d.timed) * 100) : null), color: "#16a34a" },
  { title: "Average visit duration", unit: " min", value: (d) => d.avg_visit_minutes, color: "#d97706" },
  { title: "Km per day", unit: " km", value: (d) => d.km, color: "#7c3aed" },
];

/** A small bar chart as inline SVG (no chart library, no script): each bar has a <title>, and a table follows for screen readers. */
function BarChart({ days, s }: { days: DayFigures[]; s: Series }) {
  const values = days.map(s.value);
  const max = Math.max(1, ...values.map((v) => v ?? 0));
  const w = 280, h = 90, gap = days.length > 40 ? 0 : 1;
  const bw = w / Math.max(1, days.length);
  const id = s.title.replace(/\W+/g, "-").toLowerCase();
  return (
    <figure className="flex flex-col gap-1 rounded border border-slate-200 p-2">
      <figcaption id={id} className="text-sm font-semibold">{s.title}</figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} className="h-24 w-full" role="img" aria-labelledby={id} preserveAspectRatio="none">
        <line x1="0" y1={h - 0.5} x2={w} y2={h - 0.5} stroke="#cbd5e1" />
        {days.map((d, i) => {
          const v = values[i] ?? null;
          const bh = v === null ? 0 : Math.max(v > 0 ? 1 : 0, (v / max) * (h - 4));
          return (
            <rect key={d.date} x={i * bw + gap / 2} y={h - bh} width={Math.max(0.5, bw - gap)} height={bh} fill={s.color}>
              <title>{`${d.date}: ${v === null ? "—" : v + s.unit}`}</title>
            </rect>
          );
        })}
      </svg>
      <p className="text-xs text-slate-600">max {max}{s.unit} · {days[0]?.date} → {days[days.length - 1]?.date}</p>
    </figure>
  );
}

export function DayCharts({ days }: { days: DayFigures[] }) {
  return (
    <div className="flex flex-col gap-2">
      <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        {SERIES.map((s) => <BarChart key={s.title} days={days} s={s} />)}
      </div>
      <details className="text-sm">
        <summary className="cursor-pointer text-slate-700">Figures per day (table)</summary>
        <table className="mt-1 w-full text-left">
          <thead><tr className="text-slate-600">{["Day", "Planned", "Visits", "Checked out", "On time", "Avg min", "Km"].map((c) => <th key={c} scope="col" className="pr-3">{c}</th>)}</tr></thead>
          <tbody>
            {days.map((d) => (
              <tr key={d.date} className="border-t border-slate-100 tabular-nums">
                <th scope="row" className="pr-3 font-normal">{d.date}</th>
                <td className="pr-3">{d.planned}</td><td className="pr-3">{d.visits}</td><td className="pr-3">{d.completed}</td>
                <td className="pr-3">{d.on_time} / {d.timed}</td><td className="pr-3">{d.avg_visit_minutes ?? "—"}</td><td className="pr-3">{d.km}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}
