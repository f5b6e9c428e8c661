"use client";

import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";
import type { SelfieUploadResult } from "@/contracts/photos";
import type { QueueItem } from "@/lib/offline/queue-types";
import type { RepStore } from "./rep-store";
import { Btn, Card } from "./ui";
import { STALE_FIX_MS, type Fix } from "./use-location";

// Camera code loads only when a rep reaches this step (first-load JS of /rep stays small).
const SelfieCapture = dynamic(() => import("@/components/camera/selfie-capture").then((m) => m.SelfieCapture), {
  ssr: false,
  loading: () => <p className="text-slate-800">Opening the camera…</p>,
});

/** What happened to a queued selfie: saved on the phone, refused with the server's message, or judged. */
function SelfieStatus({ item }: { item: QueueItem }) {
  if (item.status === "failed") {
    return (
      <p role="alert" className="rounded-xl border-2 border-red-700 bg-red-50 p-3 text-red-950">
        Selfie refused by the server: {item.error?.message}. Open Sync to retry or discard it.
      </p>
    );
  }
  const r = item.result as SelfieUploadResult | null;
  if (item.status !== "done" || !r) return <p className="text-slate-900" data-testid="selfie-queued">Selfie saved on this phone; it uploads when the network allows.</p>;
  return (
    <div className="flex flex-col gap-1" data-testid="selfie-done">
      <p className="font-semibold">Selfie uploaded</p>
      {r.validation.flags.length ? <p className="text-sm font-semibold text-amber-900">Flags: {r.validation.flags.join(", ")}</p> : null}
      <ul className="list-disc pl-5 text-sm text-slate-800">
        {r.validation.reasons.map((x) => (
          <li key={x}>{x}</li>
        ))}
      </ul>
    </div>
  );
}

/**
 * The selfie step of a visit: a live capture (or the file fallback) with a fix taken at that moment, queued with its
 * Blob in IndexedDB and uploaded once the check-in has synced (DESIGN §8). Optional for the rep; a location type
 * that requires one flags the visit NO_SELFIE at check-out.
 */
export function SelfieStep({ store, checkIn, locationName, visitId, liveFix }: { store: RepStore; checkIn: QueueItem; locationName: string; visitId?: number; liveFix: Fix | null }) {
  // The watch's latest fix at the moment of capture (the app's one position source); none within the freshness window: flagged.
  const latest = useRef(liveFix);
  useEffect(() => {
    latest.current = liveFix;
  }, [liveFix]);
  const [capturing, setCapturing] = useState(false);
  const [busy, setBusy] = useState(false);
  const queued = [...store.items].reverse().find((i) => i.kind === "visit.selfie" && i.check_in_client_id === checkIn.client_id) ?? null;
  return (
    <Card className="flex flex-col gap-2">
      <h2 className="font-semibold">Selfie</h2>
      {queued ? (
        <SelfieStatus item={queued} />
      ) : capturing ? (
        <SelfieCapture
          currentFix={() => {
            const f = latest.current;
            return f && Date.now() - f.t <= STALE_FIX_MS ? { lat: f.lat, lon: f.lon, accuracy_m: Math.min(Math.max(f.accuracy_m, 0), 100_000), captured_at: new Date(f.t).toISOString() } : null;
          }}
          confirmLabel={busy ? "Saving…" : "Save selfie"}
          busy={busy}
          onCancel={() => setCapturing(false)}
          onCapture={async (c) => {
            setBusy(true);
            try {
              await store.act(
                {
                  kind: "visit.selfie",
                  check_in_client_id: checkIn.client_id,
                  location_name: locationName,
                  ...(visitId ? { visit_id: visitId } : {}),
                  meta: { client_id: crypto.randomUUID(), source: c.source, capture_fix: c.captureFix, device_time: c.deviceTime, user_agent: c.userAgent.slice(0, 500), offline_replay: !navigator.onLine },
                },
                c.blob,
              );
              setCapturing(false);
            } finally {
              setBusy(false);
            }
          }}
        />
      ) : (
        <>
          <p className="text-slate-800">A live selfie at the customer is part of the visit&apos;s evidence. It is saved on this phone first, so it works offline.</p>
          <Btn onClick={() => setCapturing(true)}>Take selfie</Btn>
        </>
      )}
    </Card>
  );
}
