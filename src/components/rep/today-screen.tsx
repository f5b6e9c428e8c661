"use client";

import dynamic from "next/dynamic";
import { useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { formatDistance, metersBetween } from "@/lib/geo/distance";
import type { RepStore } from "./rep-store";
import type { QueuedPlace } from "@/lib/offline/queue-types";
import { dateTimeFormat } from "@/lib/time";
import { nextStop, stopVerdict, type StopView } from "./stops";
import { Btn, Card, FixBadge, StopBadge } from "./ui";
import type { Fix, LocStatus } from "./use-location";

type Props = {
  store: RepStore;
  views: StopView[];
  fix: Fix | null;
  fixStatus: LocStatus;
  onOpenStop: (locationId: number) => void;
  onStartDay: () => void;
  onEndDay: () => void;
  prompt: StopView | null;
  onDismissPrompt: () => void;
  /** The open visit's customer, wherever it was opened (null: no open visit). */
  openPlace: QueuedPlace | null;
  onOpenPlace: (place: QueuedPlace) => void;
  /** Shown instead of Start day until the rep has read what is tracked (the consent panel). */
  gate?: ReactNode;
};

// The map (Leaflet or Google) is loaded only when the rep asks for it: it is not part of the app's first load.
const FieldMap = dynamic(() => import("@/components/map/field-map"), { ssr: false, loading: () => <p role="status">Loading map…</p> });

type Routing = typeof import("@/lib/routing/day-route");

/** The route module loads after the first paint (first-load budget); the service worker precaches it, so offline too. */
function useRouting(): Routing | null {
  const [mod, setMod] = useState<Routing | null>(null);
  useEffect(() => {
    let alive = true;
    void import("@/lib/routing/day-route").then((m) => alive && setMod(m));
    return () => {
      alive = false;
    };
  }, []);
  return mod;
}

/** The time now, re-read every minute (arrival times move with it). */
function useMinuteClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), 60_000);
    return () => window.clearInterval(t);
  }, []);
  return now;
}

