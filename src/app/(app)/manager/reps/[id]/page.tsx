import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { AppError } from "@/server/errors";
import { getTeamMemberOrThrow, orgToday } from "@/server/team/team.queries";
import { formatDateTime, formatTime, VisitStatus } from "../../../visit-status";

export const metadata: Metadata = { title: "Rep" };

/** One rep: profile, today's route, recent visits. Another team's rep is a 404 (decided by the use-case's scope). */
export default async function RepProfile({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const { id } = await params;
  const personnelId = Number(id);
  if (!/^\d{1,9}$/.test(id) || personnelId <= 0) notFound();
  const ctx = await pageCtx(actor);
  let detail;
  try {
    detail = await getTeamMemberOrThrow(ctx, personnelId);
  } catch (err) {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  }
  const { timeZone } = await orgToday(ctx);
  const { person, today, recent } = detail;
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/manager" className="inline-flex min-h-11 items-center text-sm text-brand-700 underline">
          ← Team
        </Link>
        <h1 className="text-2xl font-bold">{person.name}</h1>
        <p className="text-slate-600">
          {person.role} · {person.email}
          {person.phone ? ` · ${person.phone}` : ""}
          {person.employee_id ? ` · ${person.employee_id}` : ""} · reports to {person.manager_name ?? "—"}
          {person.active ? "" : " · deactivated"}
        </p>
      </div>
      <section aria-labelledby="today-h" className="flex flex-col gap-2">
        <h2 id="today-h" className="text-lg font-semibold">Today’s route</h2>
        {today.length === 0 ? (
          <p className="text-slate-600">Nothing planned today.</p>
        ) : (
          <ol className="flex flex-col gap-1">
            {today.map((s) => (
              <li key={s.sequence} className="flex items-center justify-between gap-3 border-b border-slate-100 py-2">
                <span>
                  {s.sequence}. {s.location_name} <span className="text-sm text-slate-500">{formatTime(s.check_in_time, timeZone)}</span>
                </span>
                <VisitStatus status={s.validation_status} checkedIn={!!s.check_in_time} checkedOut={!!s.check_out_time} />
              </li>
            ))}
          </ol>
        )}
      </section>
      <section aria-labelledby="recent-h" className="flex flex-col gap-2">
        <h2 id="recent-h" className="text-lg font-semibold">Recent visits</h2>
        {recent.length === 0 ? (
          <p className="text-slate-600">No visits yet.</p>
        ) : (
          <ul className="flex flex-col gap-1">
            {recent.map((v) => (
              <li key={v.id} className="flex items-center justify-between gap-3 border-b border-slate-100 py-2">
                <span>
                  <Link href={`/manager/visits/${v.id}`} className="text-brand-700 underline">
                    {v.location_name}
                  </Link>{" "}
                  <span className="text-sm text-slate-500">{formatDateTime(v.check_in_time, timeZone)}</span>
                  {v.flags.length ? <span className="ml-2 text-xs text-amber-800">{v.flags.join(", ")}</span> : null}
                </span>
                <VisitStatus status={v.validation_status} checkedIn={!!v.check_in_time} checkedOut={!!v.check_out_time} />
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
