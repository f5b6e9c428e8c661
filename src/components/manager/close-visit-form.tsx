"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { FieldError, FormStatus, fieldProps, inputClass, dangerButton, toState, useClientId, type FormState } from "@/components/admin/form-bits";
import { closeVisitAction } from "@/server/visits/visits.actions";

/** Checks out a visit the rep forgot (flagged CLOSED_BY_MANAGER, audited), so the rep can check in again and end the day. */
export function CloseVisitForm({ visitId }: { visitId: number }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const reason = String(fd.get("reason") ?? "");
    const res = await closeVisitAction({ client_id: clientId, visit_id: visitId, reason });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, res.ok ? "Closed: the visit is checked out (flagged CLOSED_BY_MANAGER)." : "", { reason });
  }, null);
  return (
    <form action={submit} aria-labelledby="close-h" className="flex flex-col gap-3 rounded-xl border-2 border-amber-600 bg-amber-50 p-4">
      <h2 id="close-h" className="text-lg font-semibold">
        This visit is still open
      </h2>
      <p className="text-sm text-slate-700">If the rep forgot to check out, close it here: the check-out time is now, the visit is flagged CLOSED_BY_MANAGER and the audit log records it.</p>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Reason (optional)</span>
        <input name="reason" maxLength={500} className={inputClass} {...fieldProps(state, "reason", "close-reason-error")} />
        <FieldError state={state} name="reason" id="close-reason-error" />
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={dangerButton} disabled={pending}>
          Close visit
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
