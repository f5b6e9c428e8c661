import type { Point } from "@/lib/geo/distance";
import { ROUTING_DEFAULTS } from "./defaults";
import { geodesicMatrix, type TravelMatrix } from "./matrix";
import { hashSeed, seededRandom } from "./rng";
import { formatHhmm, parseHhmm } from "./time";

/**
 * One rep's day as a single-vehicle routing problem with time windows, solved in pure TypeScript so the same function
 * runs on the server, on Vercel and offline on the phone (docs/decisions/0019-route-optimiser.md).
 *
 * Objective, lexicographic: serve as many stops as their windows allow, then least travel time (with the keyless model
 * travel time is proportional to km). A window {start, end} bounds when service may begin; arriving early waits.
 * Up to EXACT_LIMIT stops the answer is exact (dynamic programming over subsets with Pareto labels); above it,
 * insertion + iterated local search (2-opt, or-opt, swap) under a fixed work budget with a seeded generator, so the
 * same input gives the same route on every machine.
 */
export type RouteStopInput = { id: string; lat: number; lon: number; service_minutes?: number; window?: { start: string; end: string } | null };
export type RouteInput = {
  start: Point;
  /** Default: the route ends at its last stop. */
  end?: Point | null;
  /** HH:MM org-local; default ROUTING_DEFAULTS.start_time. */
  start_time?: string;
  speed_kmh?: number;
  detour_factor?: number;
  default_service_minutes?: number;
  stops: RouteStopInput[];
};
export type RouteOptions = {
  /** Road matrix over [start, ...stops, end?] (a provider's); default the keyless geodesic model. */
  matrix?: TravelMatrix;
  /** Work budget of the local search in evaluated stop visits; default scales with the size. */
  budget?: number;
  seed?: number;
};
export type UnassignedReason = "window_unreachable" | "window_conflict";
export type RouteLeg = { from: string; to: string; km: number; minutes: number };
export type RouteResult = {
  order: string[];
  stops: { id: string; arrival: string; departure: string }[];
  legs: RouteLeg[];
  total_km: number;
  total_minutes: number;
  unassigned: { id: string; reason: UnassignedReason }[];
  input_km: number;
};

export const EXACT_LIMIT = 12;
const EPS = 1e-9;
/**
 * A stop without a window has no deadline: service may begin after midnight (shown as 24:10). Only an appointment
 * bounds a stop, so a day optimised late in the evening still orders its free stops instead of reporting them as
 * appointments it cannot meet.
 */
const NO_DEADLINE = Number.POSITIVE_INFINITY;

/** The solver's view: node 0 = start, node i+1 = stop i, node n+1 = end (zero legs when there is none). */
export type Problem = {
  n: number;
  size: number;
  min: Float64Array;
  km: Float64Array;
  svc: Float64Array;
  ws: Float64Array;
  we: Float64Array;
  t0: number;
  hasEnd: boolean;
};

export function buildProblem(input: RouteInput, matrix?: TravelMatrix): Problem {
  const n = input.stops.length;
  const size = n + 2;
  const points: Point[] = [input.start, ...input.stops.map((s) => ({ lat: s.lat, lon: s.lon }))];
  if (input.end) points.push(input.end);
  const m =
    matrix ?? geodesicMatrix(points, input.detour_factor ?? ROUTING_DEFAULTS.route_detour_factor, input.speed_kmh ?? ROUTING_DEFAULTS.travel_speed_kmh);
  if (m.km.length !== points.length || m.minutes.length !== points.length) throw new Error("travel matrix does not match the points");
  const min = new Float64Array(size * size);
  const km = new Float64Array(size * size);
  for (let a = 0; a < points.length; a++)
    for (let b = 0; b < points.length; b++) {
      min[a * size + b] = m.minutes[a]![b]!;
      km[a * size + b] = m.km[a]![b]!;
    }
  const svc = new Float64Array(n);
  const ws = new Float64Array(n);
  const we = new Float64Array(n).fill(NO_DEADLINE);
  const defaultService = input.default_service_minutes ?? ROUTING_DEFAULTS.default_service_minutes;
  input.stops.forEach((s, i) => {
    svc[i] = s.service_minutes ?? defaultService;
    if (s.window) {
      const a = parseHhmm(s.window.start);
      const b = parseHhmm(s.window.end);
      if (a === null || b === null || a > b) throw new Error(`stop ${s.id}: window must be HH:MM with start ≤ end`);
      ws[i] = a;
      we[i] = b;
    }
  });
  const t0 = parseHhmm(input.start_time ?? ROUTING_DEFAULTS.start_time);
  if (t0 === null) throw new Error("start_time must be HH:MM");
  return { n, size, min, km, svc, ws, we, t0, hasEnd: Boolean(input.end) };
}

