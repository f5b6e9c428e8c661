"use client";

import Link from "next/link";
import { useEffect, useMemo, useRef, useState } from "react";
import type { RepNow, RepState, TeamSummary } from "@/contracts/dashboard";
import type { AlertJson } from "@/contracts/alerts";
import type { LiveEventJson } from "@/contracts/live-events";
import { addDays, zonedInstant } from "@/lib/time";
import { FieldMap } from "../map/field-map";
import type { MapCircle, MapMarker } from "../map/map-types";
import { ActivityFeed } from "./activity-feed";
import { alertFromEvent, AlertsPanel } from "./alerts-panel";
import { KpiCards } from "./kpi-cards";
import { ago, initials, repColor, STATE_STYLE } from "./rep-states";
import { useLiveEvents } from "./use-live-events";

const FEED_MAX = 50;
const REFRESH_DEBOUNCE_MS = 400;
/** Events that change the figures (a location update only moves a marker, applied at once). */
const REFRESHING = new Set(["visit.checked_in", "visit.checked_out", "visit.validated", "session.started", "session.ended", "personnel.changed"]);

/** Immediate effect of an event on one rep, before the re-read summary lands. */
function applyEvent(rep: RepNow, e: LiveEventJson): RepNow {
  const pos = e.payload.position as { lat?: number; lon?: number; captured_at?: string } | undefined;
  const fix = pos && typeof pos.lat === "number" && typeof pos.lon === "number" ? { lat: pos.lat, lon: pos.lon, at: pos.captured_at ?? e.created_at } : null;
  const state: RepState = e.type === "visit.checked_in" ? "in_visit" : e.type === "visit.checked_out" ? "idle" : e.type === "session.ended" ? "day_ended" : rep.state;
  const source = e.type === "visit.checked_in" ? "check_in" : e.type === "visit.checked_out" ? "check_out" : "ping";
  return { ...rep, state, last_fix: fix ? { ...fix, source } : rep.last_fix };
}

/** Team now: map, KPIs, the team's list and the live activity feed, kept current over SSE without reloads. */
type Props = { initial: TeamSummary; feed: LiveEventJson[]; /** null: not a live view (another day than today) */ lastEventId: number | null; query: string; alerts: AlertJson[] };

export function TeamNow({ initial, feed, lastEventId, query, alerts: initialAlerts }: Props) {
  const [summary, setSummary] = useState(initial);
  const [alerts, setAlerts] = useState(initialAlerts);
  const [events, setEvents] = useState(feed);
  const [now, setNow] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const isToday = initial.from === initial.today;

  useEffect(() => {
    // Ages ("5 min ago") use the browser's clock, only after hydration (the server's would mismatch).
    const first = setTimeout(() => setNow(Date.now()), 0);
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => (clearTimeout(first), clearInterval(t));
  }, []);

  const refresh = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(async () => {
      const res = await fetch(`/api/v1/dashboard/team-summary?${query}`, { cache: "no-store" });
      if (res.ok) setSummary((await res.json()) as TeamSummary);
    }, REFRESH_DEBOUNCE_MS);
  };

  const status = useLiveEvents(lastEventId, (e) => {
    if (e.personnel_id !== null && !summary.reps.some((r) => r.id === e.personnel_id) && e.type !== "personnel.changed") return;
    if (e.type !== "personnel.changed" && isToday) setEvents((list) => (list.some((x) => x.id === e.id) ? list : [e, ...list].slice(0, FEED_MAX)));
    if (isToday) setSummary((s) => ({ ...s, reps: s.reps.map((r) => (r.id === e.personnel_id ? applyEvent(r, e) : r)) }));
    if (REFRESHING.has(e.type)) refresh();
    // The alerts panel is live today only (a past day's shows the alerts raised that day).
    if (e.type === "alert.raised" && isToday) {
      const a = alertFromEvent(e, summary.reps.find((r) => r.id === e.personnel_id)?.name ?? `#${e.personnel_id}`);
      if (a) setAlerts((list) => (list.some((x) => x.id === a.id) ? list : [a, ...list]));
    }
    if (e.type === "alert.acknowledged" && isToday) setAlerts((list) => list.filter((x) => x.id !== e.payload.alert_id));
  });

  const names = useMemo(() => new Map(summary.reps.map((r) => [r.id, r.name])), [summary.reps]);
  // Each rep has a colour and initials of their own (the fill); the ring is their state's colour.
  const colors = useMemo(() => new Map(summary.reps.map((r, i) => [r.id, repColor(i)])), [summary.reps]);
  const markers: MapMarker[] = summary.reps
    .filter((r) => r.last_fix)
    .map((r) => ({
      id: `rep-${r.id}`,
      lat: r.last_fix!.lat,
      lon: r.last_fix!.lon,
      color: colors.get(r.id),
      ring: STATE_STYLE[r.state].color,
      badge: initials(r.name),
      label: `${r.name}: ${STATE_STYLE[r.state].label}, last fix ${now ? ago(r.last_fix!.at, now) : r.last_fix!.at}`,
      emphasis: r.state === "in_visit",
    }));
  const circles: MapCircle[] = summary.planned_places.map((p) => ({
    id: `pv-${p.planned_visit_id}`,
    lat: p.lat,
    lon: p.lon,
    radiusM: p.radius_m,
    color: p.visit_id ? "#16a34a" : "#0f766e",
    label: `${p.name}${p.planned_time ? ` at ${p.planned_time}` : ""} (${names.get(p.personnel_id) ?? "rep"})${p.visit_id ? ", visited" : ""}`,
  }));

  return (
    <div className="flex flex-col gap-3">
      <p className="text-xs text-slate-600" role="status" data-live-status={status}>
        {status === "off"
          ? `Not live: ${summary.from < summary.today ? "the day as it ended" : "a planned day"} (positions and activity of ${summary.from})`
          : status === "live"
            ? "● Live"
            : status === "connecting"
              ? "Connecting…"
              : status === "closed"
                ? "Disconnected: reload the page"
                : "Reconnecting…"}
      </p>
      <KpiCards kpis={summary.kpis} showActive={isToday} />
      <div className="grid gap-3 lg:grid-cols-[2fr_1fr]">
        <div className="flex flex-col gap-1">
          <FieldMap markers={markers} circles={circles} height="440px" ariaLabel={`Map of the team: ${markers.length} reps, ${circles.length} planned stops`} />
          <MapLegend reps={summary.reps} colors={colors} />
        </div>
        <section aria-labelledby="feed-h" className="flex max-h-[440px] flex-col gap-1 overflow-y-auto rounded border border-slate-200 p-2">
          <h2 id="feed-h" className="text-sm font-semibold">Activity</h2>
          <ActivityFeed events={events} names={names} timeZone={summary.time_zone} empty={isToday ? undefined : `No recorded activity on ${summary.from}.`} />
        </section>
      </div>
      {/* Today an acknowledged alert leaves the open list; on a past day it stays, with its new status. */}
      <AlertsPanel
        alerts={alerts}
        timeZone={summary.time_zone}
        day={isToday ? null : { date: summary.from, end: zonedInstant(addDays(summary.from, 1), 0, summary.time_zone).toISOString() }}
        onAcknowledged={(a) => setAlerts((list) => (isToday ? list.filter((x) => x.id !== a.id) : list.map((x) => (x.id === a.id ? a : x))))}
      />
      <RepTable reps={summary.reps} now={now} />
    </div>
  );
}

