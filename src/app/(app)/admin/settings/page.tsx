import type { Metadata } from "next";
import { DashboardSettingsForm } from "@/components/admin/dashboard-settings-form";
import { SecuritySettingsForm } from "@/components/admin/security-settings-form";
import { pageCtx, requirePageActor } from "@/server/auth/page-guard";
import { PhotoSettingsForm } from "@/components/admin/photo-settings-form";
import { listLocationTypes } from "@/server/locations/locations.queries";
import { getSecuritySettings } from "@/server/settings/get-settings";
import { getDashboardSettings } from "@/server/settings/update-dashboard-settings";
import { getPhotoSettings } from "@/server/settings/update-photo-settings";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const actor = await requirePageActor(["admin"]);
  const ctx = await pageCtx(actor);
  const settings = await getSecuritySettings(ctx);
  const dashboard = await getDashboardSettings(ctx);
  const photos = await getPhotoSettings(ctx);
  const types = await listLocationTypes(ctx.db);
  return (
    <div className="flex flex-col gap-6">
      <div>
        <h1 className="text-2xl font-bold">Settings</h1>
        <p className="mt-1 text-slate-600">Organisation-wide settings. Changes are written to the audit log.</p>
      </div>
      <SecuritySettingsForm requireManagerMfa={settings.require_manager_mfa} managersWithoutMfa={settings.managers_without_mfa} />
      <DashboardSettingsForm settings={dashboard} />
      <PhotoSettingsForm retentionDays={photos.photo_retention_days} requiredTypes={photos.selfie_required_types} knownTypes={types} />
    </div>
  );
}
