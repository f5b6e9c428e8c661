"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { SW_MESSAGES } from "@/lib/pwa/sw-protocol";
import { useHydrated } from "@/lib/use-hydrated";

/**
 * next-auth's sign-out without `next-auth/react` (≈ 11 kB gzip in every signed-in page's first load for one POST):
 * the same CSRF-checked form POST its `signOut()` makes. The session cookie is cleared by the answer.
 */
async function signOutRequest(): Promise<void> {
  const { csrfToken } = (await (await fetch("/api/auth/csrf")).json()) as { csrfToken: string };
  await fetch("/api/auth/signout", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/login", json: "true" }),
  });
}

/** Clears the session cookie (next-auth, CSRF-checked POST), then shows /login with the router cache dropped. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  const router = useRouter();
  // Its work is all JavaScript: until hydration a tap would be lost, so it says so by being disabled.
  const hydrated = useHydrated();
  return (
    <button
      type="button"
      disabled={busy || !hydrated}
      onClick={async () => {
        setBusy(true);
        // This person's cached pages and API answers must not outlive the session on a shared phone, and the service
        // worker must not replay their queue with whoever signs in next (their items stay, owned, until they return).
        navigator.serviceWorker?.controller?.postMessage({ type: SW_MESSAGES.clearUserData });
        // Loaded on tap: IndexedDB and push code stay out of the first load of every page.
        const [{ forgetSignedIn }, { unsubscribeThisDevice }] = await Promise.all([import("@/lib/offline/db"), import("@/components/rep/push-panel")]);
        await forgetSignedIn().catch(() => undefined);
        await unsubscribeThisDevice();
        try {
          await signOutRequest();
        } catch {
          setBusy(false); // offline: the session is still there, and so is the button
          return;
        }
        router.replace("/login");
        router.refresh();
      }}
      className="min-h-11 rounded-lg border border-slate-300 px-3 text-[15px] font-medium sm:px-4 sm:text-base hover:bg-slate-50 disabled:opacity-60"
    >
      Sign out
    </button>
  );
}