/** Who is who on the map: each rep's colour and initials with their name; the ring colours name the states. */
function MapLegend({ reps, colors }: { reps: RepNow[]; colors: Map<number, string> }) {
  const states = [...new Set(reps.map((r) => r.state))];
  return (
    <section aria-label="Map legend" className="flex flex-col gap-1 text-xs text-slate-700">
      <ul className="flex flex-wrap gap-x-3 gap-y-1" aria-label="Reps on the map">
        {reps.map((r) => (
          <li key={r.id} className="flex items-center gap-1" data-legend-rep={r.id}>
            <span
              aria-hidden
              className="inline-flex size-6 items-center justify-center rounded-full text-[10px] font-semibold text-white"
              style={{ background: colors.get(r.id), border: `3px solid ${STATE_STYLE[r.state].color}` }}
            >
              {initials(r.name)}
            </span>
            <span>
              {r.name}
              {r.last_fix ? "" : " (no position)"}
            </span>
          </li>
        ))}
      </ul>
      <p className="flex flex-wrap gap-x-3">
        <span>Ring:</span>
        {states.map((s) => (
          <span key={s} className="flex items-center gap-1">
            <span aria-hidden className="inline-block size-3 rounded-full border-[3px]" style={{ borderColor: STATE_STYLE[s].color }} />
            {STATE_STYLE[s].label}
          </span>
        ))}
        <span className="flex items-center gap-1">
          <span aria-hidden className="inline-block size-3 rounded-full border border-[#0f766e] bg-[#0f766e]/20" />
          planned stop (green: visited)
        </span>
      </p>
    </section>
  );
}

function RepTable({ reps, now }: { reps: RepNow[]; now: number }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-left text-sm">
        <caption className="sr-only">Reps and their state now</caption>
        <thead className="border-b border-slate-200 text-slate-600">
          <tr>
            <th scope="col" className="py-1.5 pr-3">Rep</th>
            <th scope="col" className="py-1.5 pr-3">Now</th>
            <th scope="col" className="py-1.5 pr-3">Last fix</th>
            <th scope="col" className="py-1.5 pr-3">Planned done</th>
            <th scope="col" className="py-1.5 pr-3">Check-ins</th>
            <th scope="col" className="py-1.5 pr-3">Km</th>
          </tr>
        </thead>
        <tbody>
          {reps.map((r) => (
            <tr key={r.id} className="border-b border-slate-100" data-rep-id={r.id}>
              <td className="py-1 pr-3">
                <Link href={`/manager/reps/${r.id}`} className="font-medium text-brand-700 underline">{r.name}</Link>
                <span className="block text-xs text-slate-500">{r.email}</span>
              </td>
              <td className="py-1 pr-3">
                <span className="mr-1 inline-block size-2.5 rounded-full" style={{ background: STATE_STYLE[r.state].color }} aria-hidden />
                <span data-rep-state={r.state}>{STATE_STYLE[r.state].label}</span>
              </td>
              <td className="py-1 pr-3 text-slate-600">{r.last_fix ? (now ? ago(r.last_fix.at, now) : "…") : "never"}</td>
              <td className="py-1 pr-3 tabular-nums">{r.planned_done} / {r.planned}</td>
              <td className="py-1 pr-3 tabular-nums">{r.visits}</td>
              <td className="py-1 pr-3 tabular-nums">{r.km}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