/** Travel minutes of a route (end leg included), or Infinity when a window is missed or the cost reaches `bound`. */
export function routeCost(p: Problem, route: ArrayLike<number>, len: number, bound = Infinity): number {
  const { min, size, ws, we, svc } = p;
  let t = p.t0;
  let cost = 0;
  let prev = 0;
  for (let k = 0; k < len; k++) {
    const i = route[k]!;
    const tt = min[prev * size + i + 1]!;
    cost += tt;
    if (cost >= bound) return Infinity;
    t += tt;
    if (t < ws[i]!) t = ws[i]!;
    if (t > we[i]! + EPS) return Infinity;
    t += svc[i]!;
    prev = i + 1;
  }
  if (p.hasEnd) cost += min[prev * size + p.n + 1]!;
  return cost >= bound ? Infinity : cost;
}

type Label = { cost: number; dep: number; stop: number; parent: Label | null };

/** Exact: every subset × last stop keeps its Pareto set of (travel, departure) labels; best = most stops, then least travel. */
export function solveExact(p: Problem): number[] {
  const { n, size, min, ws, we, svc } = p;
  if (n === 0) return [];
  const states: (Label[] | undefined)[] = new Array((1 << n) * n);
  const add = (idx: number, l: Label) => {
    const list = states[idx];
    if (!list) {
      states[idx] = [l];
      return;
    }
    for (const o of list) if (o.cost <= l.cost + EPS && o.dep <= l.dep + EPS) return;
    let w = 0;
    for (const o of list) if (!(l.cost <= o.cost + EPS && l.dep <= o.dep + EPS)) list[w++] = o;
    list.length = w;
    list.push(l);
  };
  for (let j = 0; j < n; j++) {
    const t = Math.max(p.t0 + min[j + 1]!, ws[j]!);
    if (t <= we[j]! + EPS) add((1 << j) * n + j, { cost: min[j + 1]!, dep: t + svc[j]!, stop: j, parent: null });
  }
  let best: Label | null = null;
  let bestCount = 0;
  let bestCost = Infinity;
  for (let S = 1; S < 1 << n; S++) {
    let count = 0;
    for (let x = S; x; x &= x - 1) count++;
    for (let last = 0; last < n; last++) {
      const list = states[S * n + last];
      if (!list) continue;
      const endLeg = p.hasEnd ? min[(last + 1) * size + n + 1]! : 0;
      for (const l of list) {
        const total = l.cost + endLeg;
        if (count > bestCount || (count === bestCount && total < bestCost - EPS)) {
          best = l;
          bestCount = count;
          bestCost = total;
        }
        for (let j = 0; j < n; j++) {
          if (S & (1 << j)) continue;
          const tt = min[(last + 1) * size + j + 1]!;
          const t = Math.max(l.dep + tt, ws[j]!);
          if (t > we[j]! + EPS) continue;
          add((S | (1 << j)) * n + j, { cost: l.cost + tt, dep: t + svc[j]!, stop: j, parent: l });
        }
      }
      states[S * n + last] = undefined; // S is final: free it (every superset is numerically larger)
    }
  }
  const route: number[] = [];
  for (let l = best; l; l = l.parent) route.push(l.stop);
  return route.reverse();
}

type Solution = { route: number[]; cost: number };
const better = (a: Solution, b: Solution) => a.route.length > b.route.length || (a.route.length === b.route.length && a.cost < b.cost - EPS);

