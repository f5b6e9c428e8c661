import type { Metadata } from "next";
import { OrgSettingsForm } from "@/components/admin/org-settings-form";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { listLocationTypes } from "@/server/locations/locations.queries";
import { getSecuritySettings } from "@/server/settings/get-settings";
import { getSettingsForAdmin } from "@/server/settings/update-org-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const settings = await getSettingsForAdmin(ctx);
  const security = await getSecuritySettings(ctx);
  const types = await listLocationTypes(ctx.db);
  const timeZones = Intl.supportedValuesOf("timeZone");
  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-bold">Settings</h1>
        <p className="mt-1 text-slate-600">
          Every organisation setting in one place. A change applies from the next request on every server, without a restart, and is written to the
          audit log with its old and new value.
        </p>
      </div>
      <OrgSettingsForm settings={settings} managersWithoutMfa={security.managers_without_mfa} knownTypes={types} timeZones={timeZones} />
    </div>
  );
}
