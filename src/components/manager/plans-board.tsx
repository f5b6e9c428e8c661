"use client";

import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { BeatJson } from "@/contracts/beats";
import type { DayPlanResponse, OptimizePlanResponse } from "@/contracts/plans";
import { ApiError, createApiClient } from "@/lib/api/client";
import { routingOf, scheduleDay, unassignedText } from "@/lib/routing/day-route";
import type { UnassignedReason } from "@/lib/routing/optimize";
import { addDays, isoWeekday } from "@/lib/time";
import type { MapLine, MapMarker } from "@/components/map/map-types";
import type { PlanCustomer, PlanWeek, PlanWeekRep } from "@/contracts/plan-week";

const FieldMap = dynamic(() => import("@/components/map/field-map"), { ssr: false, loading: () => <p role="status">Loading map…</p> });
const api = createApiClient();
const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const BTN = "inline-flex min-h-9 items-center justify-center rounded border border-slate-300 bg-white px-2 text-sm font-medium hover:bg-slate-100 disabled:opacity-50";
const PRIMARY = "inline-flex min-h-9 items-center justify-center rounded bg-brand-700 px-3 text-sm font-semibold text-white hover:bg-brand-900 disabled:bg-slate-400";

type Editing = { kind: "day"; rep: PlanWeekRep; date: string } | { kind: "beat"; rep: PlanWeekRep; beat: BeatJson | null } | null;
type EditStop = { location_id: number; planned_time: string | null };

const errorText = (e: unknown) => (e instanceof ApiError ? `${e.message}${e.field ? ` (${e.field})` : ""}` : e instanceof Error ? e.message : String(e));

/** One client id per distinct request: a retry of the same save is the same action (server idempotency). */
function useClientIds() {
  const ids = useRef(new Map<string, string>());
  return useCallback((key: string) => {
    let id = ids.current.get(key);
    if (!id) ids.current.set(key, (id = crypto.randomUUID()));
    return id;
  }, []);
}

