import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound } from "next/navigation";
import { dateRangeQuery } from "@/contracts/dashboard";
import { DayCharts } from "@/components/manager/day-charts";
import { KpiCards } from "@/components/manager/kpi-cards";
import { RepTimeline } from "@/components/manager/rep-timeline";
import { RepTrail } from "@/components/manager/rep-trail";
import { addDays } from "@/lib/time";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getPersonnelSummary } from "@/server/dashboard/personnel-summary";
import { orNotFound, pageId } from "@/server/http/page";
import { trustedClientIp } from "@/server/http/trust";
import { calendarDate } from "@/contracts/dates";
import { orgToday } from "@/server/team/team.queries";
import { getTrail } from "@/server/tracking/tracking.queries";

export const metadata: Metadata = { title: "Rep" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const isDay = (v: string | undefined) => calendarDate.safeParse(v).success;

/** One rep over a date range: KPIs, charts, the visit timeline and one day's trail. Another team's rep is a 404 (decided by the use-cases' scope). */
export default async function RepView({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Search }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const id = pageId((await params).id);
  const ctx = await pageCtx(actor);
  const sp = await searchParams;
  const to = one(sp.to) ?? (await orgToday(ctx)).date;
  const range = dateRangeQuery.safeParse({ from: one(sp.from) ?? (isDay(to) ? addDays(to, -6) : undefined), to });
  if (!range.success) notFound();
  const summary = await orNotFound(getPersonnelSummary(ctx, id, range.data));
  const day = isDay(one(sp.day)) ? one(sp.day)! : summary.to;
  const h = await headers();
  // Viewing someone's trail is audit-logged by getTrail (trail.viewed), with the client address under the one trusted-proxy rule.
  const trail = await getTrail(ctx, { personnel_id: summary.person.id, date: day }, { ip: trustedClientIp(h), userAgent: h.get("user-agent") });
  const { person } = summary;
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <Link href="/manager" className="inline-flex min-h-11 items-center text-sm text-brand-700 underline">← Team now</Link>
          <h1 className="text-2xl font-bold">{person.name}</h1>
          <p className="text-sm text-slate-600">{person.role} · {person.email} · reports to {person.manager_name ?? "—"}</p>
        </div>
        <form method="get" className="flex flex-wrap items-end gap-2" aria-label="Date range">
          {(["from", "to", "day"] as const).map((k) => (
            <label key={k} className="flex flex-col text-sm">
              {k === "day" ? "Trail day" : k === "from" ? "From" : "To"}
              <input type="date" name={k} defaultValue={k === "from" ? summary.from : k === "to" ? summary.to : day} className="min-h-11 rounded border border-slate-300 px-2" />
            </label>
          ))}
          <button type="submit" className="min-h-11 rounded bg-brand-600 px-3 text-white">Show</button>
        </form>
      </div>
      <KpiCards kpis={summary.kpis} showActive={false} />
      <DayCharts days={summary.days} />
      <section aria-labelledby="trail-h" className="flex flex-col gap-2">
        <h2 id="trail-h" className="text-lg font-semibold">Trail of {day}</h2>
        <RepTrail trail={trail} visits={summary.timeline.filter((t) => t.date === day)} timeZone={summary.time_zone} />
      </section>
      <section aria-labelledby="timeline-h" className="flex flex-col gap-2">
        <h2 id="timeline-h" className="text-lg font-semibold">Recent visits</h2>
        <p className="text-sm text-slate-600">Planned and unplanned, {summary.from} → {summary.to}, newest first.</p>
        <RepTimeline items={summary.timeline} timeZone={summary.time_zone} />
      </section>
    </div>
  );
}
