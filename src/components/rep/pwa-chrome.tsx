"use client";

import { useEffect, useState, useSyncExternalStore } from "react";
import { Btn } from "./ui";
import { noSubscription } from "@/lib/use-hydrated";

type InstallPrompt = Event & { prompt(): Promise<void>; userChoice: Promise<{ outcome: string }> };

/**
 * Registers the service worker (production builds) and offers "A new version is ready → Reload" when an update
 * waits. workbox-window is loaded on demand so it is not part of the first load.
 */
export function UpdateBanner({ enabled }: { enabled: boolean }) {
  const [update, setUpdate] = useState<null | (() => void)>(null);
  useEffect(() => {
    // Production builds only: under `next dev` a caching worker would serve stale code between edits.
    if (!enabled || !("serviceWorker" in navigator)) return;
    let cancelled = false;
    void import("workbox-window").then(({ Workbox }) => {
      if (cancelled) return;
      const wb = new Workbox("/sw.js", { scope: "/" });
      wb.addEventListener("waiting", () => {
        setUpdate(() => () => {
          wb.addEventListener("controlling", () => window.location.reload());
          wb.messageSkipWaiting();
        });
      });
      void wb.register();
    });
    return () => {
      cancelled = true;
    };
  }, [enabled]);
  if (!update) return null;
  return (
    <div role="status" className="flex items-center justify-between gap-2 rounded-xl bg-slate-900 p-3 text-white">
      <span>A new version is ready.</span>
      <Btn tone="secondary" onClick={update}>
        Reload
      </Btn>
    </div>
  );
}

/** iPhone/iPad, not yet installed. The user agent is the only way to tell: iOS has no install event at all. */
function iosBrowserTab(): boolean {
  const standalone = window.matchMedia("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return !standalone && /iPhone|iPad|iPod/.test(navigator.userAgent);
}

/** Android Chrome: an Install button (beforeinstallprompt). iPhone/iPad Safari: how to add it to the home screen. */
export function InstallHelp() {
  const [prompt, setPrompt] = useState<InstallPrompt | null>(null);
  const ios = useSyncExternalStore(noSubscription, iosBrowserTab, () => false);
  useEffect(() => {
    const onPrompt = (e: Event) => {
      e.preventDefault();
      setPrompt(e as InstallPrompt);
    };
    window.addEventListener("beforeinstallprompt", onPrompt);
    return () => window.removeEventListener("beforeinstallprompt", onPrompt);
  }, []);
  if (prompt) {
    return (
      <Btn
        tone="secondary"
        onClick={async () => {
          await prompt.prompt();
          setPrompt(null);
        }}
      >
        Install the app
      </Btn>
    );
  }
  if (!ios) return null;
  return (
    <p className="rounded-xl bg-slate-100 p-3 text-sm text-slate-900">
      Install on iPhone: tap Share <span aria-hidden>⎋</span> in Safari, then “Add to Home Screen”. Notifications work only from the installed app (iOS 16.4+).
    </p>
  );
}
