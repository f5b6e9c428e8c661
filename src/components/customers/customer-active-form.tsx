"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { updateLocationAction } from "@/server/locations/locations.actions";
import type { Location } from "@/contracts/locations";
import { dangerButton, FormStatus, secondaryButton, toState, useClientId, type FormState } from "../admin/form-bits";

/** Deactivate (never a hard delete: visits keep pointing at it, check-in there is refused) or reactivate. */
export function CustomerActiveForm({ customer }: { customer: Location }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (): Promise<FormState> => {
    const res = await updateLocationAction({ client_id: clientId, id: customer.id, active: !customer.active });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, res.ok ? (res.data.active ? `${res.data.name} is active again.` : `${res.data.name} is deactivated: reps can no longer check in there.`) : "");
  }, null);
  return (
    <form
      action={submit}
      aria-labelledby="cust-active-h"
      className="flex flex-col gap-2 rounded-xl border border-slate-200 p-4"
      onSubmit={(e) => {
        if (customer.active && !window.confirm(`Deactivate ${customer.name}? Reps can no longer check in there; its visits stay.`)) e.preventDefault();
      }}
    >
      <h2 id="cust-active-h" className="text-lg font-semibold">
        Status: {customer.active ? "active" : "deactivated"}
      </h2>
      <p className="text-sm text-slate-600">
        {customer.active
          ? "Deactivating keeps the customer and its visits (nothing is deleted) but refuses new check-ins there and hides it from reps' nearby lists."
          : "This customer is deactivated: check-in there is refused. Reactivate it to visit it again."}
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={customer.active ? dangerButton : secondaryButton} disabled={pending}>
          {customer.active ? "Deactivate customer" : "Reactivate customer"}
        </button>
        <FormStatus state={state} showFieldErrors />
      </div>
    </form>
  );
}
