"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { FieldError, FormStatus, fieldProps, inputClass, primaryButton, dangerButton, toState, useClientId, type FormState } from "@/components/admin/form-bits";
import { reviewVisitAction } from "@/server/visits/visits.actions";

/** Approve or reject a visit's evidence with a comment (required to reject); the result is announced. */
export function VisitReviewForm({ visitId }: { visitId: number }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const decision = fd.get("decision") === "REJECTED" ? "REJECTED" : "APPROVED";
    const comment = String(fd.get("comment") ?? "");
    const res = await reviewVisitAction({ client_id: clientId, visit_id: visitId, decision, comment });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, res.ok ? `Saved: visit ${res.data.decision === "APPROVED" ? "approved" : "rejected"}.` : "", { comment });
  }, null);
  return (
    <form action={submit} aria-labelledby="review-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="review-h" className="text-lg font-semibold">
        Your review
      </h2>
      <label className="flex flex-col gap-1">
        <span className="font-medium">Comment</span>
        <textarea name="comment" rows={3} maxLength={2000} className={`${inputClass} py-2`} {...fieldProps(state, "comment", "review-comment-error")} />
        <FieldError state={state} name="comment" id="review-comment-error" />
        <span className="text-sm text-slate-600">Required to reject: the rep and the audit log see why.</span>
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" name="decision" value="APPROVED" className={primaryButton} disabled={pending}>
          Approve
        </button>
        <button type="submit" name="decision" value="REJECTED" className={dangerButton} disabled={pending}>
          Reject
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
