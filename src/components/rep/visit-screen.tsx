"use client";

import { useRef, useState } from "react";
import type { VisitResult } from "@/contracts/visits";
import { formatDistance, metersBetween } from "@/lib/geo/distance";
import type { QueueItem } from "@/lib/offline/queue-types";
import type { RepStore } from "./rep-store";
import { SelfieStep } from "./selfie-step";
import { Btn, Card, FixBadge, PermissionHelp, VerdictBadge } from "./ui";
import { FIX_WAIT_S, STALE_FIX_MS, useFreshFix, type Fix, type LocStatus } from "./use-location";

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
function Verdict({ item, what, onOpenSync }: { item: QueueItem; what: string; onOpenSync: () => void }) {
  if (item.status === "failed") {
    return (
      <div role="alert" className="flex flex-col gap-2 rounded-xl border-2 border-red-700 bg-red-50 p-3 text-red-950">
        <p className="font-semibold">{what} refused by the server</p>
        <p>{item.error?.message}</p>
        <p className="text-sm">Retry it or discard it in Sync.</p>
        <Btn tone="secondary" onClick={onOpenSync}>
          Open Sync
        </Btn>
      </div>
    );
  }
  const r = item.result as VisitResult | null;
  // A check-in known from the server only (another phone, cleared data): no verdict on this phone.
  if (item.status === "done" && r && !r.validation) return <p className="rounded-xl bg-slate-100 p-3 text-slate-900">{what} recorded on the server at {new Date(item.created_at).toLocaleTimeString()}.</p>;
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
type VisitProps = {
  store: RepStore;
  place: VisitPlace;
  liveFix: Fix | null;
  fixStatus: LocStatus;
  /** The open visit's customer (null: none open). */
  openPlace: VisitPlace | null;
  /** The next planned stop after this one (null: none left). */
  nextPlace: VisitPlace | null;
  onOpen: (place: VisitPlace) => void;
  onOpenSync: () => void;
  onBack: () => void;
};

export function VisitScreen({ store, place, onBack, liveFix, fixStatus, openPlace, nextPlace, onOpen, onOpenSync }: VisitProps) {
  const fix = liveFix;
  const status = fixStatus;
  const { wait, get, reset } = useFreshFix(liveFix);
  const retryWith = useRef<((f: Fix) => Promise<unknown>) | null>(null);
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
  const closedElsewhere = here ? day.closedElsewhere.has(here.client_id) : false;
  const finished = !!checkOut || closedElsewhere;
  const knownVisitId = here && here.seq === undefined ? ((here.result as { visit?: { id?: number } } | null)?.visit?.id ?? undefined) : undefined;
  // Adopted from the server (never queued here): the check-out keeps the server's description of it.
  const serverVisit = knownVisitId !== undefined && store.session?.open_visit?.id === knownVisitId ? store.session.open_visit : undefined;

  // The fix comes from the watch (fresh, or after a visible countdown); when none comes, the rep chooses (below).
  const run = async (fn: (f: Fix) => Promise<unknown>) => {
    setBusy(true);
    retryWith.current = fn;
    try {
      const f = await get();
      if (f) {
        retryWith.current = null;
        await fn(f);
      }
    } finally {
      setBusy(false);
    }
  };
  const sendWithBest = async (best: Fix) => {
    const fn = retryWith.current;
    reset();
    retryWith.current = null;
    if (!fn) return;
    setBusy(true);
    try {
      await fn(best);
    } finally {
      setBusy(false);
    }
  };
  const busyLabel = wait.phase === "waiting" ? `Waiting for a fresh position… ${wait.secondsLeft} s` : "Saving…";

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
      {wait.phase === "timed_out" ? (
        <div role="alert" className="flex flex-col gap-2 rounded-xl border-2 border-amber-600 bg-amber-50 p-3 text-amber-950">
          <p className="font-semibold">No fresh position in {FIX_WAIT_S} s.</p>
          {wait.best ? (
            <>
              <p className="text-sm">
                The last position is {ageText(wait.ageMs)} old{wait.ageMs > STALE_FIX_MS ? ": the visit will be flagged STALE_FIX for your manager" : ""}.
              </p>
              <Btn onClick={() => void sendWithBest(wait.best!)}>Use the position from {ageText(wait.ageMs)} ago</Btn>
            </>
          ) : (
            <p className="text-sm">Step outside or near a window, and check that location is on for this browser.</p>
          )}
          <Btn tone="secondary" onClick={() => retryWith.current && void run(retryWith.current)}>
            Try again
          </Btn>
        </div>
      ) : null}

      {refused ? <Verdict item={refused} what="Check-in" onOpenSync={onOpenSync} /> : null}
      {openElsewhere && openElsewhere.kind === "visit.check_in" ? (
        <div role="status" className="flex flex-col gap-2 rounded-xl bg-amber-50 p-3 text-amber-950">
          <p>You are checked in at {openElsewhere.location_name}: check out there first.</p>
          {openPlace ? <Btn onClick={() => onOpen(openPlace)}>Go to {openPlace.name} to check out</Btn> : null}
        </div>
      ) : finished ? (
        <>
          {closedElsewhere ? <p className="rounded-xl bg-slate-100 p-3 text-slate-900">This visit was closed for you (by your manager or at the end of the work day).</p> : null}
          {nextPlace ? <Btn onClick={() => onOpen(nextPlace)}>Next stop: {nextPlace.name}</Btn> : <Btn onClick={onBack}>Back to Today</Btn>}
          <Btn
            tone="secondary"
            disabled={busy}
            onClick={() => run((f) => store.act({ kind: "visit.check_in", location_name: place.name, place, body: { client_id: uuid(), location_id: place.id, ...fixBody(f) } }))}
          >
            {busy ? busyLabel : "Check in here again"}
          </Btn>
        </>
      ) : !here ? (
        <Btn
          disabled={busy}
          onClick={() => run((f) => store.act({ kind: "visit.check_in", location_name: place.name, place, body: { client_id: uuid(), location_id: place.id, ...fixBody(f) } }))}
        >
          {busy ? busyLabel : "Check in"}
        </Btn>
      ) : null}

      {here ? (
        <div aria-live="polite" className="flex flex-col gap-3">
          <Verdict item={here} what="Check-in" onOpenSync={onOpenSync} />
          {here.status !== "failed" && !closedElsewhere ? <SelfieStep store={store} checkIn={here} locationName={place.name} visitId={knownVisitId} liveFix={liveFix} /> : null}
          {!finished && here.status !== "failed" ? (
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
                    store.act({
                      kind: "visit.check_out",
                      check_in_client_id: here.client_id,
                      location_name: place.name,
                      ...(knownVisitId ? { visit_id: knownVisitId } : {}),
                      ...(serverVisit ? { server_visit: serverVisit } : {}),
                      body: { client_id: uuid(), ...fixBody(f), outcome, ...(notes.trim() ? { notes: notes.trim() } : {}) },
                    }),
                  )
                }
              >
                {busy ? busyLabel : "Check out"}
              </Btn>
            </Card>
          ) : null}
          {checkOut ? <Verdict item={checkOut} what="Check-out" onOpenSync={onOpenSync} /> : null}
        </div>
      ) : null}
    </section>
  );
}

function ageText(ms: number): string {
  const sec = Math.max(0, Math.round(ms / 1000));
  return sec < 90 ? `${sec} s` : `${Math.round(sec / 60)} min`;
}
