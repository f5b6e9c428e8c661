"use client";

import type { QueueItem } from "@/lib/offline/queue-types";
import type { RepStore } from "./rep-store";
import { Btn, Card } from "./ui";

const KIND: Record<QueueItem["kind"], string> = {
  "session.start": "Start day",
  "session.end": "End day",
  "visit.check_in": "Check-in",
  "visit.check_out": "Check-out",
  "visit.selfie": "Selfie",
  "tracking.pings": "Location breadcrumb",
  "plan.put": "New route order",
};
const STATUS: Record<QueueItem["status"], [string, string]> = {
  pending: ["Waiting", "bg-amber-100 text-amber-950"],
  done: ["Sent", "bg-green-100 text-green-950"],
  failed: ["Failed", "bg-red-100 text-red-950"],
};
const time = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" }) : "—");

/** Everything this phone has recorded and whether the server has it: retry or discard what the server refused. */
export function SyncScreen({ store }: { store: RepStore }) {
  const items = [...store.items].reverse();
  const pending = items.filter((i) => i.status === "pending").length;
  const failed = items.filter((i) => i.status === "failed").length;
  return (
    <section aria-labelledby="sync-h" className="flex flex-col gap-3">
      <h1 id="sync-h" className="text-2xl font-bold">
        Sync
      </h1>
      <p role="status" aria-live="polite" className="text-slate-900">
        {store.online ? "Online" : "Offline"} · {pending} waiting · {failed} failed · last successful sync {time(store.lastSync)}
      </p>
      <Btn onClick={() => void store.sync(true)} disabled={!pending}>
        Sync now
      </Btn>
      {items.length === 0 ? <Card>Nothing recorded on this phone yet.</Card> : null}
      <ul aria-label="Queued actions" className="flex flex-col gap-2">
        {items.map((i) => {
          const [label, tone] = STATUS[i.status];
          const name = "location_name" in i ? ` · ${i.location_name}` : i.kind === "tracking.pings" ? ` · ${i.body.pings.length} fix(es)` : "";
          return (
            <li key={i.seq} className="rounded-xl border border-slate-300 p-3" data-status={i.status}>
              <div className="flex items-start justify-between gap-2">
                <span className="font-semibold">
                  {KIND[i.kind]}
                  {name}
                </span>
                <span className={`rounded px-2 py-0.5 text-sm font-semibold ${tone}`}>{label}</span>
              </div>
              <p className="text-sm text-slate-800">
                Recorded {time(i.created_at)}
                {i.done_at ? ` · sent ${time(i.done_at)}` : ""}
                {i.attempts ? ` · ${i.attempts} attempt(s)` : ""}
                {i.status === "pending" && i.next_attempt_at ? ` · next try ${time(i.next_attempt_at)}` : ""}
              </p>
              {i.error && i.status !== "done" ? <p className="text-sm font-medium text-red-900">{i.error.message}</p> : null}
              {i.status === "failed" ? (
                <div className="mt-2 flex gap-2">
                  <Btn tone="secondary" onClick={() => void store.retry(i.seq!)}>
                    Retry
                  </Btn>
                  <Btn tone="danger" onClick={() => void store.discard(i.seq!)} aria-label={`Discard ${KIND[i.kind]}${name}`}>
                    Discard
                  </Btn>
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      {store.others.length ? <OtherAccounts store={store} /> : null}
    </section>
  );
}

/**
 * Unsent work another person recorded on this phone: never sent with this session; it goes when they sign in again.
 * Items from before owners were recorded (unknown owner) can be claimed by the person they belong to.
 */
function OtherAccounts({ store }: { store: RepStore }) {
  const unknown = store.others.filter((i) => i.owner === null).length;
  return (
    <section aria-labelledby="others-h" className="flex flex-col gap-2">
      <h2 id="others-h" className="text-lg font-bold">
        Another account on this phone
      </h2>
      <p className="text-sm text-slate-900">
        {store.others.length} item(s) recorded by another account. They are kept here and sent when that person signs in again; they are never sent as you.
      </p>
      {unknown ? (
        <Btn tone="secondary" onClick={() => void store.claimUnowned()}>
          {unknown} item(s) from an older app version are mine: send them
        </Btn>
      ) : null}
      <ul aria-label="Another account's items" className="flex flex-col gap-2">
        {store.others.map((i) => (
          <li key={i.seq} className="flex items-center justify-between gap-2 rounded-xl border border-slate-300 p-3" data-status="other-account">
            <span>
              <span className="font-semibold">{KIND[i.kind]}</span> · recorded {time(i.created_at)} · {i.owner === null ? "owner unknown" : "not sent"}
            </span>
            <Btn tone="danger" onClick={() => void store.discard(i.seq!)} aria-label={`Discard another account's ${KIND[i.kind]}`}>
              Discard
            </Btn>
          </li>
        ))}
      </ul>
    </section>
  );
}
