"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { CAPTURE_WINDOW_MS, MAX_GAPS_PER_BATCH, insideWorkHours, type WorkHours } from "@/contracts/field-rules";
import type { ClientGap } from "@/contracts/tracking";
import { metersBetween } from "@/lib/geo/distance";

export type Fix = { lat: number; lon: number; accuracy_m: number; /** GeolocationPosition.timestamp (ms) */ t: number };
export type LocStatus = "idle" | "locating" | "ok" | "denied" | "unavailable" | "timeout" | "unsupported";

/** Precise fixes; a check-in or check-out never reuses a cached position (maximumAge 0). */
export const FIX_OPTIONS: PositionOptions = { enableHighAccuracy: true, timeout: 20_000, maximumAge: 0 };
/** For distances on Today a position up to 30 s old is good enough and saves battery. */
export const GLANCE_OPTIONS: PositionOptions = { ...FIX_OPTIONS, maximumAge: 30_000 };
/** A breadcrumb every 60 s (the organisation's tracking_interval_seconds once the plan is known), or sooner after 50 m of movement. */
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
  /** Watch the position (the app's one position source: Today's distances, check-in, check-out, selfie). */
  watch: boolean;
  /** Record breadcrumbs from it (the day is open and inside work hours). */
  active: boolean;
  /** When the day was opened (ms): a position cached from before it is not a breadcrumb of this day. */
  since: number;
  /** The organisation's work hours: a fix taken outside them is not a breadcrumb (the server would refuse it). */
  hours: WorkHours | null;
  onFix: (f: Fix) => void;
  onBreadcrumb: (f: Fix, gaps: ClientGap[]) => void;
  /** At most one breadcrumb this often (ms): the organisation's tracking interval; BREADCRUMB.everyMs until the plan is known. */
  everyMs?: number;
};

/**
/**
 * Whether a fix becomes a breadcrumb: taken since the day opened, inside work hours by the shared rule (judged at the
 * fix's own time, as the server judges its captured_at), and `everyMs` (the organisation's tracking interval) or 50 m
 * after the previous breadcrumb.
 */
export function isBreadcrumb(f: Fix, prev: Fix | null, daySince: number, hours: WorkHours | null, everyMs: number = BREADCRUMB.everyMs): boolean {
  // A position cached from before the day opened is not a breadcrumb of this day (the server refuses it).
  if (f.t < daySince) return false;
  if (!hours || !insideWorkHours(new Date(f.t), hours)) return false;
  return !prev || f.t - prev.t >= everyMs || metersBetween(prev, f) >= BREADCRUMB.everyM;
}

/**
 * While the day is open, the app visible and inside work hours: watchPosition, a breadcrumb every `everyMs` (the
 * organisation's tracking interval) or 50 m.
 * Stretches without fixes are labelled with their cause (hidden, offline, permission denied) and sent with the
 * next breadcrumb, so the server labels the gap instead of guessing (browsers give no location to a hidden app).
 */
