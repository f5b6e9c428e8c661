"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { confirmMfaEnrolmentAction, disableMfaAction, startMfaEnrolmentAction } from "@/server/auth/mfa/mfa.actions";
import type { StartMfaEnrolmentResult } from "@/contracts/mfa";
import { useHydrated } from "@/lib/use-hydrated";

const input = "min-h-12 rounded-lg border border-slate-300 px-3 text-base";
const primary = "min-h-12 rounded-lg bg-brand-600 px-5 font-semibold text-white disabled:opacity-60";

/** Enrol (QR code → confirm with a code → recovery codes shown once) or turn two-step verification off. */
export function MfaPanel({ enabledAt }: { enabledAt: string | null }) {
  const router = useRouter();
  const [pending, setPending] = useState<StartMfaEnrolmentResult | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Forms handled in JavaScript: disabled until hydration, and never submitted by the browser with a code in the URL.
  const hydrated = useHydrated();

  async function start() {
    setBusy(true);
    setError(null);
    const res = await startMfaEnrolmentAction({});
    setBusy(false);
    if (res.ok) setPending(res.data);
    else setError(res.error.message);
  }

  async function confirm(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await confirmMfaEnrolmentAction({ code: String(new FormData(e.currentTarget).get("code") ?? "") });
    setBusy(false);
    if (res.ok) {
      setCodes(res.data.recovery_codes);
      setPending(null);
    } else setError(res.error.message);
  }

  async function disable(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const res = await disableMfaAction({ code: String(new FormData(e.currentTarget).get("code") ?? "") });
    setBusy(false);
    if (res.ok) router.refresh();
    else setError(res.error.message);
  }

  const errorBox = error ? (
    <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
      {error}
    </p>
  ) : null;

  if (codes) {
    return (
      <section aria-labelledby="codes-h" className="flex flex-col gap-3 rounded-xl border border-green-300 bg-green-50 p-4">
        <h2 id="codes-h" className="text-lg font-semibold">Two-step verification is on</h2>
        <p>Save these recovery codes somewhere safe. Each works once if you lose your phone. They will not be shown again.</p>
        <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 font-mono text-base">
          {codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
        <button type="button" className={primary} onClick={() => { setCodes(null); router.refresh(); }}>
          I have saved my codes
        </button>
      </section>
    );
  }

  if (enabledAt) {
    return (
      <section aria-labelledby="mfa-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="mfa-h" className="text-lg font-semibold">Two-step verification: on</h2>
        <p className="text-slate-600">Since {new Date(enabledAt).toLocaleString()}. Signing in asks for a code from your authenticator app.</p>
        <form method="post" onSubmit={disable} className="flex flex-col gap-2">
          <label className="flex flex-col gap-1 font-medium">
            Code to turn it off (authenticator or recovery code)
            <input name="code" autoComplete="one-time-code" required className={input} />
          </label>
          {errorBox}
          <button type="submit" disabled={busy || !hydrated} className="min-h-12 rounded-lg border border-red-300 px-5 font-semibold text-red-800 disabled:opacity-60">
            Turn off two-step verification
          </button>
        </form>
      </section>
    );
  }

  if (pending) {
    return (
      <section aria-labelledby="enrol-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
        <h2 id="enrol-h" className="text-lg font-semibold">Scan this QR code</h2>
        <p className="text-slate-600">Use an authenticator app (Google Authenticator, Authy, 1Password…), then enter the 6-digit code it shows.</p>
        {/* A data: URL made on the server; next/image adds nothing for it. */}
        {/* eslint-disable-next-line @next/next/no-img-element */}
        <img src={pending.qr_data_url} width={240} height={240} alt="QR code for your authenticator app" className="self-start rounded border border-slate-200" />
        <p className="text-sm">
          Can’t scan? Enter this key by hand: <code data-testid="totp-secret" className="break-all font-mono font-semibold">{pending.secret}</code>
        </p>
        <form method="post" onSubmit={confirm} className="flex flex-col gap-2">
          <label className="flex flex-col gap-1 font-medium">
            6-digit code
            <input name="code" inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" maxLength={6} required className={input} />
          </label>
          {errorBox}
          <button type="submit" disabled={busy || !hydrated} className={primary}>
            Confirm and turn on
          </button>
        </form>
      </section>
    );
  }

  return (
    <section aria-labelledby="mfa-h" className="flex flex-col gap-3 rounded-xl border border-slate-200 p-4">
      <h2 id="mfa-h" className="text-lg font-semibold">Two-step verification: off</h2>
      <p className="text-slate-600">Protect your account with a code from your phone in addition to your password.</p>
      {errorBox}
      <button type="button" disabled={busy || !hydrated} onClick={start} className={primary}>
        Set up two-step verification
      </button>
    </section>
  );
}
