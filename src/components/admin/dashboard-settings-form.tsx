"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import type { DashboardSettings } from "@/contracts/settings";
import { updateDashboardSettingsAction } from "@/server/settings/settings.actions";
import { FieldError, fieldProps, FormStatus, inputClass, primaryButton, toState, useClientId, type FormState } from "./form-bits";

const FIELDS: { name: keyof DashboardSettings; label: string; help: string }[] = [
  { name: "alert_late_check_in_minutes", label: "Late check-in after (minutes)", help: "A planned stop with no check-in this long after its planned time raises an alert." },
  { name: "alert_open_visit_minutes", label: "Missing check-out after (minutes)", help: "A visit open this long raises an alert (one still open at the end of the work day always does)." },
  { name: "alert_untracked_minutes", label: "Not tracked after (minutes)", help: "A rep with an open day and no location for this long during work hours raises an alert." },
  { name: "events_retention_days", label: "Keep live events for (days)", help: "Dashboards can catch up on missed events within this period; older ones are deleted daily." },
];

/** Alert thresholds and live-event retention. */
export function DashboardSettingsForm({ settings }: { settings: DashboardSettings }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const values = Object.fromEntries(FIELDS.map((f) => [f.name, String(fd.get(f.name) ?? "")])) as Record<keyof DashboardSettings, string>;
    const res = await updateDashboardSettingsAction({ client_id: clientId, ...values });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, "Saved: alert thresholds updated.", values);
  }, null);
  return (
    <form action={submit} aria-labelledby="alerts-settings-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="alerts-settings-h" className="text-lg font-semibold">Dashboard alerts</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        {FIELDS.map((f) => (
          <div key={f.name} className="flex flex-col gap-1">
            <label htmlFor={f.name} className="font-medium">{f.label}</label>
            <input id={f.name} name={f.name} type="number" inputMode="numeric" className={inputClass} {...fieldProps(state, f.name, `${f.name}-err`)} defaultValue={state?.values?.[f.name] ?? settings[f.name]} />
            <span className="text-sm text-slate-600">{f.help}</span>
            <FieldError state={state} name={f.name} id={`${f.name}-err`} />
          </div>
        ))}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>{pending ? "Updating…" : "Update alert settings"}</button>
        {/* Only after a submit: the page keeps one status region (the security form's) until this form has news. */}
        {state ? <FormStatus state={state} /> : null}
      </div>
    </form>
  );
}
