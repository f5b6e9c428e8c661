"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Clears the session cookie (next-auth, CSRF-checked POST), then shows /login with the router cache dropped. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await signOut({ redirect: false });
        router.replace("/login");
        router.refresh();
      }}
      className="min-h-11 rounded-lg border border-slate-300 px-4 font-medium hover:bg-slate-50 disabled:opacity-60"
    >
      Sign out
    </button>
  );
}
