"use client";

import { useState } from "react";
import type { NearbyResponse } from "@/contracts/locations";
import { formatDistance } from "@/lib/geo/distance";
import { api } from "./rep-store";
import { Btn, Card, FixBadge, PermissionHelp } from "./ui";
import { FIX_WAIT_S, useFreshFix, type Fix, type LocStatus } from "./use-location";
import type { VisitPlace } from "./visit-screen";

/** Customers around the rep (online: the server's PostGIS nearest-first search), to check in off-plan. */
export function NearbyScreen({ onOpen, liveFix, fixStatus }: { onOpen: (p: VisitPlace) => void; liveFix: Fix | null; fixStatus: LocStatus }) {
  const fix = liveFix;
  const status = fixStatus;
  const { wait, get } = useFreshFix(liveFix);
  const [list, setList] = useState<NearbyResponse["locations"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const search = async () => {
    setError(null);
    // For a search, the watch's latest position (up to 30 s old) will do; else a fresh one, with a countdown.
    const f = liveFix && Date.now() - liveFix.t < 30_000 ? liveFix : ((await get()) ?? liveFix);
    if (!f) return setError(`No position in ${FIX_WAIT_S} s: check that location is on for this browser, then try again.`);
    try {
      setList((await api.nearby({ lat: f.lat, lon: f.lon, radius: 2000, limit: 20 })).locations);
    } catch {
      setError("Nearby search needs a connection. Your planned stops work offline on Today.");
    }
  };
  return (
    <section aria-labelledby="near-h" className="flex flex-col gap-3">
      <h1 id="near-h" className="text-2xl font-bold">
        Nearby
      </h1>
      <FixBadge fix={fix} status={status} />
      {status === "denied" ? <PermissionHelp what="location" /> : null}
      <Btn onClick={() => void search()} disabled={wait.phase === "waiting"}>
        {wait.phase === "waiting" ? `Waiting for your position… ${wait.secondsLeft} s` : "Find customers near me"}
      </Btn>
      {error ? <p role="alert">{error}</p> : null}
      {list && list.length === 0 ? <Card>No customers within 2 km.</Card> : null}
      <ul aria-label="Nearby customers" className="flex flex-col gap-2">
        {list?.map((l) => (
          <li key={l.id}>
            <button
              type="button"
              className="flex min-h-14 w-full items-center justify-between gap-2 rounded-xl border-2 border-slate-300 p-3 text-left"
              onClick={() => onOpen({ id: l.id, name: l.name, address: l.address, lat: l.lat, lon: l.lon, geofence_radius: l.geofence_radius })}
            >
              <span className="font-semibold">{l.name}</span>
              <span className="shrink-0 text-sm">{formatDistance(l.distance_m)}</span>
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
