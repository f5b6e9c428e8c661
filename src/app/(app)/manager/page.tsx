import type { Metadata } from "next";
import Link from "next/link";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listTeam, orgToday } from "@/server/team/team.queries";

export const metadata: Metadata = { title: "Team" };

/** A manager's team (their whole reporting subtree); admins see everyone. */
export default async function ManagerHome() {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const [today, team] = await Promise.all([orgToday(ctx), listTeam(ctx)]);
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-bold">Team</h1>
        <p className="text-slate-600">
          {team.length} people · today {today.date}
        </p>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Your team today</caption>
          <thead className="border-b border-slate-200 text-slate-600">
            <tr>
              <th scope="col" className="py-2 pr-3">Name</th>
              <th scope="col" className="py-2 pr-3">Role</th>
              <th scope="col" className="py-2 pr-3">Reports to</th>
              <th scope="col" className="py-2 pr-3">Visits today</th>
            </tr>
          </thead>
          <tbody>
            {team.map((m) => (
              <tr key={m.id} className="border-b border-slate-100">
                <td className="py-2 pr-3">
                  <Link href={`/manager/reps/${m.id}`} className="inline-flex min-h-11 items-center font-medium text-brand-700 underline">
                    {m.name}
                  </Link>
                  {m.active ? null : <span className="ml-2 text-xs text-slate-500">(deactivated)</span>}
                  <span className="block text-xs text-slate-500">{m.email}</span>
                </td>
                <td className="py-2 pr-3">{m.role}</td>
                <td className="py-2 pr-3">{m.manager_name ?? "—"}</td>
                <td className="py-2 pr-3">
                  {m.visits_today} / {m.planned_today} planned
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