/** The manager's Plans page: the week per rep (beats and planned days), the day and beat editors. */
export function PlansBoard({ week }: { week: PlanWeek }) {
  const router = useRouter();
  const [editing, setEditing] = useState<Editing>(null);
  const byId = useMemo(() => new Map(week.customers.map((c) => [c.id, c])), [week.customers]);
  const changed = () => router.refresh();
  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold">Plans</h1>
          <p className="text-sm text-slate-600">
            {week.reps.length} reps · {week.dates[0]} to {week.dates.at(-1)} · {week.time_zone}
          </p>
        </div>
        <nav aria-label="Weeks" className="flex gap-2">
          <a className={BTN} href={`/manager/plans?from=${addDays(week.from, -7)}`}>
            ← Previous week
          </a>
          <a className={BTN} href="/manager/plans">
            From today
          </a>
          <a className={BTN} href={`/manager/plans?from=${addDays(week.from, 7)}`}>
            Next week →
          </a>
        </nav>
      </div>
      <div className="overflow-x-auto">
        <table className="w-full border-collapse text-sm">
          <caption className="sr-only">Planned stops per rep and day, and each rep&apos;s beats</caption>
          <thead>
            <tr className="border-b border-slate-300 text-left">
              <th scope="col" className="p-1.5">
                Rep
              </th>
              <th scope="col" className="p-1.5">
                Beats
              </th>
              {week.dates.map((d) => (
                <th key={d} scope="col" className={`p-1.5 ${d === week.today ? "text-brand-700" : ""}`}>
                  {WEEKDAYS[isoWeekday(d) - 1]} {d.slice(5)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {week.reps.map((rep) => (
              <tr key={rep.id} className="border-b border-slate-200 align-top">
                <th scope="row" className="p-1.5 text-left font-semibold">
                  {rep.name}
                </th>
                <td className="p-1.5">
                  <ul className="flex flex-col gap-1">
                    {rep.beats.map((b) => (
                      <li key={b.id}>
                        <button type="button" className={`${BTN} w-full justify-start`} onClick={() => setEditing({ kind: "beat", rep, beat: b })} aria-label={`Edit beat ${b.name} of ${rep.name}`}>
                          {b.name} · {b.weekdays.map((w) => WEEKDAYS[w - 1]).join(" ")}
                          {b.every_weeks > 1 ? ` /${b.every_weeks}w` : ""}
                          {b.active ? "" : " (paused)"}
                        </button>
                      </li>
                    ))}
                    <li>
                      <button type="button" className={`${BTN} w-full`} onClick={() => setEditing({ kind: "beat", rep, beat: null })} aria-label={`New beat for ${rep.name}`}>
                        + Beat
                      </button>
                    </li>
                  </ul>
                </td>
                {week.dates.map((d) => {
                  const c = rep.days[d];
                  const current = editing?.kind === "day" && editing.rep.id === rep.id && editing.date === d;
                  return (
                    <td key={d} className="p-1.5">
                      <button
                        type="button"
                        aria-label={`Edit ${rep.name}'s plan for ${d}: ${c ? `${c.stops} stops` : "nothing planned"}`}
                        aria-pressed={current}
                        disabled={d < week.today}
                        onClick={() => setEditing({ kind: "day", rep, date: d })}
                        className={`flex min-h-11 w-full flex-col items-start rounded border px-1.5 py-1 text-left ${current ? "border-brand-700 bg-brand-50" : "border-slate-200 bg-white hover:bg-slate-50"} disabled:opacity-60`}
                      >
                        <span className="font-semibold">{c ? `${c.stops} stop${c.stops === 1 ? "" : "s"}` : "—"}</span>
                        {c ? <span className="text-xs text-slate-600">{c.source === "beat" ? "beat" : "edited"}{c.visited ? ` · ${c.visited} done` : ""}</span> : null}
                      </button>
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {editing?.kind === "day" ? (
        <DayEditor key={`${editing.rep.id}:${editing.date}`} rep={editing.rep} date={editing.date} customers={week.customers} byId={byId} onChanged={changed} onClose={() => setEditing(null)} />
      ) : null}
      {editing?.kind === "beat" ? (
        <BeatEditor
          key={`${editing.rep.id}:${editing.beat?.id ?? "new"}`}
          rep={editing.rep}
          beat={editing.beat}
          today={week.today}
          customers={week.customers}
          byId={byId}
          onDone={() => {
            setEditing(null);
            changed();
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </div>
  );
}

/** A searchable customer list: type to filter by name or address, then Add. */
function CustomerPicker({ customers, onPick, taken }: { customers: PlanCustomer[]; onPick: (c: PlanCustomer) => void; taken: Set<number> }) {
  const [q, setQ] = useState("");
  const hits = useMemo(() => {
    const s = q.trim().toLowerCase();
    return (s ? customers.filter((c) => c.name.toLowerCase().includes(s) || (c.address ?? "").toLowerCase().includes(s)) : customers).slice(0, 8);
  }, [q, customers]);
  return (
    <div className="flex flex-col gap-1">
      <label className="flex flex-col text-sm font-medium">
        Find a customer
        <input type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or address" className="min-h-9 rounded border border-slate-300 px-2 font-normal" />
      </label>
      <ul aria-label="Matching customers" className="flex flex-col gap-1">
        {hits.map((c) => (
          <li key={c.id} className="flex items-center justify-between gap-2 rounded border border-slate-200 px-2 py-1">
            <span className="min-w-0 truncate">
              {c.name}
              {c.address ? <span className="text-xs text-slate-600"> · {c.address}</span> : null}
            </span>
            <button type="button" className={BTN} onClick={() => onPick(c)} aria-label={`Add ${c.name}`}>
              {taken.has(c.id) ? "Add again" : "Add"}
            </button>
          </li>
        ))}
        {hits.length === 0 ? <li className="text-sm text-slate-600">No customer matches.</li> : null}
      </ul>
    </div>
  );
}

/** The stops in order, each movable up and down by button (keyboard and screen reader), removable, with its appointment. */
function StopList({ stops, byId, onChange, notes }: { stops: EditStop[]; byId: Map<number, PlanCustomer>; onChange: (s: EditStop[]) => void; notes?: Map<number, string> }) {
  const move = (i: number, d: number) => {
    const next = [...stops];
    const [s] = next.splice(i, 1);
    next.splice(i + d, 0, s!);
    onChange(next);
  };
  if (stops.length === 0) return <p className="text-sm text-slate-600">No stops yet: add customers from the list or the map.</p>;
  return (
    <ol aria-label="Stops in route order" className="flex flex-col gap-1">
      {stops.map((s, i) => {
        const c = byId.get(s.location_id);
        const name = c?.name ?? `Customer ${s.location_id}`;
        return (
          <li key={`${s.location_id}:${i}`} className="flex flex-wrap items-center gap-2 rounded border border-slate-200 bg-white px-2 py-1">
            <span className="min-w-0 flex-1">
              <span className="font-semibold">
                {i + 1}. {name}
              </span>
              {notes?.get(i) ? <span className="block text-xs text-slate-700">{notes.get(i)}</span> : null}
            </span>
            <label className="flex items-center gap-1 text-xs">
              Appointment
              <input
                type="time"
                value={s.planned_time ?? ""}
                onChange={(e) => onChange(stops.map((x, k) => (k === i ? { ...x, planned_time: e.target.value || null } : x)))}
                className="min-h-8 rounded border border-slate-300 px-1"
                aria-label={`Appointment time at ${name}`}
              />
            </label>
            <button type="button" className={BTN} disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move ${name} up`}>
              ↑
            </button>
            <button type="button" className={BTN} disabled={i === stops.length - 1} onClick={() => move(i, 1)} aria-label={`Move ${name} down`}>
              ↓
            </button>
            <button type="button" className={BTN} onClick={() => onChange(stops.filter((_, k) => k !== i))} aria-label={`Remove ${name}`}>
              ✕
            </button>
          </li>
        );
      })}
    </ol>
  );
}

type Outcome = { before: EditStop[]; after: EditStop[]; km_before: number; km_after: number; minutes_before: number; minutes_after: number; unassigned: { location_id: number; reason: string }[] };

/** One rep's day: pick and order the pending stops, save, optimise (before/after on the map), conflicts listed. */
function DayEditor({ rep, date, customers, byId, onChanged, onClose }: { rep: PlanWeekRep; date: string; customers: PlanCustomer[]; byId: Map<number, PlanCustomer>; onChanged: () => void; onClose: () => void }) {
  const [plan, setPlan] = useState<DayPlanResponse | null>(null);
  const [stops, setStops] = useState<EditStop[]>([]);
  const [saved, setSaved] = useState<string>("[]");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string>("");
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [showAll, setShowAll] = useState(true);
  const clientId = useClientIds();

  const adopt = useCallback((p: DayPlanResponse) => {
    setPlan(p);
    const pending = p.stops.filter((s) => s.status === "PENDING").map((s) => ({ location_id: s.location.id, planned_time: s.planned_time }));
    setStops(pending);
    setSaved(JSON.stringify(pending));
  }, []);
  useEffect(() => {
    let alive = true;
    api.request<DayPlanResponse>(`/api/v1/plans/${rep.id}/${date}`).then(
      (p) => alive && adopt(p),
      (e: unknown) => alive && setError(errorText(e)),
    );
    return () => {
      alive = false;
    };
  }, [rep.id, date, adopt]);

  const visited = plan?.stops.filter((s) => s.status !== "PENDING") ?? [];
  const dirty = JSON.stringify(stops) !== saved;
  // Plan-time conflicts: a customer twice, an appointment the order cannot meet (travel from the first stop at the day's start).
  const conflicts = useMemo(() => {
    const out: string[] = [];
    const seen = new Map<number, number>();
    stops.forEach((s) => seen.set(s.location_id, (seen.get(s.location_id) ?? 0) + 1));
    for (const [id, n] of seen) if (n > 1) out.push(`${byId.get(id)?.name ?? id} is planned ${n} times.`);
    const pts = stops.map((s, i) => ({ s, c: byId.get(s.location_id), i })).filter((x) => x.c);
    if (plan && pts.length) {
      const sched = scheduleDay(
        pts.map(({ s, c, i }) => ({ key: String(i), lat: c!.lat, lon: c!.lon, planned_time: s.planned_time })),
        { lat: pts[0]!.c!.lat, lon: pts[0]!.c!.lon },
        plan.work_hours.start,
        { routing: routingOf(plan) },
      );
      for (const t of sched.stops) if (t.late) out.push(`${byId.get(stops[Number(t.key)]!.location_id)?.name}: appointment at ${stops[Number(t.key)]!.planned_time} cannot be met in this order (arrives ${t.arrival}).`);
    }
    return out;
  }, [stops, byId, plan]);

  const save = async (): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      const body = { client_id: clientId(`put:${date}:${JSON.stringify(stops)}`), stops };
      adopt(await api.request<DayPlanResponse>(`/api/v1/plans/${rep.id}/${date}`, { method: "PUT", body }));
      setStatus(`Saved ${rep.name}'s plan for ${date}.`);
      onChanged();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const optimise = async () => {
    if (dirty && !(await save())) return;
    setBusy(true);
    setError(null);
    const before = stops;
    try {
      const r = await api.request<OptimizePlanResponse>(`/api/v1/plans/${rep.id}/${date}/optimize`, { method: "POST", body: { client_id: clientId(`opt:${date}:${JSON.stringify(before)}`) } });
      adopt(r.plan);
      const after = r.plan.stops.filter((s) => s.status === "PENDING").map((s) => ({ location_id: s.location.id, planned_time: s.planned_time }));
      setOutcome({ before, after, km_before: r.km_before, km_after: r.km_after, minutes_before: r.minutes_before, minutes_after: r.minutes_after, unassigned: r.unassigned });
      setStatus(`Optimised: ${r.km_before.toFixed(1)} km → ${r.km_after.toFixed(1)} km.`);
      onChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const taken = new Set(stops.map((s) => s.location_id));
  const line = (id: string, xs: EditStop[], color: string, dashed: boolean, label: string): MapLine => ({
    id,
    points: xs.map((s) => byId.get(s.location_id)).filter((c): c is PlanCustomer => !!c),
    color,
    dashed,
    label,
  });
  const lines: MapLine[] = outcome ? [line("before", outcome.before, "#64748b", true, "Before"), line("after", outcome.after, "#0f766e", false, "After")] : [line("route", stops, "#0f766e", false, "Route")];
  const order = new Map(stops.map((s, i) => [s.location_id, i + 1]));
  // The day's stops stand out (badge, full size); every other customer is a small grey dot to pick from, or hidden.
  const markers: MapMarker[] = customers
    .filter((c) => order.has(c.id) || showAll)
    .map((c) =>
      order.has(c.id)
        ? { id: `c${c.id}`, lat: c.lat, lon: c.lon, label: `${order.get(c.id)}. ${c.name}`, badge: String(order.get(c.id)), color: "#0f766e" }
        : { id: `c${c.id}`, lat: c.lat, lon: c.lon, label: `${c.name}: add to the day`, color: "#94a3b8", small: true, onClick: () => setStops((s) => [...s, { location_id: c.id, planned_time: null }]) },
    );
  // The view fits the day's route (before and after), not the whole customer base; an empty day shows every customer.
  const fitTo = [...stops, ...(outcome?.before ?? [])].map((s) => byId.get(s.location_id)).filter((c): c is PlanCustomer => !!c);
  const unassignedNotes = new Map<number, string>();
  for (const u of outcome?.unassigned ?? []) {
    const i = stops.findIndex((s) => s.location_id === u.location_id);
    if (i >= 0) unassignedNotes.set(i, `Cannot be served: ${unassignedText(u.reason as UnassignedReason)} (kept at the end).`);
  }

  return (
    <section aria-labelledby="day-h" className="flex flex-col gap-3 rounded border border-slate-300 bg-slate-50 p-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="day-h" className="text-lg font-bold">
          {rep.name} · {date} {plan ? <span className="text-sm font-normal text-slate-600">({plan.source === "beat" ? "from a beat" : plan.source === "manual" ? "edited by hand" : "not planned"})</span> : null}
        </h2>
        <button type="button" className={BTN} onClick={onClose}>
          Close
        </button>
      </div>
      {error ? (
        <p role="alert" className="rounded bg-red-50 p-2 text-sm font-medium text-red-900">
          {error}
        </p>
      ) : null}
      <p role="status" aria-live="polite" className="text-sm text-slate-700">
        {status}
      </p>
      {!plan ? (
        <p role="status">Loading the plan…</p>
      ) : (
        <div className="grid gap-3 lg:grid-cols-2">
          <div className="flex flex-col gap-2">
            {visited.length ? <p className="text-sm text-slate-700">Visited (kept as they are): {visited.map((s) => s.location.name).join(", ")}</p> : null}
            <StopList stops={stops} byId={byId} onChange={setStops} notes={unassignedNotes} />
            {conflicts.length ? (
              <ul aria-label="Conflicts" className="flex flex-col gap-1 rounded border border-amber-500 bg-amber-50 p-2 text-sm text-amber-950">
                {conflicts.map((c) => (
                  <li key={c}>⚠ {c}</li>
                ))}
              </ul>
            ) : null}
            <div className="flex flex-wrap gap-2">
              <button type="button" className={PRIMARY} disabled={busy || !dirty} onClick={() => void save()}>
                Save day
              </button>
              <button type="button" className={PRIMARY} disabled={busy || stops.length < 2} onClick={() => void optimise()}>
                Optimise
              </button>
              <button type="button" className={BTN} disabled={busy || !dirty} onClick={() => adopt(plan)}>
                Undo changes
              </button>
            </div>
            {outcome ? (
              <div role="region" aria-label="Optimisation result" className="rounded border border-brand-700 bg-white p-2 text-sm" data-testid="optimise-outcome">
                <p className="font-semibold">
                  {outcome.km_before.toFixed(1)} km → {outcome.km_after.toFixed(1)} km · saves {(outcome.km_before - outcome.km_after).toFixed(1)} km and {Math.round(outcome.minutes_before - outcome.minutes_after)} min of driving
                </p>
                <p className="text-slate-700">Map: before dashed grey, after solid green.</p>
                {outcome.unassigned.length ? <p className="text-amber-900">{outcome.unassigned.length} stop(s) cannot be served in their appointment time: kept at the end.</p> : null}
              </div>
            ) : null}
            <CustomerPicker customers={customers} taken={taken} onPick={(c) => setStops((s) => [...s, { location_id: c.id, planned_time: null }])} />
          </div>
          <div className="flex flex-col gap-1">
            <FieldMap
              ariaLabel={`${rep.name}'s route on ${date}${showAll ? "; small grey dots are other customers, click one to add it" : ""}`}
              height="420px"
              markers={markers}
              lines={lines}
              fitTo={fitTo}
            />
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
              Show all customers (grey dots: click one to add it)
            </label>
          </div>
        </div>
      )}
    </section>
  );
}

/** Create or edit a beat: weekdays, every N weeks, from/to dates, stops from the customer list. */
function BeatEditor({ rep, beat, today, customers, byId, onDone, onClose }: { rep: PlanWeekRep; beat: BeatJson | null; today: string; customers: PlanCustomer[]; byId: Map<number, PlanCustomer>; onDone: () => void; onClose: () => void }) {
  const [name, setName] = useState(beat?.name ?? "");
  const [weekdays, setWeekdays] = useState<number[]>(beat?.weekdays ?? [1]);
  const [everyWeeks, setEveryWeeks] = useState<1 | 2 | 4>((beat?.every_weeks as 1 | 2 | 4) ?? 1);
  const [startsOn, setStartsOn] = useState(beat?.starts_on ?? today);
  const [endsOn, setEndsOn] = useState(beat?.ends_on ?? "");
  const [keepOrder, setKeepOrder] = useState(beat?.keep_order ?? false);
  const [active, setActive] = useState(beat?.active ?? true);
  const [stops, setStops] = useState<EditStop[]>(beat?.stops ?? []);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const clientId = useClientIds();
  const fields = { name, weekdays: [...weekdays].sort(), every_weeks: everyWeeks, starts_on: startsOn, ends_on: endsOn || null, stops, keep_order: keepOrder };

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const key = JSON.stringify({ beat: beat?.id ?? null, ...fields, active });
      if (beat) await api.request(`/api/v1/beats/${beat.id}`, { method: "PATCH", body: { client_id: clientId(key), ...fields, active } });
      else await api.request(`/api/v1/beats`, { method: "POST", body: { client_id: clientId(key), personnel_id: rep.id, ...fields } });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const remove = async () => {
    if (!beat) return;
    setBusy(true);
    try {
      await api.request(`/api/v1/beats/${beat.id}`, { method: "DELETE" });
      onDone();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="beat-h" className="flex flex-col gap-3 rounded border border-slate-300 bg-slate-50 p-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="beat-h" className="text-lg font-bold">
          {beat ? `Beat ${beat.name}` : "New beat"} · {rep.name}
        </h2>
        <button type="button" className={BTN} onClick={onClose}>
          Close
        </button>
      </div>
      <form onSubmit={(e) => void submit(e)} className="grid gap-3 lg:grid-cols-2">
        <div className="flex flex-col gap-2">
          {error ? (
            <p role="alert" className="rounded bg-red-50 p-2 text-sm font-medium text-red-900">
              {error}
            </p>
          ) : null}
          <label className="flex flex-col text-sm font-medium">
            Name
            <input required value={name} onChange={(e) => setName(e.target.value)} className="min-h-9 rounded border border-slate-300 px-2 font-normal" />
          </label>
          <fieldset className="flex flex-wrap gap-2 text-sm">
            <legend className="font-medium">Weekdays</legend>
            {WEEKDAYS.map((w, i) => (
              <label key={w} className="flex min-h-9 items-center gap-1 rounded border border-slate-300 bg-white px-2">
                <input type="checkbox" checked={weekdays.includes(i + 1)} onChange={(e) => setWeekdays(e.target.checked ? [...weekdays, i + 1] : weekdays.filter((d) => d !== i + 1))} />
                {w}
              </label>
            ))}
          </fieldset>
          <div className="flex flex-wrap gap-3 text-sm">
            <label className="flex flex-col font-medium">
              Every
              <select value={everyWeeks} onChange={(e) => setEveryWeeks(Number(e.target.value) as 1 | 2 | 4)} className="min-h-9 rounded border border-slate-300 px-2 font-normal">
                <option value={1}>week</option>
                <option value={2}>2 weeks</option>
                <option value={4}>4 weeks</option>
              </select>
            </label>
            <label className="flex flex-col font-medium">
              Starts on
              <input type="date" required value={startsOn} onChange={(e) => setStartsOn(e.target.value)} className="min-h-9 rounded border border-slate-300 px-2 font-normal" />
            </label>
            <label className="flex flex-col font-medium">
              Ends on (optional)
              <input type="date" value={endsOn} onChange={(e) => setEndsOn(e.target.value)} className="min-h-9 rounded border border-slate-300 px-2 font-normal" />
            </label>
          </div>
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={keepOrder} onChange={(e) => setKeepOrder(e.target.checked)} />
            Keep my order (do not optimise the days)
          </label>
          {beat ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={active} onChange={(e) => setActive(e.target.checked)} />
              Active
            </label>
          ) : null}
          <h3 className="font-semibold">Stops</h3>
          <StopList stops={stops} byId={byId} onChange={setStops} />
          <div className="flex flex-wrap gap-2">
            <button type="submit" className={PRIMARY} disabled={busy || stops.length === 0 || weekdays.length === 0}>
              {beat ? "Save beat" : "Create beat"}
            </button>
            {beat ? (
              <button type="button" className={BTN} disabled={busy} onClick={() => void remove()}>
                Delete beat
              </button>
            ) : null}
          </div>
        </div>
        <CustomerPicker customers={customers} taken={new Set(stops.map((s) => s.location_id))} onPick={(c) => setStops((s) => [...s, { location_id: c.id, planned_time: null }])} />
      </form>
    </section>
  );
}
