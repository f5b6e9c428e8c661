import { describe, expect, it } from "vitest";
import { metersBetween, type Point } from "@/lib/geo/distance";
import { optimizeRoute, type RouteInput, type RouteStopInput } from "@/lib/routing/optimize";
import { seededRandom } from "@/lib/routing/rng";

/*
 * The checks below never call the solver's internals: each instance gets its own matrix and its own route
 * simulation written here, and the optimum comes from plain enumeration (small) or an independent multi-start
 * 2-opt/relocate search with O(1) move deltas (25 and 50 stops).
 */
const DETOUR = 1.3;
const SPEED = 30;
const CENTRE = { lat: 12.97, lon: 77.59 };

type Inst = { input: RouteInput; pts: Point[]; ws: number[]; we: number[]; svc: number[]; t0: number };

function makeInstance(rand: () => number, n: number, withWindows: boolean, withEnd: boolean, maxService = 35): Inst {
  const pt = () => ({ lat: CENTRE.lat + (rand() - 0.5) * 0.2, lon: CENTRE.lon + (rand() - 0.5) * 0.2 });
  const start = pt();
  const end = withEnd ? pt() : null;
  const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;
  const stops: RouteStopInput[] = [];
  const ws: number[] = [];
  const we: number[] = [];
  const svc: number[] = [];
  for (let i = 0; i < n; i++) {
    const p = pt();
    const service = 5 + Math.floor(rand() * (maxService - 5));
    let window: { start: string; end: string } | undefined;
    let a = 0;
    let b = Number.POSITIVE_INFINITY; // a stop without a window has no deadline
    if (withWindows && rand() < 0.6) {
      a = 9 * 60 + Math.floor(rand() * 6 * 60);
      b = a + 20 + Math.floor(rand() * 150);
      window = { start: hh(a), end: hh(b) };
    }
    stops.push({ id: `s${i}`, lat: p.lat, lon: p.lon, service_minutes: service, window });
    ws.push(a);
    we.push(b);
    svc.push(service);
  }
  const input: RouteInput = { start, end, start_time: "09:00", speed_kmh: SPEED, detour_factor: DETOUR, stops };
  return { input, pts: [start, ...stops.map((s) => ({ lat: s.lat, lon: s.lon })), ...(end ? [end] : [])], ws, we, svc, t0: 9 * 60 };
}

function minutesTable(inst: Inst): number[][] {
  return inst.pts.map((a) => inst.pts.map((b) => ((metersBetween(a, b) / 1000) * DETOUR * 60) / SPEED));
}

/** Travel minutes of serving `order` (stop indices), or null when a window is missed. */
function simulate(inst: Inst, T: number[][], order: number[]): number | null {
  let t = inst.t0;
  let cost = 0;
  let at = 0;
  for (const i of order) {
    cost += T[at]![i + 1]!;
    t = Math.max(t + T[at]![i + 1]!, inst.ws[i]!);
    if (t > inst.we[i]! + 1e-9) return null;
    t += inst.svc[i]!;
    at = i + 1;
  }
  if (inst.input.end) cost += T[at]![inst.pts.length - 1]!;
  return cost;
}

/** Every ordered subset: the most stops served, then the least travel. */
function bruteForce(inst: Inst, T: number[][]): { count: number; cost: number } {
  const n = inst.input.stops.length;
  let best = { count: 0, cost: simulate(inst, T, [])! };
  const used = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  const walk = () => {
    const c = simulate(inst, T, order);
    if (c === null) return; // a prefix that misses a window cannot be extended
    if (order.length > best.count || (order.length === best.count && c < best.cost - 1e-9)) best = { count: order.length, cost: c };
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      used[i] = true;
      order.push(i);
      walk();
      order.pop();
      used[i] = false;
    }
  };
  walk();
  return best;
}

const indexOf = (inst: Inst, id: string) => inst.input.stops.findIndex((s) => s.id === id);

describe("route optimiser: exact on small instances", () => {
  for (const withWindows of [false, true]) {
    it(`equals brute force on 300 random instances ${withWindows ? "with" : "without"} time windows`, () => {
      const rand = seededRandom(withWindows ? 7 : 3);
      for (let k = 0; k < 300; k++) {
        const n = 1 + Math.floor(rand() * 7);
        const inst = makeInstance(rand, n, withWindows, rand() < 0.4);
        const T = minutesTable(inst);
        const want = bruteForce(inst, T);
        const got = optimizeRoute(inst.input);
        const order = got.order.map((id) => indexOf(inst, id));
        const cost = simulate(inst, T, order);
        expect(cost, `instance ${k}: the solver's route misses a window`).not.toBeNull();
        expect(order.length).toBe(want.count);
        expect(cost!).toBeCloseTo(want.cost, 6);
        expect(got.total_minutes).toBeCloseTo(want.cost, 0);
        expect(got.unassigned.length + got.order.length).toBe(n);
        expect(new Set([...got.order, ...got.unassigned.map((u) => u.id)]).size).toBe(n);
      }
    });
  }

  it("above the exact limit (13 stops with windows) the route still meets every window it claims", () => {
    const rand = seededRandom(11);
    const inst = makeInstance(rand, 13, true, false);
    const got = optimizeRoute(inst.input);
    const order = got.order.map((id) => indexOf(inst, id));
    expect(simulate(inst, minutesTable(inst), order)).not.toBeNull();
  });
});

