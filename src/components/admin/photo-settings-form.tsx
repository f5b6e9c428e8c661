"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { updatePhotoSettingsAction } from "@/server/settings/settings.actions";
import { FieldError, FormStatus, fieldProps, inputClass, primaryButton, toState, useClientId, type FormState } from "./form-bits";

/** Photo retention (days) and the location types that require a selfie ("*" = all), saved through a server action. */
export function PhotoSettingsForm({ retentionDays, requiredTypes, knownTypes }: { retentionDays: number; requiredTypes: string[]; knownTypes: string[] }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const days = String(fd.get("photo_retention_days") ?? "");
    const types = fd.get("all") === "on" ? ["*"] : fd.getAll("types").map(String);
    const res = await updatePhotoSettingsAction({ client_id: clientId, photo_retention_days: Number(days), selfie_required_types: types });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, "Saved: photo settings updated.", { photo_retention_days: days });
  }, null);
  const all = requiredTypes.includes("*");
  return (
    <form action={submit} aria-labelledby="photos-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="photos-h" className="text-lg font-semibold">
        Photos
      </h2>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Keep selfies for (days)</span>
        <span className="text-sm text-slate-600">Older selfies are deleted once a day; the visit keeps its verdict, flags and EXIF summary.</span>
        <input name="photo_retention_days" type="number" min={1} max={3650} required className={`${inputClass} w-40`} {...fieldProps(state, "photo_retention_days", "retention-error")} defaultValue={state?.values?.photo_retention_days ?? retentionDays} />
        <FieldError state={state} name="photo_retention_days" id="retention-error" />
      </label>
      <fieldset className="flex flex-col gap-2">
        <legend className="font-medium">Selfie required at check-in</legend>
        <p className="text-sm text-slate-600">Visits without a required selfie carry the NO_SELFIE flag. Elsewhere a selfie is optional.</p>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="all" defaultChecked={all} className="size-5" /> Every location
        </label>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {knownTypes.map((t) => (
            <label key={t} className="flex items-center gap-2">
              <input type="checkbox" name="types" value={t} defaultChecked={all || requiredTypes.includes(t)} className="size-5" /> {t}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Updating…" : "Update photo settings"}
        </button>
        {/* Only after a submit: the page keeps one status region (the security form's) until this form has news. */}
        {state ? <FormStatus state={state} /> : null}
      </div>
    </form>
  );
}