/**
 * Insertion + iterated local search under a work budget, deterministic for a seed. Moves are priced in O(1) from the
 * matrix (prefix sums price a reversed segment, so asymmetric road matrices work too); only a move that saves travel
 * is simulated in full to check the windows. Work = priced moves + simulated stop visits.
 */
export function solveHeuristic(p: Problem, seed: number, budget: number): number[] {
  const { n, size, min } = p;
  const END = p.hasEnd ? n + 1 : -1;
  const rng = seededRandom(seed);
  let work = 0;
  const buf = new Int32Array(n);
  const d = (a: number, b: number) => (b < 0 ? 0 : min[a * size + b]!);
  const feasible = (len: number) => {
    work += len;
    return routeCost(p, buf, len) < Infinity;
  };

  /** Insert each stop in `order` at its cheapest feasible position; stops with none stay out. */
  const insertAll = (route: number[], order: number[]): number[] => {
    for (const s of order) {
      const len = route.length;
      const node = (k: number) => (k < 0 ? 0 : k >= len ? END : route[k]! + 1);
      const options: { pos: number; delta: number }[] = [];
      for (let pos = 0; pos <= len; pos++) options.push({ pos, delta: d(node(pos - 1), s + 1) + d(s + 1, node(pos)) - d(node(pos - 1), node(pos)) });
      work += len + 1;
      options.sort((x, y) => x.delta - y.delta || x.pos - y.pos);
      for (const { pos } of options) {
        for (let k = 0, w = 0; k <= len; k++) {
          if (k === pos) buf[w++] = s;
          if (k < len) buf[w++] = route[k]!;
        }
        if (feasible(len + 1)) {
          route.splice(pos, 0, s);
          break;
        }
      }
    }
    return route;
  };

  /** First-improvement descent over 2-opt, or-opt (segments of 1–3, both directions) and swap. */
  const localSearch = (route: number[]) => {
    const len = route.length;
    const F = new Float64Array(len + 1); // F[k]: forward travel route[0] → route[k]
    const B = new Float64Array(len + 1); // B[k]: the same stretch driven backwards
    const node = (k: number) => (k < 0 ? 0 : k >= len ? END : route[k]! + 1);
    const prefix = () => {
      for (let k = 1; k < len; k++) {
        F[k] = F[k - 1]! + d(route[k - 1]! + 1, route[k]! + 1);
        B[k] = B[k - 1]! + d(route[k]! + 1, route[k - 1]! + 1);
      }
    };
    const tryBuf = () => {
      if (!feasible(len)) return false;
      for (let k = 0; k < len; k++) route[k] = buf[k]!;
      prefix();
      return true;
    };
    prefix();
    let improved = true;
    while (improved && work < budget) {
      improved = false;
      // 2-opt: reverse route[i..j]
      for (let i = 0; i < len - 1; i++) {
        for (let j = i + 1; j < len; j++) {
          work++;
          const a = node(i - 1);
          const z = node(j + 1);
          const delta = d(a, node(j)) + d(node(i), z) - d(a, node(i)) - d(node(j), z) + (B[j]! - B[i]!) - (F[j]! - F[i]!);
          if (delta >= -EPS) continue;
          for (let k = 0; k < len; k++) buf[k] = k < i || k > j ? route[k]! : route[i + j - k]!;
          if (tryBuf()) improved = true;
        }
      }
      // or-opt: move route[i..i+L-1] (maybe reversed) to before original position k
      for (let L = 1; L <= 3; L++) {
        for (let i = 0; i + L <= len; i++) {
          const first = route[i]! + 1;
          const last = route[i + L - 1]! + 1;
          const removeGain = d(node(i - 1), first) + d(last, node(i + L)) - d(node(i - 1), node(i + L));
          const inner = F[i + L - 1]! - F[i]!;
          const innerRev = B[i + L - 1]! - B[i]!;
          for (let k = 0; k <= len; k++) {
            if (k >= i && k <= i + L) continue;
            const a = node(k - 1);
            const z = node(k);
            for (let rev = 0; rev < (L > 1 ? 2 : 1); rev++) {
              work++;
              const delta = (rev ? d(a, last) + d(first, z) + innerRev - inner : d(a, first) + d(last, z)) - d(a, z) - removeGain;
              if (delta >= -EPS) continue;
              let w = 0;
              const seg = () => {
                for (let q = 0; q < L; q++) buf[w++] = route[rev ? i + L - 1 - q : i + q]!;
              };
              for (let m = 0; m <= len; m++) {
                if (m === k) seg();
                if (m < len && (m < i || m >= i + L)) buf[w++] = route[m]!;
              }
              if (tryBuf()) {
                improved = true;
                break;
              }
            }
            if (improved) break;
          }
          if (improved) break;
        }
        if (improved) break;
      }
      // swap two stops
      for (let i = 0; i < len - 1; i++) {
        for (let j = i + 1; j < len; j++) {
          work++;
          const x = node(i);
          const y = node(j);
          const delta =
            j === i + 1
              ? d(node(i - 1), y) + d(y, x) + d(x, node(j + 1)) - d(node(i - 1), x) - d(x, y) - d(y, node(j + 1))
              : d(node(i - 1), y) + d(y, node(i + 1)) + d(node(j - 1), x) + d(x, node(j + 1)) - d(node(i - 1), x) - d(x, node(i + 1)) - d(node(j - 1), y) - d(y, node(j + 1));
          if (delta >= -EPS) continue;
          for (let k = 0; k < len; k++) buf[k] = route[k]!;
          buf[i] = route[j]!;
          buf[j] = route[i]!;
          if (tryBuf()) improved = true;
        }
      }
    }
  };

  const all = Array.from({ length: n }, (_, i) => i);
  const missing = (route: number[]) => {
    const inRoute = new Set(route);
    return all.filter((i) => !inRoute.has(i));
  };
  const descend = (start: number[]): Solution => {
    const route = feasiblePrefix(p, start);
    localSearch(route);
    // stops left out by an early, poor order may fit once the route is tight
    for (;;) {
      const before = route.length;
      insertAll(route, missing(route));
      if (route.length === before || work >= budget) break;
      localSearch(route);
    }
    return { route, cost: routeCost(p, route, route.length) };
  };

  // Start 0: tightest windows first, then farthest from the start first (farthest insertion); later starts: shuffled.
  const firstOrder = [...all].sort((a, b) => p.we[a]! - p.we[b]! || p.min[b + 1]! - p.min[a + 1]! || a - b);
  let best = descend(insertAll([], firstOrder));
  let current = best;
  let stale = 0;
  while (work < budget) {
    let next: Solution;
    if (stale >= 50) {
      const order = [...all];
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      order.sort((a, b) => p.we[a]! - p.we[b]!); // stable: shuffled within equal windows
      next = descend(insertAll([], order));
      current = next;
      stale = 0;
    } else {
      next = descend(perturb(current.route, rng));
      if (better(next, current) || (next.route.length === current.route.length && next.cost < current.cost * 1.002)) current = next;
    }
    if (better(next, best)) {
      best = { route: [...next.route], cost: next.cost };
      stale = 0;
    } else stale++;
  }
  return best.route;
}

