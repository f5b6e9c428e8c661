import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { teamSummaryQuery } from "@/contracts/dashboard";
import { TeamNow } from "@/components/manager/team-now";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { getTeamNow } from "@/server/dashboard/team-now";
import { orNotFound } from "@/server/http/page";

export const metadata: Metadata = { title: "Team now" };

type Search = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

/** Team now: the live control room of a manager's reporting subtree (admins: everyone). */
export default async function TeamNowPage({ searchParams }: { searchParams: Search }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const sp = await searchParams;
  const parsed = teamSummaryQuery.safeParse({ from: one(sp.date), to: one(sp.date), manager_id: one(sp.manager_id) });
  if (!parsed.success) notFound();
  const { summary, activity, alerts, live } = await orNotFound(getTeamNow(ctx, parsed.data));
  const query = new URLSearchParams({ from: summary.from, to: summary.to, ...(parsed.data.manager_id ? { manager_id: String(parsed.data.manager_id) } : {}) }).toString();
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Team now</h1>
          <p className="text-sm text-slate-600">
            {summary.kpis.reps} reps · {live ? `today, ${summary.from}` : `${summary.from} (${summary.from < summary.today ? "past day" : "planned"})`} · {summary.time_zone}
          </p>
        </div>
        <form method="get" className="flex items-end gap-2">
          <label className="flex flex-col text-sm">
            Day
            <input type="date" name="date" defaultValue={summary.from} className="min-h-11 rounded border border-slate-300 px-2" />
          </label>
          {parsed.data.manager_id ? <input type="hidden" name="manager_id" value={parsed.data.manager_id} /> : null}
          <button type="submit" className="min-h-11 rounded bg-brand-600 px-3 text-white">Show</button>
        </form>
      </div>
      <TeamNow key={query} initial={summary} feed={activity.events} lastEventId={activity.lastEventId} query={query} alerts={alerts} />
    </div>
  );
}
