import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { PutPlanRequest, TodayPlanResponse } from "../../src/contracts/plans";
import { NetworkError } from "../../src/lib/api/client";
import type { RepApi } from "../../src/lib/api/endpoints";
import { openOfflineDb } from "../../src/lib/offline/db";
import { enqueue, listItems } from "../../src/lib/offline/queue";
import type { QueueItem } from "../../src/lib/offline/queue-types";
import { drainQueue } from "../../src/lib/offline/replay";
import { DEFAULT_DAY_ROUTING, optimiseDay, routingOf, scheduleDay, type DayRouting, type DayStop } from "../../src/lib/routing/day-route";
import { optimizeRoute } from "../../src/lib/routing/optimize";
import { withQueuedOrder } from "../../src/components/rep/rep-store";
import { orgSettings } from "../../src/server/db/schema/settings";

/** Issue #19 on the phone: the day's route (arrival times, lateness), "Optimise my route", and the queued plan.put. */
const km = (k: number) => k / 111.32; // degrees of latitude per km
const stop = (key: string, northKm: number, planned_time: string | null = null): DayStop => ({ key, lat: 12.9 + km(northKm), lon: 77.6, planned_time });
const START = { lat: 12.9, lon: 77.6 };

describe("day route on the phone", () => {
  it("schedules the order given: arrival after travel at 30 km/h × 1.3 detour, 20 min service, waiting for an appointment, late flagged", () => {
    // 5 km north = 6.5 road km = 13 min; then 5 km more = 13 min after 20 min of service.
    const s = scheduleDay([stop("a", 5), stop("b", 10, "11:00"), stop("c", 15, "09:30")], START, "09:00");
    expect(s.stops.map((x) => [x.key, x.arrival, x.departure, x.late])).toEqual([
      ["a", "09:13", "09:33", false],
      ["b", "09:46", "11:20", false],
      ["c", "11:33", "11:53", true],
    ]);
    expect(s.km).toBeCloseTo(19.5, 0); // 15 km north (≈ on the ellipsoid) × 1.3
  });

  it("optimises a zigzag into the straight run, reports km before and after, and is the optimiser's answer", () => {
    const stops = [stop("far", 20), stop("near", 2), stop("mid", 10), stop("nearer", 1)];
    const r = optimiseDay(stops, START, "09:00");
    expect(r.order).toEqual(["nearer", "near", "mid", "far"]);
    expect(r.after.km).toBeLessThan(r.before.km);
    expect(r.after.km).toBeCloseTo(26, 0);
    expect(r.unassigned).toEqual([]);
    expect(r.result.order).toEqual(optimizeRoute({ start: START, start_time: "09:00", stops: stops.map((s) => ({ id: s.key, lat: s.lat, lon: s.lon, window: null })) }).order);
  });

  it("late in the evening still orders the stops without an appointment (they have no deadline); a passed appointment is reported", () => {
    // 23:30: the zigzag's free stops run past midnight (arrivals 24:xx) and are still put in the straight order.
    const stops = [stop("far", 20), stop("near", 2), stop("mid", 10), stop("nearer", 1), stop("booked", 3, "18:00")];
    const r = optimiseDay(stops, START, "23:30");
    expect(r.order).toEqual(["nearer", "near", "mid", "far", "booked"]);
    expect(r.unassigned).toEqual([{ key: "booked", reason: "window_unreachable" }]);
    expect(r.after.km).toBeLessThan(r.before.km);
    expect(r.result.stops.at(-1)).toMatchObject({ id: "far" });
    expect(r.result.stops.at(-1)!.arrival).toMatch(/^2[4-9]:\d\d$/);
    const s = scheduleDay(stops.slice(0, 4), START, "23:30");
    expect(s.stops.every((x) => !x.late)).toBe(true);
  });

  it("an appointment that cannot be reached is reported with its reason and kept at the end", () => {
    const r = optimiseDay([stop("a", 1), stop("b", 40, "09:05"), stop("c", 2)], START, "09:00");
    expect(r.order).toEqual(["a", "c", "b"]);
    expect(r.unassigned).toEqual([{ key: "b", reason: "window_unreachable" }]);
  });
});

