"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { updateSecuritySettingsAction } from "@/server/settings/settings.actions";
import { FormStatus, primaryButton, toState, useClientId, type FormState } from "./form-bits";

/** "Managers and admins must use MFA": a checkbox and Save, with the result announced. */
export function SecuritySettingsForm({ requireManagerMfa, managersWithoutMfa }: { requireManagerMfa: boolean; managersWithoutMfa: number }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const on = fd.get("require_manager_mfa") === "on";
    const res = await updateSecuritySettingsAction({ client_id: clientId, require_manager_mfa: on });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, res.ok && res.data.require_manager_mfa ? "Saved: managers and admins must now use MFA." : "Saved: MFA is optional for managers and admins.");
  }, null);
  return (
    <form action={submit} aria-labelledby="security-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="security-h" className="text-lg font-semibold">
        Sign-in security
      </h2>
      <label className="flex items-start gap-3">
        <input name="require_manager_mfa" type="checkbox" defaultChecked={requireManagerMfa} className="mt-1 size-5" aria-describedby="mfa-help" />
        <span>
          <span className="font-medium">Require two-factor authentication (MFA) for managers and admins</span>
          <span id="mfa-help" className="block text-sm text-slate-600">
            Managers and admins without MFA are sent to enrol (an authenticator app) before they can use Fieldbeat. Reps are not affected. Set up MFA on your own account first.{" "}
            {managersWithoutMfa === 0
              ? "Every active manager and admin is enrolled."
              : `${managersWithoutMfa} active ${managersWithoutMfa === 1 ? "manager or admin has" : "managers or admins have"} not enrolled yet.`}
          </span>
        </span>
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Saving…" : "Save"}
        </button>
        <FormStatus state={state} showFieldErrors />
      </div>
    </form>
  );
}
