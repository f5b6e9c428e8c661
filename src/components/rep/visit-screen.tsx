"use client";

import { useState } from "react";
import type { VisitResult } from "@/contracts/visits";
import { formatDistance, metersBetween } from "@/lib/geo/distance";
import type { QueueItem } from "@/lib/offline/queue-types";
import type { RepStore } from "./rep-store";
import { SelfieStep } from "./selfie-step";
import { Btn, Card, FixBadge, PermissionHelp, VerdictBadge } from "./ui";
import { useCurrentFix, type Fix } from "./use-location";

export type VisitPlace = { id: number; name: string; address: string | null; lat: number; lon: number; geofence_radius: number };

const OUTCOMES = [
  ["ORDER_TAKEN", "Order taken"],
  ["NO_ORDER", "No order"],
  ["FOLLOW_UP", "Follow-up needed"],
  ["CLOSED", "Shop closed"],
] as const;

const uuid = () => crypto.randomUUID();
const fixBody = (f: Fix) => ({ lat: f.lat, lon: f.lon, accuracy_m: f.accuracy_m, captured_at: new Date(f.t).toISOString() });

/** What the server said about a queued check-in/out: verdict, distance, flags with reasons; or that it is still queued or refused. */
function Verdict({ item, what }: { item: QueueItem; what: string }) {
  if (item.status === "failed") {
    return (
      <div role="alert" className="rounded-xl border-2 border-red-700 bg-red-50 p-3 text-red-950">
        <p className="font-semibold">{what} refused by the server</p>
        <p>{item.error?.message}</p>
        <p className="text-sm">Open Sync to retry or discard it.</p>
      </div>
    );
  }
  const r = item.result as VisitResult | null;
  if (item.status !== "done" || !r) return <p className="rounded-xl bg-slate-100 p-3 text-slate-900">{what} saved on this phone; the verdict arrives when it syncs.</p>;
  const v = r.validation;
  return (
    <Card>
      <p className="flex flex-wrap items-center gap-2 font-semibold">
        {what}: <VerdictBadge status={v.status} /> {v.distance.toFixed(2)} m from the customer (fence {v.radius} m)
      </p>
      <p className="text-sm text-slate-800">Evidence score {v.evidence_score}/100</p>
      {v.flags.length ? <p className="text-sm font-semibold text-amber-900">Flags: {v.flags.join(", ")}</p> : null}
      <ul className="list-disc pl-5 text-sm text-slate-800">
        {v.reasons.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
    </Card>
  );
}

/** Check in → selfie → notes and outcome → check out, at a planned stop or any nearby customer. */
export function VisitScreen({ store, place, onBack, liveFix }: { store: RepStore; place: VisitPlace; onBack: () => void; liveFix: Fix | null }) {
  const { fix: ownFix, status: ownStatus, locate, setFix } = useCurrentFix();
  const fix = ownFix ?? liveFix;
  const status = ownFix || !liveFix ? ownStatus : "ok";
  const [notes, setNotes] = useState("");
  const [outcome, setOutcome] = useState<string>(OUTCOMES[0][0]);
  const [busy, setBusy] = useState(false);
  const { day } = store;
  const open = day.openVisit;
  const here = [...day.checkIns].reverse().find((i) => i.kind === "visit.check_in" && i.body.location_id === place.id) ?? null;
  const checkOut = here ? (day.checkOuts.find((o) => o.kind === "visit.check_out" && o.check_in_client_id === here.client_id) ?? null) : null;
  // The latest attempt here, refused ones included: a refusal stays on screen with the server's message.
  const lastAttempt = [...store.items].reverse().find((i) => i.kind === "visit.check_in" && i.body.location_id === place.id) ?? null;
  const refused = lastAttempt?.status === "failed" && !here ? lastAttempt : null;
  const openElsewhere = open && open.kind === "visit.check_in" && open.body.location_id !== place.id ? open : null;

  const run = async (fn: (f: Fix) => Promise<unknown>) => {
    setBusy(true);
    try {
      // During an open day the watch already delivers fresh fixes: one under 10 s old is as good as a new request
      // (and a second request beside an active watch can stall on some devices).
      const fresh = liveFix && Date.now() - liveFix.t < 10_000 ? liveFix : null;
      if (fresh) setFix(fresh);
      const f = fresh ?? (await locate());
      if (f) await fn(f);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="visit-h" className="flex flex-col gap-3">
      <button type="button" onClick={onBack} className="min-h-11 self-start font-semibold text-brand-700 underline">
        ← Today
      </button>
      <h1 id="visit-h" className="text-2xl font-bold">
        {place.name}
      </h1>
      {place.address ? <p className="text-slate-700">{place.address}</p> : null}
      <FixBadge fix={fix} status={status} />
      {fix ? <p className="text-sm text-slate-800">About {formatDistance(metersBetween(fix, place))} from the customer (fence {place.geofence_radius} m)</p> : null}
      {status === "denied" ? <PermissionHelp what="location" /> : null}

      {refused ? <Verdict item={refused} what="Check-in" /> : null}
      {openElsewhere && openElsewhere.kind === "visit.check_in" ? (
        <p role="status" className="rounded-xl bg-amber-50 p-3 text-amber-950">
          You are checked in at {openElsewhere.location_name}: check out there first.
        </p>
      ) : !here || checkOut ? (
        <Btn
          disabled={busy}
          onClick={() => run((f) => store.act({ kind: "visit.check_in", location_name: place.name, body: { client_id: uuid(), location_id: place.id, ...fixBody(f) } }))}
        >
          {busy ? "Getting a fresh fix…" : checkOut ? "Check in again" : "Check in"}
        </Btn>
      ) : null}

      {here ? (
        <div aria-live="polite" className="flex flex-col gap-3">
          <Verdict item={here} what="Check-in" />
          {here.status !== "failed" ? <SelfieStep store={store} checkIn={here} locationName={place.name} /> : null}
          {!checkOut && here.status !== "failed" ? (
            <Card className="flex flex-col gap-2">
              <label htmlFor="visit-notes" className="font-semibold">
                Notes
              </label>
              <textarea id="visit-notes" value={notes} onChange={(e) => setNotes(e.target.value)} maxLength={2000} rows={3} className="rounded-lg border-2 border-slate-400 p-2" />
              <label htmlFor="visit-outcome" className="font-semibold">
                Outcome
              </label>
              <select id="visit-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)} className="min-h-12 rounded-lg border-2 border-slate-400 bg-white px-2">
                {OUTCOMES.map(([v, l]) => (
                  <option key={v} value={v}>
                    {l}
                  </option>
                ))}
              </select>
              <Btn
                disabled={busy}
                onClick={() =>
                  run((f) =>
                    store.act({ kind: "visit.check_out", check_in_client_id: here.client_id, location_name: place.name, body: { client_id: uuid(), ...fixBody(f), outcome, ...(notes.trim() ? { notes: notes.trim() } : {}) } }),
                  )
                }
              >
                Check out
              </Btn>
            </Card>
          ) : null}
          {checkOut ? <Verdict item={checkOut} what="Check-out" /> : null}
        </div>
      ) : null}
    </section>
  );
}