describe("the organisation's routing numbers on the phone", () => {
  // A near stop without appointment and a far one booked at 10:00. At 30 km/h with 20 min per stop the near one fits
  // first; at 12 km/h with 45 min per stop it does not (09:13 + 45 + 52 min ≈ 10:50 > 10:15), so the far one goes first
  // (times: km on the ellipsoid, a degree of latitude is ≈ 110.6 km here, so legs are a little shorter than the round km).
  const stops = [stop("near", 2), stop("far", 10, "10:00")];
  const slow: DayRouting = { travel_speed_kmh: 12, route_detour_factor: 1.3, default_service_minutes: 45, appointment_minutes: 15 };

  it("change the order and the times, and are exactly the solver's input (speed, detour, service, appointment window)", () => {
    expect(optimiseDay(stops, START, "09:00").order).toEqual(["near", "far"]);
    const r = optimiseDay(stops, START, "09:00", { routing: slow });
    expect(r.order).toEqual(["far", "near"]);
    expect(r.result.stops.map((x) => [x.id, x.arrival, x.departure])).toEqual([
      ["far", "10:05", "10:50"],
      ["near", "11:41", "12:26"],
    ]);
    const direct = optimizeRoute({
      start: START,
      start_time: "09:00",
      speed_kmh: 12,
      detour_factor: 1.3,
      default_service_minutes: 45,
      stops: [
        { id: "near", lat: stops[0]!.lat, lon: stops[0]!.lon, window: null },
        { id: "far", lat: stops[1]!.lat, lon: stops[1]!.lon, window: { start: "10:00", end: "10:15" } },
      ],
    });
    expect(r.result).toEqual(direct);
    // The schedule shown for that order uses the same numbers.
    expect(scheduleDay([stops[1]!, stops[0]!], START, "09:00", { routing: slow }).stops.map((x) => [x.key, x.arrival, x.departure, x.late])).toEqual([
      ["far", "10:05", "10:50", false],
      ["near", "11:41", "12:26", false],
    ]);
  });

  it("a longer appointment grace makes the near-first order possible again", () => {
    expect(optimiseDay(stops, START, "09:00", { routing: { ...slow, appointment_minutes: 60 } }).order).toEqual(["near", "far"]);
  });

  it("the phone's defaults are the settings' column defaults (an organisation that changed nothing)", () => {
    expect(DEFAULT_DAY_ROUTING).toEqual({
      travel_speed_kmh: orgSettings.travelSpeedKmh.default,
      route_detour_factor: orgSettings.routeDetourFactor.default,
      default_service_minutes: orgSettings.defaultServiceMinutes.default,
      appointment_minutes: orgSettings.alertLateCheckInMinutes.default,
    });
  });

  it("a plan cached before the server sent them falls back to the defaults", () => {
    expect(routingOf({})).toEqual(DEFAULT_DAY_ROUTING);
    expect(routingOf(null)).toEqual(DEFAULT_DAY_ROUTING);
    expect(routingOf({ routing: slow })).toBe(slow);
  });
});

const plan = (statuses: string[]): TodayPlanResponse => ({
  personnel_id: 11,
  date: "2026-03-18",
  time_zone: "Asia/Kolkata",
  work_hours: { start: "09:00", end: "18:00", days: [1, 2, 3, 4, 5, 6] },
  tracking_interval_seconds: 60,
  routing: DEFAULT_DAY_ROUTING,
  stops: statuses.map((status, i) => ({
    planned_visit_id: 100 + i,
    sequence: i + 1,
    planned_time: null,
    status: status as "PENDING",
    location: { id: i + 1, name: `L${i + 1}`, address: null, lat: 12.9, lon: 77.6, geofence_radius: 50, active: true },
    visit: null,
  })),
});
const putItem = (stops: number[], status: QueueItem["status"] = "pending", date = "2026-03-18"): QueueItem => ({
  kind: "plan.put",
  personnel_id: 11,
  date,
  body: { client_id: randomUUID(), stops: stops.map((location_id) => ({ location_id, planned_time: null })) },
  owner: 11,
  client_id: randomUUID(),
  status,
  created_at: "2026-03-18T05:00:00.000Z",
  attempts: 0,
  next_attempt_at: null,
  last_attempt_at: null,
  done_at: null,
  error: null,
  result: null,
});

describe("the rep's reorder before the server has it", () => {
  it("shows the queued order of the pending stops after the visited ones", () => {
    const p = withQueuedOrder(plan(["DONE", "PENDING", "PENDING", "PENDING"]), [putItem([4, 2, 3])]);
    expect(p.stops.map((s) => [s.location.id, s.sequence])).toEqual([[1, 1], [4, 2], [2, 3], [3, 4]]);
  });

  it("ignores a sent reorder, another day's, and one whose stops no longer match the plan (the server decides)", () => {
    const base = plan(["PENDING", "PENDING", "PENDING"]);
    for (const items of [[putItem([3, 2, 1], "done")], [putItem([3, 2, 1], "pending", "2026-03-19")], [putItem([3, 2])], [putItem([3, 2, 9])]]) {
      expect(withQueuedOrder(base, items).stops.map((s) => s.location.id)).toEqual([1, 2, 3]);
    }
  });
});

describe("plan.put in the offline queue", () => {
  it("is sent as PUT /plans/{me}/{date} with the same client_id after a network failure, and once only", async () => {
    const db = await openOfflineDb(`test-${randomUUID()}`);
    const calls: { personnelId: number; date: string; body: PutPlanRequest }[] = [];
    let down = true;
    const api = {
      putPlan: (personnelId: number, date: string, body: PutPlanRequest) => {
        calls.push({ personnelId, date, body });
        return down ? Promise.reject(new NetworkError(new TypeError("Failed to fetch"))) : Promise.resolve({ ok: true });
      },
    } as unknown as RepApi;
    const clientId = randomUUID();
    await enqueue(db, 11, { kind: "plan.put", personnel_id: 11, date: "2026-03-18", body: { client_id: clientId, stops: [{ location_id: 3 }, { location_id: 1 }] } }, new Date("2026-03-18T05:00:00Z"));
    expect(await drainQueue({ db, api, owner: 11 })).toMatchObject({ sent: 0, stoppedBy: "network" });
    down = false;
    expect(await drainQueue({ db, api, owner: 11, ignoreBackoff: true })).toMatchObject({ sent: 1, stoppedBy: null });
    await drainQueue({ db, api, owner: 11, ignoreBackoff: true });
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => [c.personnelId, c.date, c.body.client_id])).toEqual([
      [11, "2026-03-18", clientId],
      [11, "2026-03-18", clientId],
    ]);
    expect((await listItems(db)).map((i) => i.status)).toEqual(["done"]);
  });
});
