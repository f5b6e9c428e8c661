"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { createPersonAction } from "@/server/personnel/personnel.actions";
import { MIN_PASSWORD_LENGTH } from "@/contracts/personnel";
import { FieldError, fieldProps, FormStatus, formValues, inputClass, primaryButton, toState, useClientId, type FormState } from "./form-bits";
import { SecretOnce } from "./secret-once";

export type ManagerChoice = { id: number; name: string; role: string };

/** New person: name, email, role, manager; password optional (else one is generated and shown once). */
export function CreatePersonForm({ managers }: { managers: ManagerChoice[] }) {
  const router = useRouter();
  const [clientId, nextClientId] = useClientId();
  const [state, submit, pending] = useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const v = formValues(fd);
    const res = await createPersonAction({
      client_id: clientId,
      name: v.name ?? "",
      email: v.email ?? "",
      phone: v.phone || null,
      employee_id: v.employee_id || null,
      role: (v.role ?? "rep") as "rep" | "manager" | "admin",
      manager_id: v.manager_id ? Number(v.manager_id) : null,
      password: v.password || undefined,
    });
    if (!res.ok) return toState(res, "", { ...v, password: "" });
    nextClientId();
    router.refresh();
    const who = `${res.data.person.name} (${res.data.person.email})`;
    return toState(res, res.data.created ? `Created ${who}.` : `${who} already existed (same request sent twice).`, undefined, res.data.temporary_password);
  }, null);

  return (
    <form action={submit} aria-labelledby="create-person-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="create-person-h" className="text-lg font-semibold">
        New person
      </h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Name
            <input name="name" required maxLength={255} autoComplete="off" className={inputClass} {...fieldProps(state, "name", "cp-name-err")} />
          </label>
          <FieldError state={state} name="name" id="cp-name-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Email
            <input name="email" type="email" required maxLength={255} autoComplete="off" className={inputClass} {...fieldProps(state, "email", "cp-email-err")} />
          </label>
          <FieldError state={state} name="email" id="cp-email-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Role
            <select name="role" className={inputClass} {...fieldProps(state, "role", "cp-role-err")} defaultValue={state?.values?.role ?? "rep"}>
              <option value="rep">Rep</option>
              <option value="manager">Manager</option>
              <option value="admin">Admin</option>
            </select>
          </label>
          <FieldError state={state} name="role" id="cp-role-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Manager
            <select name="manager_id" className={inputClass} {...fieldProps(state, "manager_id", "cp-mgr-err")} defaultValue={state?.values?.manager_id ?? ""}>
              <option value="">— none (managers and admins only) —</option>
              {managers.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name} ({m.role})
                </option>
              ))}
            </select>
          </label>
          <FieldError state={state} name="manager_id" id="cp-mgr-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Phone (optional)
            <input name="phone" type="tel" maxLength={20} className={inputClass} {...fieldProps(state, "phone", "cp-phone-err")} />
          </label>
          <FieldError state={state} name="phone" id="cp-phone-err" />
        </div>
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 font-medium">
            Employee id (optional)
            <input name="employee_id" maxLength={50} className={inputClass} {...fieldProps(state, "employee_id", "cp-emp-err")} />
          </label>
          <FieldError state={state} name="employee_id" id="cp-emp-err" />
        </div>
        <div className="flex flex-col gap-1 sm:col-span-2">
          <label className="flex flex-col gap-1 font-medium">
            Password (optional: leave empty to generate one)
            <input
              name="password"
              type="password"
              minLength={MIN_PASSWORD_LENGTH}
              autoComplete="new-password"
              className={inputClass}
              {...fieldProps(state, "password", "cp-pw-err")}
              defaultValue=""
            />
          </label>
          <FieldError state={state} name="password" id="cp-pw-err" />
        </div>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={primaryButton} disabled={pending}>
          {pending ? "Creating…" : "Create person"}
        </button>
        <FormStatus state={state} />
      </div>
      {state?.ok && state.secret ? <SecretOnce label="Temporary password" value={state.secret} /> : null}
    </form>
  );
}
