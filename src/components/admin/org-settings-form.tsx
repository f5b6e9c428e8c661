"use client";

import { useRouter } from "next/navigation";
import { useActionState, type ReactNode } from "react";
import type { OrgSettings } from "@/contracts/settings";
import { updateOrgSettingsAction } from "@/server/settings/settings.actions";
import { FieldError, FormStatus, inputClass, primaryButton, useClientId, type FormState } from "./form-bits";

type NumberField = {
  [K in keyof OrgSettings]: OrgSettings[K] extends number ? K : never;
}[keyof OrgSettings];

const WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

const NUMBER_FIELDS: NumberField[] = [
  "default_geofence_radius",
  "default_service_minutes",
  "travel_speed_kmh",
  "route_detour_factor",
  "tracking_interval_seconds",
  "alert_late_check_in_minutes",
  "alert_open_visit_minutes",
  "alert_untracked_minutes",
  "photo_retention_days",
  "events_retention_days",
  "ping_retention_days",
];

/** A number input as sent: empty stays "not a number" for the server to name, never a silent 0. */
const num = (v: FormDataEntryValue | null): number => {
  const t = String(v ?? "").trim();
  return t === "" ? Number.NaN : Number(t);
};

/** Every organisation setting in sections, one Save: the same use-case as PATCH /api/v1/settings. */
export function OrgSettingsForm({ settings, managersWithoutMfa, knownTypes, timeZones }: { settings: OrgSettings; managersWithoutMfa: number; knownTypes: string[]; timeZones: string[] }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const values: Record<string, string> = {};
    for (const [k, v] of fd.entries()) if (typeof v === "string" && k !== "work_days" && k !== "types") values[k] = v;
    // Ticked boxes too, so a refused save shows what was chosen (the form is reset after every submit).
    values.work_days = fd.getAll("work_days").join(",");
    values.types = fd.getAll("types").join("\n");
    values.all_types = fd.get("all_types") === "on" ? "on" : "";
    values.require_manager_mfa = fd.get("require_manager_mfa") === "on" ? "on" : "";
    const all: Record<string, unknown> = {
      name: String(fd.get("name") ?? ""),
      time_zone: String(fd.get("time_zone") ?? "").trim(),
      work_days: fd.getAll("work_days").map(Number).sort((a, b) => a - b),
      work_start: String(fd.get("work_start") ?? "").trim(),
      work_end: String(fd.get("work_end") ?? "").trim(),
      require_manager_mfa: fd.get("require_manager_mfa") === "on",
      selfie_required_types: fd.get("all_types") === "on" ? ["*"] : [...new Set(fd.getAll("types").map(String))].sort(),
      ...Object.fromEntries(NUMBER_FIELDS.map((f) => [f, num(fd.get(f))])),
    };
    // Only what the admin changed is sent: a stored value the form cannot express (the demo's 24:00 end of day)
    // is never re-validated by a save that did not touch it.
    const changed = Object.fromEntries(Object.entries(all).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(settings[k as keyof OrgSettings])));
    if (Object.keys(changed).length === 0) return { ok: true, message: "Nothing to save: no setting was changed." };
    const res = await updateOrgSettingsAction({ client_id: clientId, ...changed });
    if (!res.ok) return { ok: false, message: res.error.message, field: res.error.field, values };
    nextClientId();
    router.refresh();
    const mfaChanged = res.data.require_manager_mfa !== settings.require_manager_mfa;
    const message = mfaChanged
      ? res.data.require_manager_mfa
        ? "Saved: managers and admins must now use MFA."
        : "Saved: MFA is optional for managers and admins."
      : "Saved: the settings apply from the next request.";
    return { ok: true, message };
  }, null);

  const v = (name: keyof OrgSettings) => state?.values?.[name] ?? String(settings[name]);
  const invalid = (name: string) => !!state && !state.ok && state.field === name;
  const kept = state && !state.ok ? state.values : undefined;
  const allTypes = kept ? kept.all_types === "on" : settings.selfie_required_types.includes("*");
  const workDays = kept ? (kept.work_days ?? "").split(",").filter(Boolean).map(Number) : settings.work_days;
  const types = kept ? (kept.types ?? "").split("\n").filter(Boolean) : settings.selfie_required_types;
  const mfa = kept ? kept.require_manager_mfa === "on" : settings.require_manager_mfa;

  /** One labelled input with its explanation and, after a refused save, the server's message for this field. */
  const field = (name: keyof OrgSettings, label: string, help: string, input: Partial<React.InputHTMLAttributes<HTMLInputElement>> = {}) => (
    <div className="flex flex-col gap-1">
      <label htmlFor={`s-${name}`} className="font-medium">
        {label}
      </label>
      <input
        id={`s-${name}`}
        name={name}
        key={`${name}-${settings.updated_at}`}
        className={inputClass}
        aria-invalid={invalid(name)}
        aria-describedby={`s-${name}-help${invalid(name) ? ` s-${name}-err` : ""}`}
        defaultValue={v(name)}
        {...input}
      />
      <span id={`s-${name}-help`} className="text-sm text-slate-600">
        {help}
      </span>
      <FieldError state={state} name={name} id={`s-${name}-err`} />
    </div>
  );
  const numberField = (name: NumberField, label: string, help: string, step = "1") => field(name, label, help, { type: "number", inputMode: step === "1" ? "numeric" : "decimal", step });

  return (
    <form action={submit} noValidate aria-label="Organisation settings" className="flex flex-col gap-4">
      <Section id="org" title="Organisation" intro="Who you are and which clock Fieldbeat reads.">
        {field("name", "Organisation name", "Shown in the header and on exported reports.", { autoComplete: "organization" })}
        {field("time_zone", "Time zone", "An IANA name, e.g. Asia/Kolkata or Europe/Berlin. 'Today', the working day, alerts and reports all follow this clock; changing it moves where a day starts and ends.", { list: "s-time-zones", autoComplete: "off", spellCheck: false })}
        <datalist id="s-time-zones">
          {timeZones.map((tz) => (
            <option key={tz} value={tz} />
          ))}
        </datalist>
      </Section>

      <Section id="week" title="Working week" intro="When reps are expected in the field. Alerts for untracked reps and open visits only run in these hours.">
        <fieldset className="flex flex-col gap-1 sm:col-span-2" aria-describedby={`s-work_days-help${invalid("work_days") ? " s-work_days-err" : ""}`} aria-invalid={invalid("work_days")}>
          <legend className="font-medium">Working days</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {WEEKDAYS.map((d, i) => (
              <label key={d} className="flex min-h-11 items-center gap-2">
                <input type="checkbox" name="work_days" value={i + 1} defaultChecked={workDays.includes(i + 1)} className="size-5" key={`${d}-${settings.updated_at}`} /> {d}
              </label>
            ))}
          </div>
          <span id="s-work_days-help" className="text-sm text-slate-600">
            At least one day. Days not ticked raise no alerts and are skipped by the demo plan.
          </span>
          <FieldError state={state} name="work_days" id="s-work_days-err" />
        </fieldset>
        {field("work_start", "Day starts", "HH:MM in the organisation's time zone (24-hour).", { inputMode: "numeric", placeholder: "09:00", autoComplete: "off" })}
        {field("work_end", "Day ends", "Must be after the start. A visit still open at this time raises a missing check-out alert.", { inputMode: "numeric", placeholder: "18:00", autoComplete: "off" })}
      </Section>

      <Section id="visits" title="Customers and visits" intro="Defaults for new customers and what a visit must carry.">
        {numberField("default_geofence_radius", "Default geofence radius (metres)", "5 – 5,000 m. A new customer without its own radius gets this one; existing customers keep theirs.")}
        {numberField("default_service_minutes", "Default time at a customer (minutes)", "1 – 480. Used to plan a day when a stop has no duration of its own.")}
        <fieldset className="flex flex-col gap-1 sm:col-span-2" aria-describedby={`s-types-help${invalid("selfie_required_types") ? " s-selfie_required_types-err" : ""}`}>
          <legend className="font-medium">Selfie required at check-in</legend>
          <span id="s-types-help" className="text-sm text-slate-600">
            A visit at these customer types without a selfie carries the NO_SELFIE flag. Elsewhere a selfie is optional.
          </span>
          <label className="flex min-h-11 items-center gap-2">
            <input type="checkbox" name="all_types" defaultChecked={allTypes} className="size-5" key={`all-${settings.updated_at}`} /> Every customer
          </label>
          <div className="flex flex-wrap gap-x-4 gap-y-1">
            {knownTypes.map((t) => (
              <label key={`${t}-${settings.updated_at}`} className="flex min-h-11 items-center gap-2">
                <input type="checkbox" name="types" value={t} defaultChecked={allTypes || types.includes(t)} className="size-5" /> {t}
              </label>
            ))}
          </div>
          <FieldError state={state} name="selfie_required_types" id="s-selfie_required_types-err" />
        </fieldset>
      </Section>

      <Section id="routing" title="Route planning" intro="How travel time between stops is estimated when plans are built or optimised (no routing service is called).">
        {numberField("travel_speed_kmh", "Average travel speed (km/h)", "5 – 150. Door-to-door average including traffic, not the speed limit.", "any")}
        {numberField("route_detour_factor", "Road detour factor", "1 – 3. Road distance ÷ straight-line distance; 1.3 suits most cities.", "any")}
      </Section>

      <Section id="tracking" title="Location tracking" intro="How often the rep's app records where it is while a day is open.">
        {numberField("tracking_interval_seconds", "Tracking interval (seconds)", "15 – 900. At most one breadcrumb this often; shorter gives finer trails and uses more battery. Reps' apps pick it up when they next load.")}
      </Section>

      <Section id="alerts" title="Dashboard alerts" intro="When the managers' dashboard raises an alert.">
        {numberField("alert_late_check_in_minutes", "Late check-in after (minutes)", "5 – 720. A planned stop with no check-in this long after its planned time raises an alert.")}
        {numberField("alert_open_visit_minutes", "Missing check-out after (minutes)", "15 – 1,440. A visit open this long raises an alert (one still open at the end of the work day always does).")}
        {numberField("alert_untracked_minutes", "Not tracked after (minutes)", "5 – 720. A rep with an open day and no location for this long during work hours raises an alert.")}
      </Section>

      <Section id="retention" title="Data retention" intro="How long each kind of data is kept. Deletion runs once a day and is written to the audit log.">
        {numberField("photo_retention_days", "Keep selfies for (days)", "1 – 3,650. Older selfies are deleted from storage; the visit keeps its verdict, flags and EXIF summary.")}
        {numberField("events_retention_days", "Keep live events for (days)", "1 – 365. Dashboards can catch up on missed events within this period.")}
        {numberField("ping_retention_days", "Keep GPS trails for (days)", "8 – 3,650. Older breadcrumbs are dropped a whole day at a time; each day's kilometres and visits stay.")}
      </Section>

      <Section id="security" title="Sign-in security" intro="Applies to managers and admins; reps are not affected.">
        <div className="flex flex-col gap-1 sm:col-span-2">
          <label className="flex items-start gap-3">
            <input name="require_manager_mfa" type="checkbox" defaultChecked={mfa} key={`mfa-${settings.updated_at}`} className="mt-1 size-5" aria-describedby="mfa-help" aria-invalid={invalid("require_manager_mfa")} />
            <span>
              <span className="font-medium">Require two-factor authentication (MFA) for managers and admins</span>
              <span id="mfa-help" className="block text-sm text-slate-600">
                Managers and admins without MFA are sent to enrol (an authenticator app) before they can use Fieldbeat. Set up MFA on your own account first.{" "}
                {managersWithoutMfa === 0
                  ? "Every active manager and admin is enrolled."
                  : `${managersWithoutMfa} active ${managersWithoutMfa === 1 ? "manager or admin has" : "managers or admins have"} not enrolled yet.`}
              </span>
            </span>
          </label>
          <FieldError state={state} name="require_manager_mfa" id="s-require_manager_mfa-err" />
        </div>
      </Section>

      <div className="sticky bottom-0 z-10 flex flex-wrap items-center gap-3 border-t border-slate-200 bg-white py-3 shadow-[0_-4px_8px_rgba(0,0,0,0.04)]">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}

function Section({ id, title, intro, children }: { id: string; title: string; intro: string; children: ReactNode }) {
  return (
    <section aria-labelledby={`sec-${id}`} className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <div>
        <h2 id={`sec-${id}`} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="text-sm text-slate-600">{intro}</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2">{children}</div>
    </section>
  );
}
