"use client";

import { filteredTravel } from "@/lib/geo/travel-filter";
import { PushPanel } from "./push-panel";
import type { RepStore } from "./rep-store";
import { Card } from "./ui";

/** The day in numbers: visits, kilometres (the travel filter over this phone's breadcrumbs, or the server's figure), gaps. */
export function SummaryScreen({ store }: { store: RepStore }) {
  const { day, items, session } = store;
  const fixes = items.flatMap((i) => (i.kind === "tracking.pings" && i.status !== "failed" ? i.body.pings.map((p) => ({ lat: p.lat, lon: p.lon, accuracy_m: p.accuracy_m, t: Date.parse(p.captured_at) })) : []));
  const gaps = items.flatMap((i) => (i.kind === "tracking.pings" ? (i.body.gaps ?? []) : []));
  const local = filteredTravel(fixes);
  const serverKm = session?.session?.status === "CLOSED" ? session.session.total_travel_km : null;
  const done = day.checkOuts.length;
  return (
    <section aria-labelledby="sum-h" className="flex flex-col gap-3">
      <h1 id="sum-h" className="text-2xl font-bold">
        Day summary
      </h1>
      <dl className="grid grid-cols-2 gap-2">
        <Card>
          <dt className="text-sm text-slate-700">Visits</dt>
          <dd className="text-2xl font-bold">
            {done} done · {day.checkIns.length - done} open
          </dd>
        </Card>
        <Card>
          <dt className="text-sm text-slate-700">Distance</dt>
          <dd className="text-2xl font-bold">{(serverKm ?? local.meters / 1000).toFixed(2)} km</dd>
        </Card>
        <Card className="col-span-2">
          <dt className="text-sm text-slate-700">Location fixes</dt>
          <dd>
            {fixes.length} recorded, {local.kept} counted (coarse, backwards and impossible jumps are not counted)
          </dd>
        </Card>
      </dl>
      <h2 className="font-semibold">Gaps</h2>
      {gaps.length === 0 ? (
        <p className="text-slate-800">No gaps recorded.</p>
      ) : (
        <ul className="flex flex-col gap-1">
          {gaps.map((g) => (
            <li key={g.from} className="text-slate-900">
              {new Date(g.from).toLocaleTimeString()}–{new Date(g.to).toLocaleTimeString()}: {g.cause.replace("_", " ")}
            </li>
          ))}
        </ul>
      )}
      <PushPanel />
    </section>
  );
}