/** Double bridge when the route is long enough, else a random reversal; windows that break drop stops for re-insertion. */
function perturb(route: number[], rng: () => number): number[] {
  const len = route.length;
  if (len < 8) {
    const r = [...route];
    const i = Math.floor(rng() * len);
    const j = Math.floor(rng() * len);
    const [a, b] = i < j ? [i, j] : [j, i];
    const mid = r.slice(a, b + 1).reverse();
    r.splice(a, mid.length, ...mid);
    return r;
  }
  const cuts = [0, 0, 0].map(() => 1 + Math.floor(rng() * (len - 1))).sort((x, y) => x - y);
  const [a, b, c] = cuts as [number, number, number];
  return [...route.slice(0, a), ...route.slice(b, c), ...route.slice(a, b), ...route.slice(c)];
}

/** The default work budget: ~25 ms for 25 stops, ~200 ms for 50 on one core (bench/route-optimize.ts). */
export function defaultBudget(n: number): number {
  return Math.round(1_200_000 * (n / 25) ** 2);
}

/** Ensures a route is window-feasible: drops, from the back, stops that miss their window (perturbation may break one). */
function feasiblePrefix(p: Problem, route: number[]): number[] {
  const r = [...route];
  while (r.length && routeCost(p, r, r.length) === Infinity) {
    const bad = r.findIndex((_, k) => routeCost(p, r, k + 1) === Infinity);
    r.splice(bad, 1);
  }
  return r;
}