export function useBreadcrumbs({ watch, active, since: daySince, hours, onFix, onBreadcrumb, everyMs = BREADCRUMB.everyMs }: Breadcrumbs) {
  const last = useRef<Fix | null>(null);
  const gaps = useRef<ClientGap[]>([]);
  const since = useRef<{ cause: ClientGap["cause"]; from: number } | null>(null);
  const [status, setStatus] = useState<LocStatus>("idle");
  const cb = useRef({ onFix, onBreadcrumb, hours });
  useEffect(() => {
    cb.current = { onFix, onBreadcrumb, hours };
  });

  const openGap = (cause: ClientGap["cause"]) => {
    if (!since.current) since.current = { cause, from: Date.now() };
  };
  const closeGap = () => {
    const g = since.current;
    since.current = null;
    if (g && Date.now() - g.from > 1000) gaps.current.push({ from: new Date(g.from).toISOString(), to: new Date().toISOString(), cause: g.cause });
  };

  const recording = useRef(active);
  useEffect(() => {
    recording.current = active;
  }, [active]);
  // A changed interval applies to the next fix without restarting the watch.
  const interval = useRef(everyMs);
  useEffect(() => {
    interval.current = everyMs;
  }, [everyMs]);

  useEffect(() => {
    if (!watch || !("geolocation" in navigator)) return;
    const id = navigator.geolocation.watchPosition(
      (p) => {
        const f = toFix(p);
        setStatus("ok");
        closeGap();
        cb.current.onFix(f);
        if (!recording.current) return;
        if (isBreadcrumb(f, last.current, daySince, cb.current.hours, interval.current)) {
          last.current = f;
          // At most the batch's gap cap; the rest ride with the next breadcrumb (the server refuses more in one batch).
          const sent = gaps.current.splice(0, MAX_GAPS_PER_BATCH);
          cb.current.onBreadcrumb(f, sent);
        }
      },
      (e) => {
        setStatus(statusOf(e));
        if (e.code === 1 && recording.current) openGap("permission_denied");
      },
      // A watch never times out: a slow fix is shown as a countdown by the screen waiting for it (useFreshFix).
      { enableHighAccuracy: true, maximumAge: 0 },
    );
    const onVisibility = () => (!recording.current ? undefined : document.visibilityState === "hidden" ? openGap("hidden") : closeGap());
    const onOffline = () => recording.current && openGap("offline");
    window.addEventListener("offline", onOffline);
    document.addEventListener("visibilitychange", onVisibility);
    return () => {
      navigator.geolocation.clearWatch(id);
      window.removeEventListener("offline", onOffline);
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [watch, daySince]);
  return { status };
}

/** A fix this recent is used as is for a check-in, check-out or start of day. */
export const FRESH_FIX_MS = 10_000;
/** How long an action waits for a fresh fix from the watch before offering the best recent one. */
export const FIX_WAIT_S = 15;
/** Older than this, a fix is STALE_FIX on the server (DESIGN §6): the selfie flags NO_CAPTURE_FIX only past it. */
export const STALE_FIX_MS = CAPTURE_WINDOW_MS;

export type FreshFixWait = { phase: "idle" } | { phase: "waiting"; secondsLeft: number } | { phase: "timed_out"; best: Fix | null; /** how old `best` was when the wait ran out */ ageMs: number };

/**
 * Waits for a fresh fix from the app's one position source (the watch) with a visible countdown; never a second
 * position request beside the watch (it can stall in Chromium). After FIX_WAIT_S seconds the screen offers a retry,
 * or the best recent fix (the server flags it STALE_FIX when it is over 2 minutes old).
 */
export function useFreshFix(latest: Fix | null) {
  const [wait, setWait] = useState<FreshFixWait>({ phase: "idle" });
  const pending = useRef<{ resolve: (f: Fix | null) => void; deadline: number } | null>(null);
  const latestRef = useRef(latest);
  useEffect(() => {
    latestRef.current = latest;
    const p = pending.current;
    if (p && latest && Date.now() - latest.t < FRESH_FIX_MS) {
      pending.current = null;
      setWait({ phase: "idle" });
      p.resolve(latest);
    }
  }, [latest]);
  useEffect(() => {
    if (wait.phase !== "waiting") return;
    const timer = window.setInterval(() => {
      const p = pending.current;
      if (!p) return;
      const left = Math.ceil((p.deadline - Date.now()) / 1000);
      if (left > 0) return setWait({ phase: "waiting", secondsLeft: left });
      pending.current = null;
      const best = latestRef.current;
      setWait({ phase: "timed_out", best, ageMs: best ? Date.now() - best.t : 0 });
      p.resolve(null);
    }, 250);
    return () => window.clearInterval(timer);
  }, [wait.phase]);
  /** A fix under FRESH_FIX_MS old now, or after waiting for one; null when the wait ran out (see `wait`). */
  const get = useCallback((): Promise<Fix | null> => {
    const f = latestRef.current;
    if (f && Date.now() - f.t < FRESH_FIX_MS) return Promise.resolve(f);
    pending.current?.resolve(null);
    return new Promise((resolve) => {
      const mine = { resolve, deadline: Date.now() + FIX_WAIT_S * 1000 };
      pending.current = mine;
      setWait({ phase: "waiting", secondsLeft: FIX_WAIT_S });
      // A standing phone's watch may stay silent (no movement, no new fix): one request nudges it. If that request
      // stalls too (it can beside an active watch), the countdown still ends in a choice, never a dead button.
      navigator.geolocation?.getCurrentPosition(
        (p) => {
          if (pending.current !== mine) return;
          pending.current = null;
          setWait({ phase: "idle" });
          const f = toFix(p);
          latestRef.current = f;
          resolve(f);
        },
        () => undefined,
        { enableHighAccuracy: true, maximumAge: 0, timeout: FIX_WAIT_S * 1000 },
      );
    });
  }, []);
  const reset = useCallback(() => setWait({ phase: "idle" }), []);
  return { wait, get, reset };
}

