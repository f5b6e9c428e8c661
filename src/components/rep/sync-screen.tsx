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
    </section>
  );
}
