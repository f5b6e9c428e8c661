/**
 * Route optimiser cost (npx tsx bench/route-optimize.ts): p50 / p95 wall time of `optimizeRoute` (src/lib/routing)
 * on random instances of 25 and 50 stops in a 22 km square (keyless model, a third of the stops with 1–3 h windows),
 * one run at a time on one core, plus the solution's km against the input order. BENCH_RUNS instances per size
 * (default 40), BENCH_SIZES to change the sizes (e.g. "8,25,50"). Targets (issue #19): p95 ≤ 50 ms (25), ≤ 300 ms (50).
 * Not a test: no assertion on time.
 */
import { optimizeRoute, type RouteInput } from "../src/lib/routing/optimize";
import { seededRandom } from "../src/lib/routing/rng";

const RUNS = Number(process.env.BENCH_RUNS ?? 40);
const SIZES = (process.env.BENCH_SIZES ?? "25,50").split(",").map(Number);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;
const hh = (m: number) => `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`;

function instance(rand: () => number, n: number): RouteInput {
  const pt = () => ({ lat: 12.97 + (rand() - 0.5) * 0.2, lon: 77.59 + (rand() - 0.5) * 0.2 });
  return {
    start: pt(),
    start_time: "08:00",
    stops: Array.from({ length: n }, (_, i) => {
      const a = 9 * 60 + Math.floor(rand() * 8 * 60);
      return { id: `s${i}`, ...pt(), service_minutes: 5 + Math.floor(rand() * 8), window: rand() < 0.33 ? { start: hh(a), end: hh(a + 60 + Math.floor(rand() * 120)) } : undefined };
    }),
  };
}

for (const n of SIZES) {
  const rand = seededRandom(n);
  const times: number[] = [];
  let saved = 0;
  let unassigned = 0;
  optimizeRoute(instance(seededRandom(999), n)); // warm the JIT
  for (let r = 0; r < RUNS; r++) {
    const input = instance(rand, n);
    const t = performance.now();
    const out = optimizeRoute(input);
    times.push(performance.now() - t);
    saved += 1 - out.total_km / out.input_km;
    unassigned += out.unassigned.length;
  }
  console.log(
    `${n} stops: p50 ${pct(times, 50).toFixed(1)} ms, p95 ${pct(times, 95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms over ${RUNS} runs; ` +
      `km saved vs input order ${((saved / RUNS) * 100).toFixed(1)} %, unassigned ${(unassigned / RUNS).toFixed(2)} per route`,
  );
}
