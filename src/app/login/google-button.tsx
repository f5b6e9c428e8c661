"use client";

import { signIn } from "next-auth/react";

/** Shown only when GOOGLE_CLIENT_ID/SECRET are configured; Google then hands back to /api/auth/callback/google. */
export function GoogleButton({ callbackUrl }: { callbackUrl: string | null }) {
  return (
    <button
      type="button"
      onClick={() => void signIn("google", { callbackUrl: callbackUrl ?? "/" })}
      className="min-h-12 rounded-lg border border-slate-300 bg-white font-semibold text-slate-800"
    >
      Sign in with Google
    </button>
  );
}
