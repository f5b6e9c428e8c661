"use client";

import { getSession, signIn } from "next-auth/react";
import { useRef, useState, type FormEvent } from "react";
import { landingFor } from "@/lib/landing";
import { useHydrated } from "@/lib/use-hydrated";

const MESSAGES: Record<string, string> = {
  INVALID_CREDENTIALS: "The email or password is incorrect.",
  MFA_INVALID: "That code is not valid. Check your authenticator app's time, or use a recovery code.",
  RATE_LIMITED: "Too many failed attempts. Wait a few minutes and try again.",
};

const input = "min-h-12 rounded-lg border border-slate-300 px-3 text-base focus:outline-2 focus:outline-brand-600";

/**
 * Email + password, then — for people enrolled in MFA — a second step asking for the 6-digit code
 * (or a recovery code). Plain form semantics: Enter submits, Tab order follows the fields.
 */
export function LoginForm({ callbackUrl }: { callbackUrl: string | null }) {
  const [step, setStep] = useState<"password" | "mfa">("password");
  const [useRecovery, setUseRecovery] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);
  // Signing in is JavaScript (next-auth's CSRF-checked POST): until hydration the button is disabled, so an early tap is
  // not lost and the browser never submits the form itself (method="post" as well: a password never goes into a URL).
  const hydrated = useHydrated();

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const field = (k: string) => String(form.get(k) ?? "");
    setBusy(true);
    setError(null);
    try {
      const res = await signIn("credentials", {
        redirect: false,
        email: field("email"),
        password: field("password"),
        totp: step === "mfa" && !useRecovery ? field("totp") : "",
        recovery_code: step === "mfa" && useRecovery ? field("recovery_code") : "",
      });
      if (res?.ok && !res.error) {
        const session = await getSession();
        // A full navigation: the server renders the signed-in area with the new cookie.
        window.location.assign(callbackUrl ?? landingFor(session?.user.role));
        return;
      }
      const code = res?.error ?? "INTERNAL";
      if (code === "MFA_REQUIRED") {
        setStep("mfa");
        setTimeout(() => codeRef.current?.focus(), 0);
      } else {
        setError(MESSAGES[code] ?? "Sign-in failed. Please try again.");
      }
    } catch {
      setError("Could not reach the server. Check your connection and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form method="post" className="flex flex-col gap-4" onSubmit={onSubmit} noValidate={false} aria-describedby={error ? "login-error" : undefined}>
      <label className="flex flex-col gap-1 font-medium">
        Email
        <input name="email" type="email" autoComplete="username" required readOnly={step === "mfa"} className={input} />
      </label>
      <label className="flex flex-col gap-1 font-medium">
        Password
        <input name="password" type="password" autoComplete="current-password" required readOnly={step === "mfa"} className={input} />
      </label>
      {step === "mfa" ? (
        <fieldset className="flex flex-col gap-3 rounded-lg border border-slate-200 p-3">
          <legend className="px-1 text-sm font-semibold">Two-step verification</legend>
          {useRecovery ? (
            <label className="flex flex-col gap-1 font-medium">
              Recovery code
              <input ref={codeRef} name="recovery_code" autoComplete="off" autoCapitalize="characters" required placeholder="XXXXX-XXXXX" className={input} />
            </label>
          ) : (
            <label className="flex flex-col gap-1 font-medium">
              Authentication code
              <input ref={codeRef} name="totp" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required className={input} />
            </label>
          )}
          <button type="button" className="min-h-11 self-start text-sm font-medium text-brand-700 underline" onClick={() => { setUseRecovery(!useRecovery); setError(null); setTimeout(() => codeRef.current?.focus(), 0); }}>
            {useRecovery ? "Use the authenticator app instead" : "Use a recovery code instead"}
          </button>
        </fieldset>
      ) : null}
      {error ? (
        <p id="login-error" role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy || !hydrated} className="min-h-12 rounded-lg bg-brand-600 font-semibold text-white disabled:opacity-60">
        {busy ? "Signing in…" : step === "mfa" ? "Verify and sign in" : "Sign in"}
      </button>
    </form>
  );
}
