/**
 * Where the server's CPU goes under load: starts a built checkout exactly as `npm start` does, with V8's sampling
 * profiler on (`node --cpu-prof`), drives one work with wrk, stops the server (the profile is written at
 * exit) and prints the top frames by self time and the self time per package or area.
 *
 *   BENCH_WORK=checkin|nearby|health|pings BENCH_SERVER_DIR=/tmp/fb-bench npx tsx --conditions=react-server bench/profile.ts
 *
 * BENCH_DATABASE_URL [postgres://postgres@127.0.0.1:5432/fieldbeat_bench] is prepared as `npm run bench` does, and
 * every bench rep's day is open. BENCH_SECONDS [15], BENCH_CONNECTIONS [32], BENCH_TOP [30]. The raw .cpuprofile is
 * kept (its path is printed) for Chrome DevTools or speedscope. Port 3920.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fmt, mdTable, WRK_DIR, wrk } from "./lib";
import { prepareDatabase, resetOpenVisits } from "./prepare";
import { openDays } from "./pings";
import { AUTH_SECRET, closeOtelSink, startServer } from "./server";
import { range, writeTokenFile } from "./tokens";

const DB_URL = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench";
const DIR = path.resolve(process.env.BENCH_SERVER_DIR ?? "/tmp/fb-bench");
const WORK = process.env.BENCH_WORK ?? "checkin";
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const TOP = Number(process.env.BENCH_TOP ?? 30);
const BASE = "http://127.0.0.1:3920";
const FIXTURES = process.env.FIXTURES_DIR ?? path.resolve(import.meta.dirname, "../../shared/fixtures");
const SCRIPTS: Record<string, string> = { checkin: "fb-checkin.lua", nearby: "fb-nearby.lua", health: "health.lua", pings: "fb-pings.lua" };
const log = (s: string) => console.log(`[profile] ${s}`);

type Frame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type Profile = { nodes: { id: number; callFrame: Frame; children?: number[] }[]; samples: number[]; timeDeltas: number[] };

/** The package or area a script URL belongs to: `next`, `postgres`, `zod`, `app` (the build's own chunks), `node:…`. */
export function area(url: string): string {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return url.split("/")[0]!;
  const nm = url.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "node_modules/".length).split("/");
    const pkg = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    // Next's compiled copies of other packages (next/dist/compiled/<pkg>) are named apart.
    if (pkg === "next" && rest[2] === "compiled") return `next (compiled ${rest[3]})`;
    return pkg;
  }
  if (url.includes("/.next/server/chunks/")) return "app (bundled chunks)";
  if (url.includes("/.next/")) return "app (.next other)";
  return url.replace(/^file:\/\//, "").replace(DIR, ".");
}

export function summarise(profile: Profile): { total: number; byFrame: [string, number][]; byArea: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const f = byId.get(id)!.callFrame;
    if (f.functionName === "(idle)") continue;
    total += us;
    const short = f.url ? `${f.url.replace(/^file:\/\//, "").replace(/.*node_modules\//, "").replace(DIR + "/", "")}:${f.lineNumber + 1}` : "";
    const key = `${f.functionName || "(anonymous)"} ${short}`.trim();
    frames.set(key, (frames.get(key) ?? 0) + us);
    areas.set(area(f.url), (areas.get(area(f.url)) ?? 0) + us);
  }
  const sort = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { total, byFrame: sort(frames), byArea: sort(areas) };
}

async function main() {
  const script = SCRIPTS[WORK];
  if (!script) throw new Error(`BENCH_WORK must be one of ${Object.keys(SCRIPTS).join(", ")}`);
  process.env.AUTH_SECRET = AUTH_SECRET;
  process.env.DATABASE_URL = DB_URL;
  const { issueAccessToken } = await import("../src/server/auth/tokens");
  const data = await prepareDatabase(DB_URL, { locations: Number(process.env.BENCH_LOCATIONS ?? 1_000_000), reps: Number(process.env.BENCH_REPS ?? 20_000), fixturesDir: FIXTURES, log });
  // Every rep has started today (Start day), as in the field: check-ins then count on an open day.
  await openDays(DB_URL, range(data.reps.first, data.reps.last));
  await resetOpenVisits(DB_URL);
  const tmp = mkdtempSync(path.join(os.tmpdir(), "fb-profile-"));
  const tokenFile = path.join(tmp, "tokens.txt");
  await writeTokenFile(tokenFile, range(data.reps.first, data.reps.last), data.sample, issueAccessToken);

  const profDir = path.join(tmp, "cpuprofile");
  const server = await startServer({ base: BASE, dir: DIR, dbUrl: DB_URL, reuse: false, log, nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${profDir}`] });
  let result;
  try {
    // Warm-up (JIT, pools, caches), then the measured run.
    await wrk({ name: "warm-up", url: BASE, script: path.join(WRK_DIR, script), connections: CONNS, seconds: 3, env: { BENCH_TOKENS: tokenFile } });
    if (WORK === "checkin") await resetOpenVisits(DB_URL);
    result = await wrk({ name: WORK, url: BASE, script: path.join(WRK_DIR, script), connections: CONNS, seconds: SECONDS, env: { BENCH_TOKENS: tokenFile } });
  } finally {
    await server.stop();
  }
  await resetOpenVisits(DB_URL);
  const files = readdirSync(profDir).filter((f) => f.endsWith(".cpuprofile"));
  // The biggest profile is next-server's (npm start runs Next in-process; other node processes are short-lived).
  const file = files.map((f) => path.join(profDir, f)).sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0];
  if (!file) throw new Error(`no .cpuprofile written in ${profDir}`);
  const { total, byFrame, byArea } = summarise(JSON.parse(readFileSync(file, "utf8")) as Profile);
  const requests = result.total;
  const pct = (us: number) => `${fmt((100 * us) / total, 1)} %`;
  const perReq = (us: number) => fmt(us / 1000 / requests, 3);
  console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model}; ${DIR}; ${WORK}: ${fmt(result.rate)}/s, p99 ${fmt(result.p99_ms, 1)} ms, ${requests} requests (${JSON.stringify(result.codes)}), wrk ${CONNS} connections × ${SECONDS} s (+3 s warm-up, profiled too); load ${os.loadavg()[0]!.toFixed(2)}`);
  console.log(`Busy samples ${fmt(total / 1000)} ms = ${perReq(total)} ms per request of the measured run (warm-up requests are in the profile too, so this is an upper bound); profile: ${file}\n`);
  console.log(`#### Self time by package or area (${WORK})`);
  console.log(mdTable(["area", "self", "ms / request"], byArea.slice(0, 20).map(([k, us]) => [k, pct(us), perReq(us)])));
  console.log(`\n#### Top ${TOP} frames by self time (${WORK})`);
  console.log(mdTable(["frame", "self"], byFrame.slice(0, TOP).map(([k, us]) => [`\`${k.replace(/\|/g, "\\|")}\``, pct(us)])));
  await closeOtelSink(); // BENCH_OTEL's sink would otherwise keep this process alive
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
