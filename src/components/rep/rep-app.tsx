"use client";

import dynamic from "next/dynamic";
import { useCallback, useMemo, useState, useSyncExternalStore } from "react";
import { metersBetween } from "@/lib/geo/distance";
import { noSubscription } from "@/lib/use-hydrated";
import { InstallHelp, UpdateBanner } from "./pwa-chrome";
import { useRepStore } from "./rep-store";
import { nextStop, placeOfOpenVisit, stopViews, type StopView } from "./stops";
import { TodayScreen } from "./today-screen";
import { useBreadcrumbs, type Fix } from "./use-location";
import { insideWorkHours, workHoursOf } from "@/contracts/field-rules";
import type { VisitPlace } from "./visit-screen";
import { repScreenFromUrl } from "@/lib/pwa/sw-protocol";

// Only Today is in the first load; the other screens load when opened (the service worker precaches every chunk, so
// they open offline too). Keeps /rep's first-load JavaScript within its budget (bench/README.md, "Rep PWA").
const loading = () => <p role="status">Loading…</p>;
const ConsentScreen = dynamic(() => import("./consent-screen").then((m) => m.ConsentScreen), { loading });
const VisitScreen = dynamic(() => import("./visit-screen").then((m) => m.VisitScreen), { loading });
const NearbyScreen = dynamic(() => import("./nearby-screen").then((m) => m.NearbyScreen), { loading });
const SyncScreen = dynamic(() => import("./sync-screen").then((m) => m.SyncScreen), { loading });
const SummaryScreen = dynamic(() => import("./summary-screen").then((m) => m.SummaryScreen), { loading });

type Screen = { name: "today" } | { name: "nearby" } | { name: "sync" } | { name: "summary" } | { name: "visit"; place: VisitPlace };
const TABS = [
  ["today", "Today"],
  ["nearby", "Nearby"],
  ["sync", "Sync"],
  ["summary", "Summary"],
] as const;

