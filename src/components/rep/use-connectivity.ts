"use client";

import { useCallback, useEffect, useRef, useState } from "react";

/** How often the app asks the server whether the network is back while it believes it is offline. */
export const PROBE_EVERY_MS = 3_000;

/** One request the service worker never answers from its cache: a success means the server is reachable. */
async function probe(): Promise<boolean> {
  try {
    const res = await fetch("/api/health", { cache: "no-store", headers: { accept: "application/json" } });
    return res.ok;
  } catch {
    return false;
  }
}

/**
 * Whether the phone can reach the server. `navigator.onLine` and its events alone are not enough: a page reloaded
 * while offline can keep reading false (and miss the `online` event) after the network returns. So while offline the
 * app probes the server every few seconds, and `onBack` runs the moment either signal says the network is back
 * (the queue flushes at once, not at the next timer).
 */
export function useConnectivity(onBack: () => void): { online: boolean; wentOffline: () => void } {
  const [online, setOnline] = useState(true);
  const cb = useRef(onBack);
  useEffect(() => {
    cb.current = onBack;
  });
  const back = useCallback(() => {
    setOnline((was) => {
      if (!was) queueMicrotask(() => cb.current());
      return true;
    });
  }, []);

  useEffect(() => {
    // After hydration only (the server render says online): the browser's own belief first.
    const first = setTimeout(() => setOnline(navigator.onLine), 0);
    const onOnline = () => {
      back();
      cb.current(); // the browser says so: flush now even if the badge already read Online
    };
    const onOffline = () => setOnline(false);
    window.addEventListener("online", onOnline);
    window.addEventListener("offline", onOffline);
    return () => {
      clearTimeout(first);
      window.removeEventListener("online", onOnline);
      window.removeEventListener("offline", onOffline);
    };
  }, [back]);

  useEffect(() => {
    if (online) return;
    let alive = true;
    const tick = async () => {
      if (alive && (await probe()) && alive) back();
    };
    void tick();
    const t = window.setInterval(() => void tick(), PROBE_EVERY_MS);
    return () => {
      alive = false;
      window.clearInterval(t);
    };
  }, [online, back]);

  const wentOffline = useCallback(() => setOnline(false), []);
  return { online, wentOffline };
}
