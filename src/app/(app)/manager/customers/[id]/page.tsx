import type { Metadata } from "next";
import Link from "next/link";
import { CustomerActiveForm } from "@/components/customers/customer-active-form";
import { CustomerForm } from "@/components/customers/customer-form";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { orNotFound, pageId } from "@/server/http/page";
import { getLocationOrThrow, recentVisitsAt } from "@/server/locations/customers.queries";
import { getOrgSettings } from "@/server/settings/org-settings";
import { formatDateTime, VisitStatus } from "../../../visit-status";

export const metadata: Metadata = { title: "Customer" };

/** One customer: its details and place (editable), its status, and its recent visits with their verdicts. */
export default async function CustomerPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const id = pageId((await params).id);
  const customer = await orNotFound(getLocationOrThrow(ctx, id));
  const [settings, visits] = await Promise.all([getOrgSettings(ctx.db), recentVisitsAt(ctx, id)]);
  const tz = settings.time_zone;

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/manager/customers" className="inline-flex min-h-11 items-center underline">
          ← Customers
        </Link>
        <h1 className="text-2xl font-bold break-words">
          {customer.name}
          {customer.active ? "" : " (deactivated)"}
        </h1>
        <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-600">External ref</dt>
          <dd>{customer.external_ref ?? "—"}</dd>
          <dt className="text-slate-600">Address</dt>
          <dd className="break-words">{customer.address ?? "—"}</dd>
          <dt className="text-slate-600">Geofence</dt>
          <dd data-testid="customer-radius">{customer.geofence_radius} m</dd>
          <dt className="text-slate-600">Updated</dt>
          <dd>{formatDateTime(customer.updated_at, tz)}</dd>
        </dl>
      </div>

      <CustomerForm customer={customer} defaultRadius={settings.default_geofence_radius} startAt={{ lat: customer.lat, lon: customer.lon }} />

      <CustomerActiveForm customer={customer} />

      <section aria-labelledby="visits-h" className="flex flex-col gap-2">
        <h2 id="visits-h" className="text-lg font-semibold">
          Recent visits
        </h2>
        {visits.length === 0 ? (
          <p className="text-slate-600">{actor.role === "admin" ? "Nobody has visited this customer yet." : "Nobody in your team has visited this customer yet."}</p>
        ) : (
          <table className="w-full table-fixed text-left text-sm">
            <caption className="sr-only">The latest {visits.length} visits to {customer.name}, newest first, with their geofence verdicts</caption>
            <thead className="border-b border-slate-200 text-slate-600">
              <tr>
                <th scope="col" className="p-2">Checked in</th>
                <th scope="col" className="p-2">Rep</th>
                <th scope="col" className="hidden p-2 sm:table-cell">Distance</th>
                <th scope="col" className="p-2">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {visits.map((v) => (
                <tr key={v.id} className="border-b border-slate-100 align-top">
                  <th scope="row" className="p-2 font-normal">
                    <Link href={`/manager/visits/${v.id}`} className="inline-flex min-h-11 items-center underline">
                      {formatDateTime(v.check_in_time, tz)}
                    </Link>
                  </th>
                  <td className="p-2 break-words">{v.personnel_name}</td>
                  <td className="hidden p-2 sm:table-cell">{v.distance_m === null ? "—" : `${Math.round(v.distance_m)} m`}</td>
                  <td className="p-2">
                    <VisitStatus status={v.status} checkedIn checkedOut={v.check_out_time !== null} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
