import type { Metadata } from "next";
import Link from "next/link";
import { CreatePersonForm } from "@/components/admin/create-person-form";
import { FilterActions } from "@/components/admin/filter-actions";
import { inputClass } from "@/components/admin/form-classes";
import { PersonActions } from "@/components/admin/person-actions";
import { flatParams, withParams } from "@/components/admin/search-params";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listManagerChoices, listPersonnel } from "@/server/personnel/personnel.queries";
import { listPersonnelQuery } from "@/contracts/personnel";

export const metadata: Metadata = { title: "People" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function PeoplePage({ searchParams }: Props) {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const params = flatParams(await searchParams);
  const parsed = listPersonnelQuery.safeParse(params);
  const filters = parsed.success ? parsed.data : listPersonnelQuery.parse({});
  const [page, managers] = await Promise.all([listPersonnel(ctx, filters), listManagerChoices(ctx)]);
  const filtered = Boolean(params.q || params.role || params.active || params.manager_id);

  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">People</h1>
        <p className="mt-1 text-slate-600">Everyone who signs in to Fieldbeat, their role and who they report to. Every change here is written to the audit log.</p>
      </div>

      <CreatePersonForm managers={managers} />

      <section aria-labelledby="people-h" className="flex flex-col gap-3">
        <h2 id="people-h" className="text-lg font-semibold">
          Directory
        </h2>
        <form method="get" role="search" aria-label="Filter people" className="flex flex-wrap items-end gap-2">
          <label className="flex flex-col gap-1 text-sm font-medium">
            Search
            <input name="q" type="search" defaultValue={params.q ?? ""} placeholder="Name, email or employee id" className={inputClass} />
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Role
            <select name="role" defaultValue={params.role ?? ""} className={inputClass}>
              <option value="">Any</option>
              <option value="rep">Rep</option>
              <option value="manager">Manager</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Status
            <select name="active" defaultValue={params.active ?? ""} className={inputClass}>
              <option value="">Any</option>
              <option value="true">Active</option>
              <option value="false">Deactivated</option>
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm font-medium">
            Reports to
            <select name="manager_id" defaultValue={params.manager_id ?? ""} className={inputClass}>
              <option value="">Anyone</option>
              {managers.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
          <FilterActions filtered={!!filtered} clearHref="/admin/people" />
        </form>
        {!parsed.success ? (
          <p role="alert" className="text-sm text-red-700">
            Some filters were not understood and were ignored.
          </p>
        ) : null}

        <p className="text-sm text-slate-600" aria-live="polite">
          {page.items.length === 0 ? "Nobody matches." : `Showing ${page.items.length}${page.next_cursor ? " (more on the next page)" : ""}.`}
        </p>
        {page.items.length > 0 ? (
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">People, sorted by name</caption>
              <thead className="border-b border-slate-200 text-slate-600">
                <tr>
                  <th scope="col" className="p-2">Name</th>
                  <th scope="col" className="p-2">Email</th>
                  <th scope="col" className="p-2">Role</th>
                  <th scope="col" className="p-2">Manager</th>
                  <th scope="col" className="p-2">Status</th>
                  <th scope="col" className="p-2">MFA</th>
                  <th scope="col" className="p-2">Actions</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((p) => (
                  <tr key={p.id} className={`border-b border-slate-100 align-top ${p.active ? "" : "text-slate-500"}`}>
                    <th scope="row" className="p-2 font-medium">
                      <Link href={`/admin/people/${p.id}`} className="underline">
                        {p.name}
                      </Link>
                      {p.employee_id ? <span className="block text-xs font-normal text-slate-500">{p.employee_id}</span> : null}
                    </th>
                    <td className="p-2">{p.email}</td>
                    <td className="p-2 capitalize">{p.role}</td>
                    <td className="p-2">{p.manager_name ?? "—"}</td>
                    <td className="p-2">{p.active ? "Active" : "Deactivated"}</td>
                    <td className="p-2">{p.mfa_enabled ? "Enrolled" : "No"}</td>
                    <td className="p-2">
                      <details>
                        <summary className="inline-flex min-h-11 cursor-pointer items-center rounded-lg px-2 font-medium hover:bg-slate-100">
                          Change<span className="sr-only"> {p.name}</span>
                        </summary>
                        <div className="mt-2 w-80 rounded-lg border border-slate-200 bg-white p-3">
                          <PersonActions person={p} managers={managers} me={actor.id} />
                        </div>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <nav aria-label="Pages" className="flex gap-3">
          {params.cursor ? (
            <Link href={withParams("/admin/people", params, { cursor: null })} className="inline-flex min-h-11 items-center underline">
              First page
            </Link>
          ) : null}
          {page.next_cursor ? (
            <Link href={withParams("/admin/people", params, { cursor: page.next_cursor })} className="inline-flex min-h-11 items-center underline">
              Next page
            </Link>
          ) : null}
        </nav>
      </section>
    </div>
  );
}
