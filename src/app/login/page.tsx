import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign in" };

/** Placeholder form: the sign-in itself (next-auth, MFA) arrives with the auth issue. */
export default function LoginPage() {
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-6 px-5 py-10">
      <div>
        <p className="text-lg font-bold text-brand-700">Fieldbeat</p>
        <h1 className="text-2xl font-bold">Sign in</h1>
      </div>
      <form className="flex flex-col gap-4" method="post" action="/login" aria-describedby="login-note">
        <label className="flex flex-col gap-1 font-medium">
          Email
          <input name="email" type="email" autoComplete="username" required className="min-h-12 rounded-lg border border-slate-300 px-3 text-base" />
        </label>
        <label className="flex flex-col gap-1 font-medium">
          Password
          <input name="password" type="password" autoComplete="current-password" required className="min-h-12 rounded-lg border border-slate-300 px-3 text-base" />
        </label>
        <button type="submit" disabled className="min-h-12 rounded-lg bg-brand-600 font-semibold text-white disabled:opacity-60">
          Sign in
        </button>
        <p id="login-note" className="text-sm text-slate-600">
          Sign-in is not enabled yet in this build.
        </p>
      </form>
    </main>
  );
}
