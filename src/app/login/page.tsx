import type { Metadata } from "next";
import { env } from "@/env";
import { safeCallbackPath } from "@/lib/landing";
import { GoogleButton } from "./google-button";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

/** Errors Google sign-in redirects back with (google-sign-in.ts); anything else gets a generic line. */
const OAUTH_ERRORS: Record<string, string> = {
  OAUTH_NO_ACCOUNT: "No active Fieldbeat account uses that Google address. Ask your administrator.",
  OAUTH_MFA_ENROLLED: "Your account uses two-step verification: sign in with your password and code.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
  return (
    <main id="main" className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-6 px-5 py-10">
      <div>
        <p className="text-lg font-bold text-brand-700">Fieldbeat</p>
        <h1 className="text-2xl font-bold">Sign in</h1>
      </div>
      {one(sp.expired) ? (
        <p role="status" className="rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
          Your session has ended. Please sign in again.
        </p>
      ) : null}
      {one(sp.error)?.startsWith("OAUTH") ? (
        <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-800">
          {OAUTH_ERRORS[one(sp.error) ?? ""] ?? "Google sign-in failed. Please try again."}
        </p>
      ) : null}
      <LoginForm callbackUrl={safeCallbackPath(one(sp.callbackUrl))} />
      {env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET ? <GoogleButton callbackUrl={safeCallbackPath(one(sp.callbackUrl))} /> : null}
    </main>
  );
}
