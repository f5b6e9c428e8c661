import type { Metadata } from "next";
import { TableHead } from "@/components/manager/table-head";
import { summaryReportQuery, type SummaryReport, type VisitsReport } from "@/contracts/reports";
import { ReportDownloads } from "@/components/manager/report-downloads";
import { PRESETS, presetRange, type Preset } from "@/lib/report-presets";
import { ReportRangeFields } from "@/components/manager/report-range-fields";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { AppError } from "@/server/errors";
import { getSummaryReport, getVisitsReport } from "@/server/reports/get-report";
import { reportPeople, reportTimeZone, reportToday } from "@/server/reports/report-range";
import { listReportSchedules } from "@/server/reports/report-schedules";
import { ScheduleForm, ScheduleList } from "@/components/manager/report-schedules";

export const metadata: Metadata = { title: "Reports" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const PREVIEW_ROWS = 50;

/** Reports: a range (presets or custom), a team/rep filter, the summary per rep, a preview of the visits, downloads and the schedules. */
export default async function ReportsPage({ searchParams }: { searchParams: Search }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const sp = await searchParams;
  const today = await reportToday(ctx);
  const timeZone = await reportTimeZone(ctx);
  const preset: Preset = PRESETS.includes(one(sp.preset) as Preset) ? (one(sp.preset) as Preset) : "last_week";
  const ranges = Object.fromEntries(PRESETS.filter((p) => p !== "custom").map((p) => [p, presetRange(p, today)])) as Record<Exclude<Preset, "custom">, { from: string; to: string }>;
  const range = preset === "custom" ? { from: one(sp.from) ?? today, to: one(sp.to) ?? today } : presetRange(preset, today);
  const person = one(sp.personnel_id);
  const people = await reportPeople(ctx);
  let summary: SummaryReport | null = null;
  let visits: VisitsReport | null = null;
  let error: string | null = null;
  const parsed = summaryReportQuery.safeParse({ ...range, group_by: "rep", ...(person ? { personnel_id: person } : {}) });
  if (!parsed.success) error = `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`;
  else {
    try {
      summary = (await getSummaryReport(ctx, parsed.data)) as SummaryReport;
      visits = (await getVisitsReport(ctx, { ...parsed.data, format: "json" })) as VisitsReport;
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      error = err.message;
    }
  }
  const schedules = await listReportSchedules(ctx);
  const query = new URLSearchParams({ from: range.from, to: range.to, ...(person ? { personnel_id: person } : {}) }).toString();
  const cell = "px-2 py-1.5 text-right tabular-nums";

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-bold">Reports</h1>
      <form method="get" className="flex flex-wrap items-end gap-3 rounded-xl border border-slate-200 bg-white p-3">
        <ReportRangeFields preset={preset} from={range.from} to={range.to} ranges={ranges} />
        <label className="flex flex-col text-sm font-medium">
          Team or rep
          <select name="personnel_id" defaultValue={person ?? ""} className="min-h-11 rounded-lg border border-slate-300 px-2">
            <option value="">{actor.role === "admin" ? "Everyone" : "My whole team"}</option>
            {people.some((p) => p.role === "manager") ? (
              <optgroup label="Teams">
                {people
                  .filter((p) => p.role === "manager")
                  .map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}&apos;s team
                    </option>
                  ))}
              </optgroup>
            ) : null}
            <optgroup label="Reps">
              {people
                .filter((p) => p.role === "rep")
                .map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
            </optgroup>
          </select>
        </label>
        <button type="submit" className="min-h-11 rounded-lg bg-brand-700 px-4 font-medium text-white">
          Show
        </button>
      </form>

      {error ? (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-red-800">
          {error}
        </p>
      ) : null}

      {summary ? (
        <section aria-labelledby="summary-h" className="space-y-2">
          <h2 id="summary-h" className="text-lg font-semibold">
            {summary.team}: {summary.from} to {summary.to}
          </h2>
          <ReportDownloads query={query} />
          <div className="overflow-x-auto rounded-xl border border-slate-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Summary per rep</caption>
              <TableHead headers={["Rep", "Planned", "Due", "Visited", "Completion %", "On time %", "Visits", "Valid", "Warning", "Invalid", "Minutes", "Km", "Flags"]} />
              <tbody>
                {[...summary.rows, summary.totals].map((r) => (
                  <tr key={r.key} className={r.key === "total" ? "border-t-2 border-slate-300 font-semibold" : "border-t border-slate-100"}>
                    <th scope="row" className="px-2 py-1.5 text-left font-medium">
                      {r.label}
                    </th>
                    {[r.planned, r.due, r.visited, r.completion_pct ?? "–", r.on_time_pct ?? "–", r.visits, r.valid, r.warning, r.invalid, r.minutes, r.km, r.flags].map((v, i) => (
                      <td key={i} className={cell}>
                        {v}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      {visits ? (
        <section aria-labelledby="visits-h" className="space-y-2">
          <h2 id="visits-h" className="text-lg font-semibold">
            Visits {visits.rows.length > PREVIEW_ROWS ? `(first ${PREVIEW_ROWS} of ${visits.next_cursor ? "more than " : ""}${visits.rows.length})` : `(${visits.rows.length})`}
          </h2>
          <div className="max-h-[32rem] overflow-auto rounded-xl border border-slate-200 bg-white">
            <table className="min-w-full text-sm">
              <caption className="sr-only">Visits in the period</caption>
              <TableHead headers={["Date", "Rep", "Customer", "Planned", "Check-in", "Check-out", "Minutes", "Verdict", "Distance m", "Flags"]} sticky />
              <tbody>
                {visits.rows.slice(0, PREVIEW_ROWS).map((r) => (
                  <tr key={r.visit_id} className="border-t border-slate-100">
                    <td className="px-2 py-1.5 whitespace-nowrap">{r.date}</td>
                    <td className="px-2 py-1.5">{r.rep_name}</td>
                    <td className="px-2 py-1.5">{r.customer}</td>
                    <td className="px-2 py-1.5">{r.planned_time ?? ""}</td>
                    <td className="px-2 py-1.5 whitespace-nowrap">{r.check_in?.slice(11, 16) ?? ""}</td>
                    <td className="px-2 py-1.5 whitespace-nowrap">{r.check_out?.slice(11, 16) ?? ""}</td>
                    <td className={cell}>{r.minutes ?? ""}</td>
                    <td className="px-2 py-1.5">{r.verdict ?? ""}</td>
                    <td className={cell}>{r.distance_m ?? ""}</td>
                    <td className="px-2 py-1.5 text-xs">{r.flags.join(" ")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="schedules-h" className="space-y-3">
        <h2 id="schedules-h" className="text-lg font-semibold">
          Scheduled e-mails
        </h2>
        {!schedules.email_configured ? (
          <p className="rounded-lg bg-amber-50 p-3 text-amber-900">
            E-mail is not configured (SMTP_URL is not set): schedules can be made and are listed here, but nothing is sent until it is.
          </p>
        ) : null}
        <ScheduleForm timeZone={timeZone} />
        <ScheduleList schedules={schedules.schedules} />
      </section>
    </div>
  );
}