export function optimizeRoute(input: RouteInput, options: RouteOptions = {}): RouteResult {
  const p = buildProblem(input, options.matrix);
  const seed = options.seed ?? hashSeed(JSON.stringify(input));
  const route = feasiblePrefix(p, p.n <= EXACT_LIMIT ? solveExact(p) : solveHeuristic(p, seed, options.budget ?? defaultBudget(p.n)));
  return describeRoute(p, input, route);
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** Times, legs and totals of a route; `input_km` measures the stops in the order given. */
export function describeRoute(p: Problem, input: RouteInput, route: number[]): RouteResult {
  const { size, min, km } = p;
  const id = (node: number) => (node === 0 ? "start" : node === p.n + 1 ? "end" : input.stops[node - 1]!.id);
  const legs: RouteLeg[] = [];
  const stops: RouteResult["stops"] = [];
  let t = p.t0;
  let prev = 0;
  const leg = (to: number) => legs.push({ from: id(prev), to: id(to), km: round(km[prev * size + to]!, 3), minutes: round(min[prev * size + to]!, 1) });
  for (const i of route) {
    leg(i + 1);
    t += min[prev * size + i + 1]!;
    const arrival = t;
    t = Math.max(t, p.ws[i]!) + p.svc[i]!;
    stops.push({ id: input.stops[i]!.id, arrival: formatHhmm(arrival), departure: formatHhmm(t) });
    prev = i + 1;
  }
  if (p.hasEnd) leg(p.n + 1);
  let totalKm = 0;
  let totalMin = 0;
  prev = 0;
  for (const node of [...route.map((i) => i + 1), ...(p.hasEnd ? [p.n + 1] : [])]) {
    totalKm += km[prev * size + node]!;
    totalMin += min[prev * size + node]!;
    prev = node;
  }
  let inputKm = 0;
  prev = 0;
  for (const node of [...input.stops.map((_, i) => i + 1), ...(p.hasEnd ? [p.n + 1] : [])]) {
    inputKm += km[prev * size + node]!;
    prev = node;
  }
  const served = new Set(route);
  const unassigned = input.stops
    .map((s, i) => ({ s, i }))
    .filter(({ i }) => !served.has(i))
    .map(({ s, i }) => ({ id: s.id, reason: (p.t0 + min[i + 1]! > p.we[i]! + EPS ? "window_unreachable" : "window_conflict") as UnassignedReason }));
  return {
    order: route.map((i) => input.stops[i]!.id),
    stops,
    legs,
    total_km: round(totalKm, 3),
    total_minutes: round(totalMin, 1),
    unassigned,
    input_km: round(inputKm, 3),
  };
}

/** Km and travel minutes of visiting the stops in the order of `ids` (windows ignored): a before/after measure. */
export function measureOrder(input: RouteInput, ids: string[], matrix?: TravelMatrix): { km: number; minutes: number } {
  const p = buildProblem(input, matrix);
  const index = new Map(input.stops.map((s, i) => [s.id, i + 1]));
  let km = 0;
  let minutes = 0;
  let prev = 0;
  for (const node of [...ids.map((id) => index.get(id)!), ...(p.hasEnd ? [p.n + 1] : [])]) {
    km += p.km[prev * p.size + node]!;
    minutes += p.min[prev * p.size + node]!;
    prev = node;
  }
  return { km: round(km, 3), minutes: round(minutes, 1) };
}
