"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { updatePersonAction } from "@/server/personnel/personnel.actions";
import type { Person } from "@/contracts/personnel";
import { FieldError, fieldProps, FormStatus, formValues, inputClass, primaryButton, toState, useClientId, type FormState } from "./form-bits";

/** Name, phone, employee id. (Email is the sign-in identity and is not edited here.) */
export function EditPersonForm({ person }: { person: Person }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const v = formValues(fd);
    const res = await updatePersonAction({ client_id: clientId, id: person.id, name: v.name ?? "", phone: v.phone ?? "", employee_id: v.employee_id ?? "" });
    if (res.ok) {
      nextClientId();
      router.refresh();
    }
    return toState(res, "Saved.", v);
  }, null);
  const value = (k: "name" | "phone" | "employee_id") => ({ ...fieldProps(state, k, `ep-${k}-err`), defaultValue: state?.values?.[k] ?? person[k] ?? "" });
  return (
    <form action={submit} aria-labelledby="edit-person-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="edit-person-h" className="text-lg font-semibold">
        Details
      </h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Name
            <input name="name" required maxLength={255} className={inputClass} {...value("name")} />
          </label>
          <FieldError state={state} name="name" id="ep-name-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Phone
            <input name="phone" type="tel" maxLength={20} className={inputClass} {...value("phone")} />
          </label>
          <FieldError state={state} name="phone" id="ep-phone-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Employee id
            <input name="employee_id" maxLength={50} className={inputClass} {...value("employee_id")} />
          </label>
          <FieldError state={state} name="employee_id" id="ep-employee_id-err" />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Saving…" : "Save details"}
        </button>
        <FormStatus state={state} />
      </div>
    </form>
  );
}
