import type { Metadata } from "next";
import { safeCallbackPath } from "@/lib/landing";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

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
      <LoginForm callbackUrl={safeCallbackPath(one(sp.callbackUrl))} />
    </main>
  );
}
