"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { ClientGap } from "@/contracts/tracking";
import { metersBetween } from "@/lib/geo/distance";
import { dateTimeFormat } from "@/lib/time";

export type Fix = { lat: number; lon: number; accuracy_m: number; /** GeolocationPosition.timestamp (ms) */ t: number };
export type LocStatus = "idle" | "locating" | "ok" | "denied" | "unavailable" | "timeout" | "unsupported";

/** Precise fixes; a check-in or check-out never reuses a cached position (maximumAge 0). */
export const FIX_OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 };
/** For distances on Today a position up to 30 s old is good enough and saves battery. */
export const GLANCE_OPTIONS: PositionOptions = { ...FIX_OPTIONS, maximumAge: 30_000 };
/** A breadcrumb every 60 s, or sooner after 50 m of movement. */
export const BREADCRUMB = { everyMs: 60_000, everyM: 50 } as const;

const toFix = (p: GeolocationPosition): Fix => ({ lat: p.coords.latitude, lon: p.coords.longitude, accuracy_m: Math.round(p.coords.accuracy * 10) / 10, t: p.timestamp });
const statusOf = (e: GeolocationPositionError): LocStatus => (e.code === 1 ? "denied" : e.code === 3 ? "timeout" : "unavailable");

/** One fix on demand (check-in, check-out, start day). */
export function useCurrentFix() {
  const [fix, setFix] = useState<Fix | null>(null);
  const [status, setStatus] = useState<LocStatus>("idle");
  const locate = useCallback(
    (options: PositionOptions = FIX_OPTIONS) =>
      new Promise<Fix | null>((resolve) => {
        if (!("geolocation" in navigator)) {
          setStatus("unsupported");
          return resolve(null);
        }
        setStatus("locating");
        navigator.geolocation.getCurrentPosition(
          (p) => {
            const f = toFix(p);
            setFix(f);
            setStatus("ok");
            resolve(f);
          },
          (e) => {
            setStatus(statusOf(e));
            resolve(null);
          },
          options,
        );
      }),
    [],
  );
  return { fix, status, locate, setFix };
}

type Breadcrumbs = {
  active: boolean;
  /** When the day was opened (ms): a position cached from before it is not a breadcrumb of this day. */
  since: number;
  onFix: (f: Fix) => void;
  onBreadcrumb: (f: Fix, gaps: ClientGap[]) => void;
};

/**
 * While the day is open, the app visible and inside work hours: watchPosition, a breadcrumb every 60 s or 50 m.
 * Stretches without fixes are labelled with their cause (hidden, offline, permission denied) and sent with the
 * next breadcrumb, so the server labels the gap instead of guessing (browsers give no location to a hidden app).
 */
export function useBreadcrumbs({ active, since: daySince, onFix, onBreadcrumb }: Breadcrumbs) {
  const last = useRef<Fix | null>(null);
  const gaps = useRef<ClientGap[]>([]);
  const since = useRef<{ cause: ClientGap["cause"]; from: number } | null>(null);
  const [status, setStatus] = useState<LocStatus>("idle");
  const cb = useRef({ onFix, onBreadcrumb });
  useEffect(() => {
    cb.current = { onFix, onBreadcrumb };
  });

  const openGap = (cause: ClientGap["cause"]) => {
    if (!since.current) since.current = { cause, from: Date.now() };
  };
  const closeGap = () => {
    const g = since.current;
    since.current = null;
    if (g && Date.now() - g.from > 1000) gaps.current.push({ from: new Date(g.from).toISOString(), to: new Date().toISOString(), cause: g.cause });
  };

  useEffect(() => {
    if (!active || !("geolocation" in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => {
        const f = toFix(p);
        setStatus("ok");
        closeGap();
        cb.current.onFix(f);
        // A position cached from before the day opened is not a breadcrumb of this day (the server refuses it).
        if (f.t < daySince) return;
        const prev = last.current;
        if (!prev || f.t - prev.t >= BREADCRUMB.everyMs || metersBetween(prev, f) >= BREADCRUMB.everyM) {
          last.current = f;
          const sent = gaps.current.splice(0);
          cb.current.onBreadcrumb(f, sent);
        }
      },
      (e) => {
        setStatus(statusOf(e));
        if (e.code === 1) openGap("permission_denied");
      },
      FIX_OPTIONS,
    );
    const onVisibility = () => (document.visibilityState === "hidden" ? openGap("hidden") : closeGap());
    const onOffline = () => openGap("offline");
    window.addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      navigator.geolocation.clearWatch(id);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [active, daySince]);
  return { status };
}

/** Whether `now` is inside the organisation's work hours (its time zone, HH:MM bounds, ISO weekdays). */
export function insideWorkHours(now: Date, wh: { start: string; end: string; days: number[] }, timeZone: string): boolean {
  const parts = dateTimeFormat("en-GB", { timeZone, weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  const wd = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(get("weekday")) + 1;
  const minutes = Number(get("hour")) * 60 + Number(get("minute"));
  const toMin = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return wh.days.includes(wd) && minutes >= toMin(wh.start) && minutes <= toMin(wh.end);
}