/** Today: Start/End day, the planned stops in order with distance and status, the next stop highlighted. */
export function TodayScreen({ store, views, fix, fixStatus, onOpenStop, onStartDay, onEndDay, prompt, onDismissPrompt, openPlace, onOpenPlace, gate }: Props) {
  const { plan, day } = store;
  const next = nextStop(views);
  const [showMap, setShowMap] = useState(false);
  const [confirmEnd, setConfirmEnd] = useState(false);
  const unvisited = views.filter((v) => v.localStatus === "PENDING" && v.location.active);
  const routing = useRouting();
  const now = useMinuteClock();
  const [optimised, setOptimised] = useState<string | null>(null);
  // The route still to drive: from here (else the first stop left) through the pending stops in plan order.
  const pending = useMemo(() => views.filter((v) => v.localStatus === "PENDING"), [views]);
  const route = useMemo(() => {
    if (!routing || !plan || pending.length === 0) return null;
    const start = fix ? { lat: fix.lat, lon: fix.lon } : { lat: pending[0]!.location.lat, lon: pending[0]!.location.lon };
    const nowHhmm = routing.hhmmIn(new Date(now), plan.value.time_zone);
    const startTime = nowHhmm > plan.value.work_hours.start ? nowHhmm : plan.value.work_hours.start;
    const stops = pending.map((v) => ({ key: String(v.location.id), lat: v.location.lat, lon: v.location.lon, planned_time: v.planned_time }));
    // The organisation's routing numbers come with the plan (and are cached with it): the same as the server's.
    const numbers = routing.routingOf(plan.value);
    return { start, startTime, stops, numbers, schedule: routing.scheduleDay(stops, start, startTime, { routing: numbers }) };
  }, [routing, plan, pending, fix, now]);
  const timing = new Map(route?.schedule.stops.map((s) => [Number(s.key), s]) ?? []);
  const optimise = async () => {
    if (!routing || !route) return;
    // The same pure function as the server's, on the phone: works offline; the new order goes through the queue.
    const r = routing.optimiseDay(route.stops, route.start, route.startTime, { routing: route.numbers });
    const same = r.order.join(",") === route.stops.map((s) => s.key).join(",");
    const late = r.unassigned.length ? ` ${r.unassigned.length} appointment(s) cannot be met: kept at the end.` : "";
    if (same) {
      setOptimised(`Your order is already the best: ${r.before.km.toFixed(1)} km.${late}`);
      return;
    }
    await store.reorderPlan(r.order.map(Number));
    const km = r.before.km - r.after.km;
    const min = Math.round(r.before.minutes - r.after.minutes);
    setOptimised(`Route optimised: ${r.before.km.toFixed(1)} km → ${r.after.km.toFixed(1)} km (saves ${km.toFixed(1)} km, ${min} min).${late}`);
  };
  const askEnd = () => (unvisited.length || day.openVisit ? setConfirmEnd(true) : onEndDay());
  // The question opens under a long list: bring it into view and move focus to it (screen readers read it out).
  const dialog = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!confirmEnd) return;
    dialog.current?.scrollIntoView({ block: "center" });
    dialog.current?.focus();
  }, [confirmEnd]);
  return (
    <section aria-labelledby="today-h" className="flex flex-col gap-3">
      <div className="flex items-baseline justify-between gap-2">
        <h1 id="today-h" className="text-2xl font-bold">
          Today
        </h1>
        <span className="text-sm text-slate-700">{plan?.value.date ?? ""}</span>
      </div>
      <FixBadge fix={fix} status={fixStatus} />
      {prompt ? (
        <div role="alertdialog" aria-labelledby="geo-prompt" className="rounded-xl border-2 border-brand-700 bg-brand-50 p-3">
          <p id="geo-prompt" className="font-semibold">
            Check in at {prompt.location.name}?
          </p>
          <div className="mt-2 flex gap-2">
            <Btn onClick={() => onOpenStop(prompt.location.id)}>Check in here</Btn>
            <Btn tone="secondary" onClick={onDismissPrompt}>
              Not now
            </Btn>
          </div>
        </div>
      ) : null}
      {gate ? (
        gate
      ) : !day.started || day.ended ? (
        <>
          {day.ended ? (
            <p className="rounded-xl bg-slate-100 p-3 font-medium text-slate-900" role="status" data-testid="day-ended">
              Your day has ended{day.endedAt ? ` at ${timeOf(day.endedAt, plan?.value.time_zone)}` : ""}.
            </p>
          ) : null}
          <Btn onClick={onStartDay}>{day.ended ? "Start day again" : "Start day"}</Btn>
        </>
      ) : (
        <p className="rounded-xl bg-green-50 p-3 font-medium text-green-950" role="status">
          Your day is open{day.openVisit ? " · a visit is open" : ""}.
        </p>
      )}
      {openPlace && day.openVisit ? (
        <div role="region" aria-label="Open visit" className="flex flex-col gap-2 rounded-xl border-2 border-amber-600 bg-amber-50 p-3 text-amber-950">
          <p className="font-semibold">
            You are checked in at {openPlace.name}
            {day.openVisit.kind === "visit.check_in" ? ` since ${timeOf(day.openVisit.body.captured_at, plan?.value.time_zone)}` : ""}.
          </p>
          <Btn onClick={() => onOpenPlace(openPlace)}>Check out at {openPlace.name}</Btn>
        </div>
      ) : null}
      {!plan ? (
        <p className="text-slate-700">Loading today’s plan…</p>
      ) : views.length === 0 ? (
        <Card>No customers are planned for you today. Use Nearby to check in anywhere.</Card>
      ) : (
        <ol aria-label="Planned visits" className="flex flex-col gap-2">
          {views.map((v) => (
            <li key={v.planned_visit_id} data-location-id={v.location.id}>
              <button
                type="button"
                onClick={() => onOpenStop(v.location.id)}
                aria-current={next?.planned_visit_id === v.planned_visit_id ? "step" : undefined}
                className={`flex min-h-14 w-full items-start justify-between gap-3 rounded-xl border-2 p-3 text-left ${
                  next?.planned_visit_id === v.planned_visit_id ? "border-brand-700 bg-brand-50" : "border-slate-300 bg-white"
                }`}
              >
                <span className="min-w-0">
                  <span className="block font-semibold">
                    {v.sequence}. {v.location.name}
                    {next?.planned_visit_id === v.planned_visit_id ? <span className="ml-2 text-sm font-bold text-brand-700">Next</span> : null}
                  </span>
                  <span className="block text-sm text-slate-700">
                    {timing.get(v.location.id) ? (
                      <span data-testid="eta" className={timing.get(v.location.id)!.late ? "font-semibold text-red-800" : "font-semibold text-slate-900"}>
                        {`ETA ${timing.get(v.location.id)!.arrival}${timing.get(v.location.id)!.late ? " (late)" : ""} · `}
                      </span>
                    ) : null}
                    {v.planned_time ? `at ${v.planned_time} · ` : ""}
                    {fix ? `${formatDistance(metersBetween(fix, v.location))} away` : "distance: no fix"}
                    {v.location.active ? "" : " · closed"}
                  </span>
                </span>
                {v.localStatus === "DONE" && stopVerdict(v) === "INVALID" ? (
                  <span className="shrink-0 rounded bg-red-700 px-2 py-0.5 text-sm font-semibold text-white">Done · invalid</span>
                ) : (
                  <StopBadge status={v.localStatus} />
                )}
              </button>
            </li>
          ))}
        </ol>
      )}
      {pending.length >= 2 ? (
        <Btn tone="secondary" onClick={() => void optimise()} disabled={!route}>
          Optimise my route
        </Btn>
      ) : null}
      <p role="status" aria-live="polite" className={optimised ? "rounded-xl bg-brand-50 p-3 font-medium text-brand-900" : "sr-only"} data-testid="optimise-result">
        {optimised ?? ""}
      </p>
      {showMap ? (
        <FieldMap
          ariaLabel="Today's stops in route order with arrival times, the next one highlighted"
          height="280px"
          lines={route ? [{ id: "route", points: [route.start, ...pending.map((v) => ({ lat: v.location.lat, lon: v.location.lon }))], label: `Route: ${route.schedule.km.toFixed(1)} km` }] : []}
          markers={[
            ...views.map((v) => ({
              id: `s${v.planned_visit_id}`,
              lat: v.location.lat,
              lon: v.location.lon,
              label: `${v.sequence}. ${v.location.name}${timing.get(v.location.id) ? `, arrive ${timing.get(v.location.id)!.arrival}` : ""}`,
              badge: String(v.sequence),
              emphasis: next?.planned_visit_id === v.planned_visit_id,
            })),
            ...(fix ? [{ id: "me", lat: fix.lat, lon: fix.lon, label: "You", color: "#1d4ed8" }] : []),
          ]}
          circles={views.map((v) => ({ id: `f${v.planned_visit_id}`, lat: v.location.lat, lon: v.location.lon, radiusM: v.location.geofence_radius }))}
        />
      ) : views.length > 0 ? (
        <Btn tone="secondary" onClick={() => setShowMap(true)}>
          Show map
        </Btn>
      ) : null}
      {day.started && !day.ended && !confirmEnd ? (
        <Btn tone="secondary" onClick={askEnd}>
          End day
        </Btn>
      ) : null}
      {day.started && !day.ended && confirmEnd ? (
        <div ref={dialog} tabIndex={-1} role="alertdialog" aria-labelledby="end-h" className="flex scroll-mb-24 flex-col gap-2 rounded-xl border-2 border-slate-700 bg-white p-3">
          <p id="end-h" className="font-semibold">
            {openPlace && day.openVisit ? `A visit is still open at ${openPlace.name}: check out first.` : "End the day?"}
          </p>
          {unvisited.length ? (
            <p>
              Not visited yet: {unvisited.map((v) => v.location.name).join(", ")}.
            </p>
          ) : null}
          {openPlace && day.openVisit ? (
            <Btn onClick={() => onOpenPlace(openPlace)}>Check out at {openPlace.name}</Btn>
          ) : (
            <Btn
              onClick={() => {
                setConfirmEnd(false);
                onEndDay();
              }}
            >
              End day anyway
            </Btn>
          )}
          <Btn tone="secondary" onClick={() => setConfirmEnd(false)}>
            Keep working
          </Btn>
        </div>
      ) : null}
    </section>
  );
}

/** HH:MM of an instant in the organisation's time zone (the phone's when unknown). */
function timeOf(iso: string, timeZone: string | undefined): string {
  return dateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", ...(timeZone ? { timeZone } : {}) }).format(new Date(iso));
}
