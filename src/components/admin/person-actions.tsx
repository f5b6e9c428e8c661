"use client";

import { useRouter } from "next/navigation";
import { useActionState } from "react";
import { deactivatePersonAction, reactivatePersonAction, resetPasswordAction, setManagerAction, setRoleAction } from "@/server/personnel/personnel.actions";
import { MIN_PASSWORD_LENGTH, type Person } from "@/contracts/personnel";
import type { ManagerChoice } from "./create-person-form";
import { dangerButton, FieldError, fieldProps, FormStatus, formValues, inputClass, secondaryButton, toState, useClientId, type FormState } from "./form-bits";
import { SecretOnce } from "./secret-once";

type Props = { person: Person; managers: ManagerChoice[]; me: number };

/** Set role, set manager, deactivate/reactivate, reset password: each its own small form with its own result. */
export function PersonActions({ person, managers, me }: Props) {
  const p = `pa-${person.id}`;
  return (
    <div className="flex flex-col gap-4">
      <RoleForm person={person} me={me} idp={p} />
      <ManagerForm person={person} managers={managers} idp={p} />
      <ActiveForm person={person} me={me} idp={p} />
      <ResetPasswordForm person={person} idp={p} />
    </div>
  );
}

function useMutation(run: (clientId: string, v: Record<string, string>) => Promise<FormState>) {
  const router = useRouter();
  const [clientId, next] = useClientId();
  return useActionState(async (_prev: FormState, fd: FormData): Promise<FormState> => {
    const state = await run(clientId, formValues(fd));
    if (state?.ok) {
      next();
      router.refresh();
    }
    return state;
  }, null);
}

function RoleForm({ person, me, idp }: { person: Person; me: number; idp: string }) {
  const [state, submit, pending] = useMutation(async (client_id, v) => {
    const res = await setRoleAction({ client_id, id: person.id, role: v.role as Person["role"] });
    return toState(res, res.ok ? `${person.name} is now ${res.data.role}.` : "", v);
  });
  const self = person.id === me;
  return (
    <form action={submit} className="flex flex-wrap items-end gap-2">
      <div className="flex flex-col gap-1">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Role
          <select name="role" className={inputClass} disabled={self} {...fieldProps(state, "role", `${idp}-role-err`)} defaultValue={state?.values?.role ?? person.role}>
            <option value="rep">Rep</option>
            <option value="manager">Manager</option>
            <option value="admin">Admin</option>
          </select>
        </label>
        <FieldError state={state} name="role" id={`${idp}-role-err`} />
      </div>
      <button type="submit" className={secondaryButton} disabled={pending || self}>
        Set role
      </button>
      {self ? <span className="text-sm text-slate-600">You cannot change your own role.</span> : null}
      <FormStatus state={state} />
    </form>
  );
}

function ManagerForm({ person, managers, idp }: { person: Person; managers: ManagerChoice[]; idp: string }) {
  const [state, submit, pending] = useMutation(async (client_id, v) => {
    const res = await setManagerAction({ client_id, id: person.id, manager_id: v.manager_id ? Number(v.manager_id) : null });
    return toState(res, res.ok ? `${person.name} now reports to ${res.data.manager_name ?? "nobody"}.` : "", v);
  });
  const choices = managers.filter((m) => m.id !== person.id);
  return (
    <form action={submit} className="flex flex-wrap items-end gap-2">
      <div className="flex flex-col gap-1">
        <label className="flex flex-col gap-1 text-sm font-medium">
          Manager
          <select name="manager_id" className={inputClass} {...fieldProps(state, "manager_id", `${idp}-mgr-err`)} defaultValue={state?.values?.manager_id ?? String(person.manager_id ?? "")}>
            <option value="">— none —</option>
            {choices.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name} ({m.role})
              </option>
            ))}
          </select>
        </label>
        <FieldError state={state} name="manager_id" id={`${idp}-mgr-err`} />
      </div>
      <button type="submit" className={secondaryButton} disabled={pending}>
        Set manager
      </button>
      <FormStatus state={state} />
    </form>
  );
}

function ActiveForm({ person, me, idp }: { person: Person; me: number; idp: string }) {
  const [state, submit, pending] = useMutation(async (client_id) => {
    const res = person.active ? await deactivatePersonAction({ client_id, id: person.id }) : await reactivatePersonAction({ client_id, id: person.id });
    return toState(res, res.ok ? `${person.name} is ${res.data.active ? "active again" : "deactivated: their sessions have ended"}.` : "");
  });
  if (person.id === me) return null;
  return (
    <form
      action={submit}
      className="flex flex-wrap items-center gap-2"
      onSubmit={(e) => {
        if (person.active && !window.confirm(`Deactivate ${person.name}? They are signed out everywhere at once.`)) e.preventDefault();
      }}
    >
      <button type="submit" className={person.active ? dangerButton : secondaryButton} disabled={pending} aria-describedby={`${idp}-active-status`}>
        {person.active ? "Deactivate" : "Reactivate"}
      </button>
      <div id={`${idp}-active-status`}>
        <FormStatus state={state} showFieldErrors />
      </div>
    </form>
  );
}

function ResetPasswordForm({ person, idp }: { person: Person; idp: string }) {
  const [state, submit, pending] = useMutation(async (client_id, v) => {
    const res = await resetPasswordAction({ client_id, id: person.id, password: v.password || undefined });
    return toState(res, res.ok ? `Password reset for ${person.name}: their sessions have ended.` : "", { password: "" }, res.ok ? res.data.temporary_password : null);
  });
  return (
    <form action={submit} className="flex flex-col gap-2">
      <div className="flex flex-wrap items-end gap-2">
        <div className="flex flex-col gap-1">
          <label className="flex flex-col gap-1 text-sm font-medium">
            New password (empty: generate one)
            <input name="password" type="password" minLength={MIN_PASSWORD_LENGTH} autoComplete="new-password" className={inputClass} {...fieldProps(state, "password", `${idp}-pw-err`)} defaultValue="" />
          </label>
          <FieldError state={state} name="password" id={`${idp}-pw-err`} />
        </div>
        <button type="submit" className={secondaryButton} disabled={pending}>
          Reset password
        </button>
        <FormStatus state={state} />
      </div>
      {state?.ok && state.secret ? <SecretOnce label={`Temporary password for ${person.name}`} value={state.secret} /> : null}
    </form>
  );
}
