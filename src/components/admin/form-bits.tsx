"use client";

import { useState } from "react";

/** What every admin form keeps after a submit: the answer, and what was typed (so an error loses nothing). */
export type FormState = {
  ok: boolean;
  message: string;
  field?: string;
  values?: Record<string, string>;
  /** Shown once (a generated password), then gone with the next submit. */
  secret?: string | null;
} | null;

// The class strings live in a module without "use client": a server component importing them from here would get
// client references (functions), not strings, and render unstyled controls.
export { dangerButton, inputClass, primaryButton, secondaryButton } from "./form-classes";

/** One client_id per attempt: a double submit or a retry after a lost answer changes things once. `next()` after success. */
export function useClientId(): [string, () => void] {
  const [id, setId] = useState(() => crypto.randomUUID());
  return [id, () => setId(crypto.randomUUID())];
}

/** Props that tie an input to its error message for screen readers. */
export function fieldProps(state: FormState, name: string, errorId: string) {
  const invalid = !!state && !state.ok && state.field === name;
  return { "aria-invalid": invalid, "aria-describedby": invalid ? errorId : undefined, defaultValue: state?.values?.[name] };
}

export function FieldError({ state, name, id }: { state: FormState; name: string; id: string }) {
  if (!state || state.ok || state.field !== name) return null;
  return (
    <span id={id} className="text-sm font-normal text-red-700">
      {state.message}
    </span>
  );
}

/** Always rendered, so screen readers announce each new result (aria-live needs the region to exist first). */
export function FormStatus({ state, showFieldErrors = false }: { state: FormState; showFieldErrors?: boolean }) {
  const text = !state ? "" : state.ok || !state.field || showFieldErrors ? state.message : `Not saved: ${state.message}`;
  return (
    <p role="status" aria-live="polite" className={`text-sm ${state && !state.ok ? "text-red-700" : "text-green-800"}`}>
      {text}
    </p>
  );
}

/** FormData → plain strings, trimmed (what the forms send and re-show). */
export function formValues(fd: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of fd.entries()) if (typeof v === "string") out[k] = v.trim();
  return out;
}

export type ActionAnswer = { ok: true; data: unknown } | { ok: false; error: { code: string; message: string; field?: string } };

export function toState(res: ActionAnswer, success: string, values?: Record<string, string>, secret?: string | null): FormState {
  return res.ok ? { ok: true, message: success, secret } : { ok: false, message: res.error.message, field: res.error.field, values };
}