/** The rep's installable, offline-first app: one page whose screens render from IndexedDB and the queue. */
export function RepApp({ me, serviceWorker }: { me: { id: number; name: string }; serviceWorker: boolean }) {
  const store = useRepStore(me.id);
  const [chosen, setScreen] = useState<Screen | null>(null);
  const [liveFix, setLiveFix] = useState<Fix | null>(null);
  const [dismissed, setDismissed] = useState<Set<number>>(new Set());
  const { plan, day, act } = store;

  const views = useMemo(() => stopViews(plan?.value.stops ?? [], day), [plan, day]);
  // The screen a notification tap (or a link) names, e.g. `/rep?screen=visit&location=12` (that customer's Visit
  // screen, once the plan is known), until the rep goes elsewhere. The server render has no query: Today.
  const search = useSyncExternalStore(noSubscription, () => window.location.search, () => "");
  const screen: Screen = chosen ?? screenFromUrl(search, views) ?? { name: "today" };
  // One position source for the whole app: the watch, running from consent on (breadcrumbs only while the day is open).
  const fix = liveFix;
  const hours = useMemo(() => (plan ? workHoursOf(plan.value.work_hours, plan.value.time_zone) : null), [plan]);
  const inHours = hours ? insideWorkHours(new Date(), hours) : false;
  const tracking = !!store.consent && day.started && !day.ended && inHours;

  const onBreadcrumb = useCallback(
    (f: Fix, gaps: { from: string; to: string; cause: "hidden" | "offline" | "permission_denied" | "no_fix" }[]) =>
      void act({ kind: "tracking.pings", body: { pings: [{ client_id: crypto.randomUUID(), lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m, captured_at: new Date(f.t).toISOString() }], ...(gaps.length ? { gaps } : {}) } }),
    [act],
  );
  // The organisation's tracking interval comes with the day's plan (a plan cached before it was sent has none: the default).
  const intervalS = plan?.value.tracking_interval_seconds;
  const crumbs = useBreadcrumbs({ watch: !!store.consent, active: tracking, since: day.startedAt, hours, onFix: setLiveFix, onBreadcrumb, everyMs: intervalS ? intervalS * 1000 : undefined });

  // A fresh fix (from the open day's watch) inside a planned stop's fence offers the check-in; it never checks in by itself.
  const prompt = useMemo(() => {
    if (!liveFix || day.openVisit || !day.started || day.ended) return null;
    return views.find((v) => v.localStatus === "PENDING" && v.location.active && !dismissed.has(v.planned_visit_id) && metersBetween(liveFix, v.location) <= v.location.geofence_radius) ?? null;
  }, [liveFix, views, day, dismissed]);

  // The open visit's customer, wherever it was opened (a planned stop, Nearby, another phone): Check out is one tap away.
  const openPlace = placeOfOpenVisit(day.openVisit, views);
  const openStop = (locationId: number) => {
    const v = views.find((s) => s.location.id === locationId);
    if (v) setScreen({ name: "visit", place: { ...v.location } });
    else if (openPlace?.id === locationId) setScreen({ name: "visit", place: openPlace });
  };
  const startDay = async () => {
    // Start day never waits for a fix: the position is a nice-to-have here.
    const f = fix;
    await act({ kind: "session.start", body: { client_id: crypto.randomUUID(), captured_at: new Date().toISOString(), ...(f ? { lat: f.lat, lon: f.lon } : {}) } });
  };
  const endDay = () => void act({ kind: "session.end", body: { client_id: crypto.randomUUID(), captured_at: new Date().toISOString() } });
  const counts = { pending: store.items.filter((i) => i.status === "pending").length, failed: store.items.filter((i) => i.status === "failed").length };

  return (
    <div className="mx-auto flex max-w-md flex-col gap-3 pb-24">
      <div className="flex items-center justify-between gap-2 text-sm">
        <span className="font-medium">Hello {me.name}</span>
        <span role="status" aria-live="polite" className={`rounded px-2 py-0.5 font-semibold ${store.online ? "bg-green-100 text-green-950" : "bg-slate-800 text-white"}`}>
          {store.online ? "Online" : "Offline"}
          {counts.pending ? ` · ${counts.pending} to send` : ""}
          {counts.failed ? ` · ${counts.failed} failed` : ""}
        </span>
      </div>
      <UpdateBanner enabled={serviceWorker} />
      <InstallHelp />
      {screen.name === "today" ? (
        <TodayScreen
          store={store}
          views={views}
          fix={fix}
          fixStatus={crumbs.status}
          openPlace={openPlace}
          onOpenPlace={(place) => setScreen({ name: "visit", place })}
          onOpenStop={openStop}
          onStartDay={() => void startDay()}
          onEndDay={endDay}
          prompt={prompt}
          onDismissPrompt={() => prompt && setDismissed(new Set([...dismissed, prompt.planned_visit_id]))}
          gate={store.consent === null ? <ConsentScreen onAccept={() => void store.acceptConsent()} /> : store.consent === undefined ? <p>Loading…</p> : undefined}
        />
      ) : null}
      {screen.name === "visit" ? (
        <VisitScreen
          store={store}
          place={screen.place}
          liveFix={liveFix}
          fixStatus={crumbs.status}
          openPlace={openPlace}
          nextPlace={nextStop(views.filter((v) => v.location.id !== screen.place.id))?.location ?? null}
          onOpen={(place) => setScreen({ name: "visit", place })}
          onOpenSync={() => setScreen({ name: "sync" })}
          onBack={() => setScreen({ name: "today" })}
        />
      ) : null}
      {screen.name === "nearby" ? <NearbyScreen liveFix={liveFix} fixStatus={crumbs.status} onOpen={(place) => setScreen({ name: "visit", place })} /> : null}
      {screen.name === "sync" ? <SyncScreen store={store} /> : null}
      {screen.name === "summary" ? <SummaryScreen store={store} /> : null}
      <nav aria-label="Rep app" className="fixed inset-x-0 bottom-0 z-10 border-t border-slate-300 bg-white">
        <ul className="mx-auto grid max-w-md grid-cols-4">
          {TABS.map(([name, label]) => (
            <li key={name}>
              <button
                type="button"
                aria-current={screen.name === name ? "page" : undefined}
                onClick={() => setScreen({ name } as Screen)}
                className={`min-h-14 w-full text-sm font-semibold ${screen.name === name ? "bg-brand-50 text-brand-900" : "text-slate-800"}`}
              >
                {label}
                {name === "sync" && counts.failed ? (
                  <span className="ml-1 inline-block rounded-full bg-red-700 px-1.5 text-xs leading-5 text-white">
                    {counts.failed}
                    <span className="sr-only"> failed</span>
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
    </div>
  );
}

function screenFromUrl(search: string, views: StopView[]): Screen | null {
  if (!search) return null;
  const t = repScreenFromUrl(search);
  if (t.screen !== "visit") return { name: t.screen };
  const v = views.find((s) => s.location.id === t.locationId);
  return v ? { name: "visit", place: { ...v.location } } : null;
}
