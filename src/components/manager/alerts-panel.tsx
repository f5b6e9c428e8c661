"use client";

import Link from "next/link";
import { useState } from "react";
import type { AlertJson } from "@/contracts/alerts";
import type { LiveEventJson } from "@/contracts/live-events";
import { acknowledgeAlertAction } from "@/server/alerts/alerts.actions";
import { formatClock } from "./rep-states";
import { dateTimeFormat } from "@/lib/time";
import { useHydrated } from "@/lib/use-hydrated";

const KIND_LABEL: Record<AlertJson["kind"], string> = {
  late_check_in: "Late check-in",
  missing_check_out: "Missing check-out",
  risky_visit: "Needs review",
  not_tracked: "Not tracked",
};

/** An alert.raised event as a panel row (the event carries everything but the rep's name). */
export function alertFromEvent(e: LiveEventJson, name: string): AlertJson | null {
  const p = e.payload;
  if (typeof p.alert_id !== "number" || e.personnel_id === null) return null;
  return {
    id: p.alert_id,
    kind: p.kind as AlertJson["kind"],
    severity: p.severity === "critical" ? "critical" : "warning",
    personnel_id: e.personnel_id,
    personnel_name: name,
    visit_id: e.visit_id,
    message: String(p.message ?? ""),
    raised_at: typeof p.raised_at === "string" ? p.raised_at : e.created_at,
    acknowledged_at: null,
    acknowledged_by_name: null,
  };
}

/** When an alert was acknowledged, seen from its day: at a clock time that day, or a date and time after it. */
function acknowledgedText(a: AlertJson, timeZone: string, dayEnd: string | null): string {
  const at = a.acknowledged_at!;
  const by = a.acknowledged_by_name ? ` by ${a.acknowledged_by_name}` : "";
  if (!dayEnd || at < dayEnd) return `Acknowledged ${formatClock(at, timeZone)}${by}`;
  const when = dateTimeFormat("en-IN", { timeZone, day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false }).format(new Date(at));
  return `Open at the day's end; acknowledged ${when}${by}`;
}

/**
 * Today (no `day`): the team's open alerts, newest first; each can be acknowledged (audit-logged on the server).
 * A past day: the alerts raised that day with their status — acknowledged that day, later, or still open (those can
 * still be acknowledged).
 */
export function AlertsPanel({
  alerts,
  timeZone,
  day = null,
  onAcknowledged,
}: {
  alerts: AlertJson[];
  timeZone: string;
  /** A past day's panel: its date and the instant it ended (ISO). */
  day?: { date: string; end: string } | null;
  onAcknowledged: (alert: AlertJson) => void;
}) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const hydrated = useHydrated(); // Acknowledge is JavaScript: disabled until then, so an early click is not lost
  const acknowledge = async (id: number) => {
    setBusy(id);
    setError(null);
    const res = await acknowledgeAlertAction({ client_id: crypto.randomUUID(), alert_id: id });
    setBusy(null);
    if (res.ok) onAcknowledged(res.data);
    else setError(res.error.message);
  };
  const open = alerts.filter((a) => !a.acknowledged_at).length;
  return (
    <section aria-labelledby="alerts-h" className="flex flex-col gap-1 rounded border border-slate-200 p-2" data-alerts-day={day?.date ?? "today"}>
      <h2 id="alerts-h" className="text-sm font-semibold">
        {day ? (
          <>
            Alerts raised on {day.date}{" "}
            <span className="font-normal text-slate-600">
              ({alerts.length} raised, {open} still open)
            </span>
          </>
        ) : (
          <>
            Alerts <span className="font-normal text-slate-600">({alerts.length} open)</span>
          </>
        )}
      </h2>
      {error ? <p role="alert" className="text-sm text-red-700">{error}</p> : null}
      {alerts.length === 0 ? (
        <p className="text-sm text-slate-600">{day ? `No alerts were raised on ${day.date}.` : "No open alerts."}</p>
      ) : (
        <ul className="flex max-h-72 flex-col divide-y divide-slate-100 overflow-y-auto text-sm" aria-live="polite" data-testid="alerts">
          {alerts.map((a) => (
            <li key={a.id} className="flex items-center justify-between gap-2 py-1.5" data-alert-id={a.id} data-alert-status={a.acknowledged_at ? "acknowledged" : "open"}>
              <span>
                <span className={`mr-2 rounded px-1.5 py-0.5 text-xs font-semibold ${a.severity === "critical" ? "bg-red-100 text-red-800" : "bg-amber-100 text-amber-900"}`}>
                  {KIND_LABEL[a.kind] ?? a.kind}
                </span>
                <span className="mr-2 tabular-nums text-slate-500">{formatClock(a.raised_at, timeZone)}</span>
                <Link href={`/manager/reps/${a.personnel_id}`} className="font-medium text-brand-700 underline">{a.personnel_name}</Link>: {a.message}
                {a.visit_id ? (
                  <Link href={`/manager/visits/${a.visit_id}`} className="ml-1 text-xs underline">visit</Link>
                ) : null}
                {day ? (
                  <span className={`ml-2 text-xs ${a.acknowledged_at ? "text-slate-600" : "font-semibold text-red-700"}`}>
                    {a.acknowledged_at ? acknowledgedText(a, timeZone, day.end) : "Still open"}
                  </span>
                ) : null}
              </span>
              {a.acknowledged_at ? null : (
                <button type="button" onClick={() => acknowledge(a.id)} disabled={busy === a.id || !hydrated} className="min-h-9 shrink-0 rounded border border-slate-300 px-2 text-xs hover:bg-slate-50">
                  Acknowledge<span className="sr-only"> {KIND_LABEL[a.kind]} alert for {a.personnel_name}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
