import Link from "next/link";
import type { TimelineItem } from "@/contracts/dashboard";
import { formatClock } from "./rep-states";

const VERDICT: Record<string, string> = { VALID: "text-green-800", WARNING: "text-amber-800", INVALID: "text-red-700" };

/** Planned vs actual, newest day first: planned time, check-in/out, lateness, duration, verdict and flags; each visit links to its evidence page. */
export function RepTimeline({ items, timeZone }: { items: TimelineItem[]; timeZone: string }) {
  // Not checked in: "missed" only once the server's stop-due rule says so (planned time + the organisation's late
  // threshold has passed, the same rule the KPIs count with); before that "upcoming".
  if (items.length === 0) return <p className="text-sm text-slate-600">Nothing planned or visited in this range.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Visit timeline</caption>
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            {["Day", "#", "Customer", "Planned", "Checked in", "Late", "Out", "Duration", "Verdict"].map((c) => (
              <th key={c} scope="col" className="py-1.5 pr-3">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {items.map((t, i) => (
            <tr key={`${t.planned_visit_id ?? "u"}-${t.visit_id ?? i}`} className="border-b border-slate-100 tabular-nums">
              <td className="py-1 pr-3">{t.date}</td>
              <td className="py-1 pr-3">{t.sequence ?? "—"}</td>
              <td className="py-1 pr-3">
                {t.visit_id ? <Link href={`/manager/visits/${t.visit_id}`} className="text-brand-700 underline">{t.location_name}</Link> : t.location_name}
                {t.planned_visit_id === null ? <span className="ml-1 text-xs text-slate-500">(unplanned)</span> : null}
              </td>
              <td className="py-1 pr-3">{t.planned_time ?? "—"}</td>
              <td className="py-1 pr-3">{t.check_in_time ? formatClock(t.check_in_time, timeZone) : t.state === "missed" ? <span className="text-red-700">missed</span> : <span className="text-slate-600">upcoming</span>}</td>
              <td className="py-1 pr-3">{t.late_minutes === null ? "—" : t.late_minutes > 0 ? `+${t.late_minutes} min` : "on time"}</td>
              <td className="py-1 pr-3">{t.check_out_time ? formatClock(t.check_out_time, timeZone) : t.check_in_time && t.visit_id ? <Link href={`/manager/visits/${t.visit_id}`} className="font-semibold text-amber-800 underline">open: close it</Link> : "—"}</td>
              <td className="py-1 pr-3">{t.duration_minutes === null ? "—" : `${t.duration_minutes} min`}</td>
              <td className={`py-1 pr-3 ${VERDICT[t.validation_status ?? ""] ?? ""}`}>
                {t.validation_status ?? "—"}
                {t.flags.length ? <span className="ml-1 text-xs text-amber-800">{t.flags.join(", ")}</span> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
