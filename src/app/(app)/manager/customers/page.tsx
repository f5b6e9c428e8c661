import type { Metadata } from "next";
import Link from "next/link";
import { CustomersMap } from "@/components/customers/customers-map";
import { FilterActions } from "@/components/admin/filter-actions";
import { inputClass, primaryButton, secondaryButton } from "@/components/admin/form-classes";
import { flatParams, withParams } from "@/components/admin/search-params";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listLocations, listLocationTypes } from "@/server/locations/customers.queries";
import { listLocationsQuery } from "@/contracts/locations";

export const metadata: Metadata = { title: "Customers" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const PAGE_SIZE = "50";

/** Customers (admins and managers): search, filters, keyset pages, and the listed ones on a map. */
export default async function CustomersPage({ searchParams }: Props) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const params = flatParams(await searchParams);
  const parsed = listLocationsQuery.safeParse({ limit: PAGE_SIZE, ...params });
  const filters = parsed.success ? parsed.data : listLocationsQuery.parse({ limit: PAGE_SIZE });
  const [page, types] = await Promise.all([listLocations(ctx, filters), listLocationTypes(ctx)]);
  const filtered = Boolean(params.q || params.active || params.type);

  return (
    <div className="flex flex-col gap-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Customers</h1>
          <p className="mt-1 text-slate-600">The places reps visit, each with the geofence a check-in is judged against.</p>
        </div>
        <div className="flex flex-wrap gap-2">
          <Link href="/manager/customers/new" className={`${primaryButton} inline-flex items-center`}>
            New customer
          </Link>
          <Link href="/manager/customers/import" className={`${secondaryButton} inline-flex items-center`}>
            Import CSV
          </Link>
        </div>
      </div>

      <form method="get" role="search" aria-label="Filter customers" className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-0 flex-col gap-1 text-sm font-medium">
          Search
          <input name="q" type="search" defaultValue={params.q ?? ""} placeholder="Name, address or ref" className={`${inputClass} w-full sm:w-64`} />
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
          Type
          <select name="type" defaultValue={params.type ?? ""} className={`${inputClass} max-w-40`}>
            <option value="">Any</option>
            {types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <FilterActions filtered={filtered} clearHref="/manager/customers" />
      </form>
      {!parsed.success ? (
        <p role="alert" className="text-sm text-red-700">
          Some filters were not understood and were ignored.
        </p>
      ) : null}

      <p className="text-sm text-slate-600" aria-live="polite">
        {page.items.length === 0 ? "No customer matches." : `Showing ${page.items.length}${page.next_cursor ? " (more on the next page)" : ""}.`}
      </p>

      {page.items.length > 0 ? (
        <>
          <CustomersMap customers={page.items} />
          <table className="w-full table-fixed text-left text-sm">
            <caption className="sr-only">Customers, sorted by name</caption>
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="p-2">Name</th>
                <th scope="col" className="hidden p-2 sm:table-cell">Address</th>
                <th scope="col" className="hidden w-28 p-2 sm:table-cell">Type</th>
                <th scope="col" className="w-20 p-2">Radius</th>
                <th scope="col" className="w-24 p-2">Status</th>
              </tr>
            </thead>
            <tbody>
              {page.items.map((c) => (
                <tr key={c.id} className={`border-b border-slate-100 align-top ${c.active ? "" : "text-slate-500"}`}>
                  <th scope="row" className="p-2 font-medium break-words">
                    <Link href={`/manager/customers/${c.id}`} className="inline-flex min-h-11 items-center underline">
                      {c.name}
                    </Link>
                    {c.external_ref ? <span className="block text-xs font-normal text-slate-500">{c.external_ref}</span> : null}
                  </th>
                  <td className="hidden p-2 break-words sm:table-cell">{c.address ?? "—"}</td>
                  <td className="hidden p-2 break-words sm:table-cell">{c.location_type ?? "—"}</td>
                  <td className="p-2">{c.geofence_radius} m</td>
                  <td className="p-2">{c.active ? "Active" : "Deactivated"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      <nav aria-label="Pages" className="flex gap-3">
        {params.cursor ? (
          <Link href={withParams("/manager/customers", params, { cursor: null })} className="inline-flex min-h-11 items-center underline">
            First page
          </Link>
        ) : null}
        {page.next_cursor ? (
          <Link href={withParams("/manager/customers", params, { cursor: page.next_cursor })} className="inline-flex min-h-11 items-center underline">
            Next page
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
