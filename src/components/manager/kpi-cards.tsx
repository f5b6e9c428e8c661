import type { Kpis } from "@/contracts/dashboard";

const fmt = (v: number | null, unit = "") => (v === null ? "—" : `${v}${unit}`);

/** The KPI strip of Team now and the rep view. */
export function KpiCards({ kpis, showActive = true }: { kpis: Kpis; showActive?: boolean }) {
  const cards: [string, string, string?][] = [
    ["Planned vs done", `${kpis.planned_done} / ${kpis.planned}`, `${kpis.visits} check-ins, ${kpis.completed} checked out`],
    ["Completion", fmt(kpis.completion_pct, " %"), `of ${kpis.due} stops due by now; ${kpis.planned - kpis.due} upcoming`],
    ["Valid check-ins", fmt(kpis.valid_pct, " %")],
    ["On time", fmt(kpis.on_time_pct, " %"), "of due stops with a planned time"],
    ["Avg time per visit", fmt(kpis.avg_visit_minutes, " min")],
    ["Km travelled", `${kpis.km_travelled}`],
  ];
  if (showActive) cards.push(["Active reps now", `${kpis.active_reps_now} / ${kpis.reps}`]);
  return (
    <dl className="grid grid-cols-2 gap-2 sm:grid-cols-4 lg:grid-cols-7" aria-live="polite" data-testid="kpis">
      {cards.map(([label, value, hint]) => (
        <div key={label} className="rounded border border-slate-200 bg-white p-2">
          <dt className="text-xs text-slate-600">{label}</dt>
          <dd className="text-xl font-semibold tabular-nums" data-kpi={label}>
            {value}
          </dd>
          {hint ? <dd className="text-xs text-slate-500">{hint}</dd> : null}
        </div>
      ))}
    </dl>
  );
}
