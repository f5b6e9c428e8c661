import type { Metadata } from "next";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { orgToday, plannedStopsToday } from "@/server/team/team.queries";
import { formatTime, VisitStatus } from "../visit-status";

export const metadata: Metadata = { title: "Today" };

/** The rep's day: today's planned customers in order (the check-in flow builds on this page). */
export default async function RepHome() {
  const actor = await requirePageActor(["rep"]);
  const ctx = await pageCtx(actor);
  const [today, stops] = await Promise.all([orgToday(ctx), plannedStopsToday(ctx, actor.id)]);
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-bold">Today</h1>
        <p className="text-slate-600">
          Hello {actor.name} · {today.date}
        </p>
      </div>
      {stops.length === 0 ? (
        <p className="rounded-lg bg-slate-50 p-4 text-slate-700">No customers are planned for you today.</p>
      ) : (
        <ol aria-label="Planned visits" className="flex flex-col gap-2">
          {stops.map((s) => (
            <li key={s.sequence} className="flex min-h-11 items-start justify-between gap-3 rounded-lg border border-slate-200 p-3">
              <div className="min-w-0">
                <p className="font-semibold">
                  {s.sequence}. {s.location_name}
                </p>
                {s.address ? <p className="truncate text-sm text-slate-600">{s.address}</p> : null}
                {s.check_in_time ? <p className="text-sm text-slate-600">Checked in {formatTime(s.check_in_time, today.timeZone)}</p> : null}
              </div>
              <VisitStatus status={s.validation_status} checkedIn={!!s.check_in_time} checkedOut={!!s.check_out_time} />
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