describe("route optimiser: answer shape and reasons", () => {
  it("reports arrival/departure, legs, totals, input km, and why a stop is unassigned", () => {
    const input: RouteInput = {
      start: { lat: 12.97, lon: 77.59 },
      start_time: "09:00",
      speed_kmh: 30,
      detour_factor: 1,
      stops: [
        { id: "far-b", lat: 12.97, lon: 77.69, service_minutes: 10 },
        { id: "near-a", lat: 12.97, lon: 77.6, service_minutes: 10 },
        { id: "too-early", lat: 13.3, lon: 77.59, service_minutes: 10, window: { start: "08:00", end: "09:05" } },
      ],
    };
    const r = optimizeRoute(input);
    expect(r.order).toEqual(["near-a", "far-b"]);
    expect(r.unassigned).toEqual([{ id: "too-early", reason: "window_unreachable" }]);
    expect(r.legs.map((l) => [l.from, l.to])).toEqual([
      ["start", "near-a"],
      ["near-a", "far-b"],
    ]);
    // 0.01° of longitude at 12.97° N ≈ 1.085 km; 1.085 km at 30 km/h ≈ 2.2 min
    expect(r.stops[0]!.arrival).toBe("09:02");
    expect(r.stops[0]!.departure).toBe("09:12");
    expect(r.total_km).toBeCloseTo(r.legs.reduce((s, l) => s + l.km, 0), 2);
    expect(r.input_km).toBeGreaterThan(r.total_km);
  });

  it("waits for a window to open, and ends at the end point when given", () => {
    const r = optimizeRoute({
      start: { lat: 12.97, lon: 77.59 },
      end: { lat: 12.97, lon: 77.59 },
      start_time: "09:00",
      stops: [{ id: "a", lat: 12.98, lon: 77.59, service_minutes: 15, window: { start: "10:00", end: "10:30" } }],
    });
    expect(r.stops[0]!.departure).toBe("10:15");
    expect(r.legs.at(-1)).toMatchObject({ from: "a", to: "end" });
  });

  it("is deterministic: the same input gives the same answer", () => {
    const rand = seededRandom(5);
    const inst = makeInstance(rand, 30, true, true);
    expect(optimizeRoute(inst.input)).toEqual(optimizeRoute(structuredClone(inst.input)));
  });
});

/** Independent long search: many random starts, each descended with O(1)-delta 2-opt and relocate on the open path. */
function multiStart(T: number[][], n: number, starts: number, seed: number): number {
  const rand = seededRandom(seed);
  const d = (a: number, b: number) => (b < 0 ? 0 : T[a]![b]!); // b = -1: past the end of an open path
  let best = Infinity;
  for (let s = 0; s < starts; s++) {
    const r = Array.from({ length: n }, (_, i) => i + 1);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [r[i], r[j]] = [r[j]!, r[i]!];
    }
    const node = (k: number) => (k < 0 ? 0 : k >= n ? -1 : r[k]!);
    let improved = true;
    while (improved) {
      improved = false;
      for (let i = 0; i < n; i++)
        for (let j = i + 1; j < n; j++) {
          const delta = d(node(i - 1), node(j)) + d(node(i), node(j + 1)) - d(node(i - 1), node(i)) - d(node(j), node(j + 1));
          if (delta < -1e-9) {
            r.splice(i, j - i + 1, ...r.slice(i, j + 1).reverse());
            improved = true;
          }
        }
      for (let i = 0; i < n; i++) {
        const x = r[i]!;
        const removeGain = d(node(i - 1), x) + d(x, node(i + 1)) - d(node(i - 1), node(i + 1));
        const rest = r.filter((_, k) => k !== i);
        const at = (k: number) => (k < 0 ? 0 : k >= rest.length ? -1 : rest[k]!);
        for (let k = 0; k <= rest.length; k++) {
          const add = d(at(k - 1), x) + d(x, at(k)) - d(at(k - 1), at(k));
          if (add < removeGain - 1e-9) {
            rest.splice(k, 0, x);
            r.splice(0, n, ...rest);
            improved = true;
            break;
          }
        }
      }
    }
    let c = 0;
    for (let k = 0; k < n; k++) c += d(node(k - 1), node(k));
    best = Math.min(best, c);
  }
  return best;
}

describe("route optimiser: near the best known on 25 and 50 stops", () => {
  for (const [n, gap, instances] of [
    [25, 0.01, 3],
    [50, 0.02, 2],
  ] as const) {
    it(`${n} stops within ${gap * 100} % of a long multi-start search`, () => {
      const rand = seededRandom(100 + n);
      for (let k = 0; k < instances; k++) {
        const inst = makeInstance(rand, n, false, false, 12); // a day that fits before midnight
        const T = minutesTable(inst);
        const reference = multiStart(T, n, n === 25 ? 300 : 150, 1000 + k);
        const got = optimizeRoute(inst.input);
        expect(got.order).toHaveLength(n);
        const cost = simulate(inst, T, got.order.map((id) => indexOf(inst, id)))!;
        expect(cost).toBeLessThanOrEqual(reference * (1 + gap));
      }
    });
  }
});
