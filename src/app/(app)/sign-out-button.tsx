"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { unsubscribeThisDevice } from "@/components/rep/push-panel";
import { SW_MESSAGES } from "@/lib/pwa/sw-protocol";

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
        // This person's cached pages and API answers must not outlive the session on a shared phone.
        navigator.serviceWorker?.controller?.postMessage({ type: SW_MESSAGES.clearUserData });
        await unsubscribeThisDevice();
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
