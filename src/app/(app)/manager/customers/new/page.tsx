import type { Metadata } from "next";
import Link from "next/link";
import { CustomerForm } from "@/components/customers/customer-form";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listLocations } from "@/server/locations/customers.queries";
import { getOrgSettings } from "@/server/settings/org-settings";
import { DEFAULT_CENTER } from "@/components/map/map-geometry";

export const metadata: Metadata = { title: "New customer" };

export default async function NewCustomerPage() {
  const actor = await requirePageActor(["manager", "admin"]);
  const ctx = await pageCtx(actor);
  const [settings, first] = await Promise.all([getOrgSettings(ctx.db), listLocations(ctx, { limit: 1, active: true })]);
  // The map opens where the organisation's customers are (the first one by name), else on the default view.
  const near = first.items[0];
  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/manager/customers" className="inline-flex min-h-11 items-center underline">
          ← Customers
        </Link>
        <h1 className="text-2xl font-bold">New customer</h1>
      </div>
      <CustomerForm defaultRadius={settings.default_geofence_radius} startAt={near ? { lat: near.lat, lon: near.lon } : DEFAULT_CENTER} />
    </div>
  );
}
