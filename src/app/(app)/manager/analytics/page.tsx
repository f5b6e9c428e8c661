import type { Metadata } from "next";
import { TableHead } from "@/components/manager/table-head";
import type { SummaryRow } from "@/contracts/reports";
import { RepComparison } from "@/components/manager/rep-comparison";
import { VisitHeatMap } from "@/components/manager/visit-heat-map";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getAnalytics } from "@/server/reports/analytics.queries";

export const metadata: Metadata = { title: "Analytics" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const WEEKS = [4, 8, 12, 26] as const;
const BUSIEST = 15;

const MEASURES: { key: keyof SummaryRow; label: string; unit?: string }[] = [
  { key: "visits", label: "Visits" },
  { key: "completion_pct", label: "Completion", unit: "%" },
  { key: "on_time_pct", label: "On time", unit: "%" },
  { key: "valid", label: "Valid check-ins" },
  { key: "km", label: "Km travelled" },
];

function delta(cur: number | null, prev: number | null): string {
  if (cur == null || prev == null) return "–";
  const d = Math.round((cur - prev) * 10) / 10;
  return d > 0 ? `+${d}` : String(d);
}

/** Analytics for managers and admins: weekly trends vs the previous period, rep comparison, beat compliance, heat map. */
export default async function AnalyticsPage({ searchParams }: { searchParams: Search }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const raw = Number((await searchParams).weeks);
  const weeks = (WEEKS as readonly number[]).includes(raw) ? raw : 8;
  const a = await getAnalytics(ctx, weeks);
  const maxVisits = Math.max(1, ...a.trends.map((t) => t.visits));

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Analytics</h1>
        <nav aria-label="Period" className="flex gap-1">
          {WEEKS.map((w) => (
            <a key={w} href={`?weeks=${w}`} aria-current={w === weeks ? "page" : undefined} className={`inline-flex min-h-11 items-center whitespace-nowrap rounded-lg px-3 text-sm font-medium ${w === weeks ? "bg-brand-700 text-white" : "hover:bg-slate-100"}`}>
              {w} weeks
            </a>
          ))}
        </nav>
      </div>
      <p className="text-slate-600">
        {a.from} to {a.to}, compared with the {weeks} weeks before.
      </p>

      <section aria-labelledby="cmp-h" className="grid grid-cols-2 gap-3 sm:grid-cols-5">
        <h2 id="cmp-h" className="sr-only">
          This period against the previous one
        </h2>
        {MEASURES.map((m) => (
          <div key={m.key} className="rounded-xl border border-slate-200 bg-white p-3">
            <p className="text-sm text-slate-600">{m.label}</p>
            <p className="text-2xl font-bold tabular-nums">
              {(a.current[m.key] as number | null) ?? "–"}
              {m.unit && a.current[m.key] != null ? m.unit : ""}
            </p>
            <p className="text-sm text-slate-600">
              {delta(a.current[m.key] as number | null, a.previous[m.key] as number | null)} vs previous ({(a.previous[m.key] as number | null) ?? "–"})
            </p>
          </div>
        ))}
      </section>

      <section aria-labelledby="trend-h" className="space-y-2">
        <h2 id="trend-h" className="text-lg font-semibold">
          Trends by week
        </h2>
        <svg viewBox={`0 0 ${a.trends.length * 40} 120`} className="h-32 w-full max-w-3xl" role="img" aria-label="Visits per week (numbers in the table below)">
          {a.trends.map((t, i) => {
            const h = (t.visits / maxVisits) * 100;
            return (
              <g key={t.key}>
                <rect x={i * 40 + 6} y={105 - h} width={28} height={h} className="fill-brand-700" />
                <text x={i * 40 + 20} y={118} textAnchor="middle" fontSize="9" className="fill-slate-600">
                  {t.key.slice(5)}
                </text>
              </g>
            );
          })}
        </svg>
        <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Weekly figures</caption>
            <TableHead headers={["Week of", "Visits", "Completion %", "On time %", "Valid", "Invalid", "Km"]} />
            <tbody>
              {a.trends.map((t) => (
                <tr key={t.key} className="border-t border-slate-100">
                  <th scope="row" className="px-2 py-1.5 text-left font-medium whitespace-nowrap">
                    {t.key}
                  </th>
                  {[t.visits, t.completion_pct ?? "–", t.on_time_pct ?? "–", t.valid, t.invalid, t.km].map((v, i) => (
                    <td key={i} className="px-2 py-1.5 text-right tabular-nums">
                      {v}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="reps-h" className="space-y-2">
        <h2 id="reps-h" className="text-lg font-semibold">
          Reps compared
        </h2>
        <RepComparison rows={a.reps} />
      </section>

      <section aria-labelledby="beats-h" className="space-y-2">
        <h2 id="beats-h" className="text-lg font-semibold">
          Beat compliance (planned vs visited, by customer; lowest first)
        </h2>
        <div className="max-h-96 overflow-auto rounded-xl border border-slate-200 bg-white">
          <table className="min-w-full text-sm">
            <caption className="sr-only">Planned and visited stops per customer</caption>
            <TableHead headers={["Customer", "Planned", "Visited", "Compliance %"]} sticky />
            <tbody>
              {a.beats.map((b) => (
                <tr key={b.location_id} className="border-t border-slate-100">
                  <th scope="row" className="px-2 py-1.5 text-left font-medium">
                    {b.customer}
                  </th>
                  <td className="px-2 py-1.5 text-right tabular-nums">{b.planned}</td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{b.visited}</td>
                  <td className="px-2 py-1.5 text-right tabular-nums">{b.compliance_pct ?? "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="heat-h" className="space-y-2">
        <h2 id="heat-h" className="text-lg font-semibold">
          Where visits happen
        </h2>
        <div className="grid gap-3 lg:grid-cols-[1fr_18rem]">
          <div className="min-w-0">
            <VisitHeatMap cells={a.heat.cells} cellDeg={a.heat.cell_deg} />
          </div>
          <div className="max-h-96 overflow-auto rounded-xl border border-slate-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="px-2 py-1.5 text-left font-medium">Busiest places (grid cells)</caption>
              <TableHead headers={["Cell centre", "Visits"]} sticky />
              <tbody>
                {[...a.heat.cells]
                  .sort((x, y) => y.visits - x.visits)
                  .slice(0, BUSIEST)
                  .map((c) => (
                    <tr key={`${c.lat},${c.lon}`} className="border-t border-slate-100">
                      <th scope="row" className="px-2 py-1.5 text-left font-normal tabular-nums">
                        {c.lat.toFixed(3)}, {c.lon.toFixed(3)}
                      </th>
                      <td className="px-2 py-1.5 text-right tabular-nums">{c.visits}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        </div>
        <p className="text-sm text-slate-600">
          {a.heat.cells.length} grid cells of {a.heat.cell_deg}° (aggregated on the server); red = busiest. The table lists the {BUSIEST} busiest.
        </p>
      </section>
    </div>
  );
}
