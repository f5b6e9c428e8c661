/**
 * The bench's Fieldbeat server: `next start` from a built checkout (BENCH_SERVER_DIR), or a server already
 * answering at the URL; and the resident set of whichever process listens on its port.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { processGroupStopper, run } from "./lib";
import { startOtlpSink, type OtlpSink } from "./otlp-sink";

export const AUTH_SECRET = process.env.AUTH_SECRET ?? "fieldbeat-bench-secret-not-for-production-0123456789";

export async function serverUp(base: string, timeoutMs = 2000): Promise<boolean> {
  try {
    return (await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(timeoutMs) })).ok;
  } catch {
    return false;
  }
}

/**
 * BENCH_OTEL=<ratio> (e.g. 0.1): the server runs with OpenTelemetry on — traces sampled at that ratio
 * (`parentbased_traceidratio`), metrics every 60 s — exporting OTLP/HTTP (protobuf, the default) to a sink in this
 * process (bench/otlp-sink.ts). Compare a run with it against one without: the difference is tracing's cost.
 * Unset: the server's environment has no OTEL_EXPORTER_OTLP_ENDPOINT (an inherited one is removed), telemetry off.
 */
let sink: OtlpSink | undefined;
async function otelEnv(log: (s: string) => void, ratio: string | undefined): Promise<Record<string, string | undefined>> {
  if (!ratio) return { OTEL_EXPORTER_OTLP_ENDPOINT: undefined };
  if (!(Number(ratio) >= 0 && Number(ratio) <= 1)) throw new Error(`BENCH_OTEL must be a sampling ratio in [0, 1], not ${ratio}`);
  sink ??= await startOtlpSink();
  log(`OpenTelemetry on: parentbased_traceidratio ${ratio}, OTLP/HTTP to the bench's sink at ${sink.url}`);
  return { OTEL_EXPORTER_OTLP_ENDPOINT: sink.url, OTEL_TRACES_SAMPLER: "parentbased_traceidratio", OTEL_TRACES_SAMPLER_ARG: ratio, OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf" };
}

/** What the sink received (BENCH_OTEL), for the run's log; null when telemetry was off. */
export const otelSinkStats = () => sink?.stats() ?? null;

/** Stops the sink (its listening socket would keep the bench process alive after the tables are printed). */
export async function closeOtelSink(): Promise<void> {
  await sink?.close();
  sink = undefined;
}

export type BenchServer = { child: ChildProcess | null; base: string; stop: () => Promise<void> };

/**
 * Starts `node_modules/.bin/next start -p <port>` in `dir` on `dbUrl`, or reuses a server already answering
 * (`reuse`; it must run on the same database and AUTH_SECRET). Stopping kills the whole process group:
 * `next start` leaves its `next-server` child running otherwise.
 */
export async function startServer(opts: {
  base: string;
  dir: string;
  dbUrl: string;
  reuse: boolean;
  log: (s: string) => void;
  nodeArgs?: string[];
  /** OpenTelemetry's sampling ratio for this server; default BENCH_OTEL; null: off whatever BENCH_OTEL says. */
  otel?: string | null;
  /** A command the server's `node` runs under (bench/cpu-cost.ts's callgrind mode), and how long it may take to start. */
  wrapper?: string;
  startSeconds?: number;
}): Promise<BenchServer> {
  if (await serverUp(opts.base)) {
    if (!opts.reuse) throw new Error(`a server already answers at ${opts.base}; stop it first (this part starts its own on another database)`);
    opts.log(`using the server already running at ${opts.base} (it must use the bench database and AUTH_SECRET as set here)`);
    return { child: null, base: opts.base, stop: async () => {} };
  }
  const bin = path.join(opts.dir, "node_modules/.bin/next");
  if (!existsSync(bin) || !existsSync(path.join(opts.dir, ".next/BUILD_ID"))) {
    throw new Error(`no built checkout in ${opts.dir} (BENCH_SERVER_DIR): see bench/README.md for the one-time build`);
  }
  const port = new URL(opts.base).port || "3300";
  // Exactly as `npm start` runs it (its package.json command, without npm), or plain `next start` for older checkouts.
  const npmStart = (JSON.parse(readFileSync(path.join(opts.dir, "package.json"), "utf8")) as { scripts?: { start?: string } }).scripts?.start ?? "";
  // nodeArgs (e.g. --cpu-prof, which NODE_OPTIONS refuses) go after `npm start`'s own node options (a repeated one wins).
  const nodeArgs = (opts.nodeArgs ?? []).join(" ");
  const node = opts.wrapper ? `${opts.wrapper} ${process.execPath}` : "node";
  const command = npmStart.includes("scripts/start.mjs")
    ? `exec ${npmStart.replace(/^node /, `${node} `).replace(" scripts/start.mjs", ` ${nodeArgs} scripts/start.mjs`)} -p ${port}`
    : `exec ${nodeArgs ? `node ${nodeArgs} ` : ""}${bin} start -p ${port}`;
  opts.log(`starting \`${command}\` in ${opts.dir}${process.env.WEB_CONCURRENCY ? ` (WEB_CONCURRENCY=${process.env.WEB_CONCURRENCY})` : ""}`);
  const child = spawn("sh", ["-c", command], {
    cwd: opts.dir,
    detached: true, // own process group: stop() kills next start and its next-server child together
    env: {
      ...process.env,
      ...(await otelEnv(opts.log, opts.otel === undefined ? process.env.BENCH_OTEL : (opts.otel ?? undefined))),
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: opts.dbUrl,
      AUTH_SECRET,
      RATE_LIMIT_PER_MINUTE: "100000",
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stop = processGroupStopper(child);
  for (let i = 0; i < (opts.startSeconds ?? 30) * 5; i++) {
    if (await serverUp(opts.base)) return { child, base: opts.base, stop };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error("the bench server did not come up");
}

/** The pid listening on a local TCP port (`ss -ltnp`), or null. */
export async function listeningPid(port: number): Promise<number | null> {
  return (await listeningPids(port))[0] ?? null;
}

/**
 * Every pid holding the listening socket of a local TCP port: `npm start`'s supervisor (it accepts connections for
 * its node:cluster workers) and the server processes. CPU per request is their sum.
 */
export async function listeningPids(port: number): Promise<number[]> {
  const r = await run("ss", ["-H", "-ltnp", `sport = :${port}`], {});
  return [...new Set([...r.stdout.matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])))];
}

/**
 * VmRSS (MB) of every process of the server: the process group the bench started (`npm start`'s wrapper, the
 * `next-server` process or each cluster worker), else the process listening on the port.
 */
export async function serverResidentSet(server: BenchServer | null, port: number): Promise<{ pid: number; rssMb: number; name: string } | null> {
  const pgid = server?.child?.pid;
  if (pgid) {
    const r = await run("ps", ["-o", "pid=,rss=,args=", "-g", String(pgid)], {});
    const procs = r.stdout
      .trim()
      .split("\n")
      .map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null);
    if (procs.length > 0) {
      const rssMb = procs.reduce((a, m) => a + Number(m[2]), 0) / 1024;
      return { pid: pgid, rssMb, name: `${procs.length} processes: ${procs.map((m) => `${m[3]!.slice(0, 40)} ${(Number(m[2]) / 1024).toFixed(0)} MB`).join("; ")}` };
    }
  }
  const pid = await listeningPid(port);
  const rss = pid ? residentSet(pid) : null;
  return pid && rss ? { pid, ...rss } : null;
}

/** The pids of a process group (the bench's server: `sh` exec'd into `npm start`'s supervisor and its workers). */
export function processGroup(pgid: number | undefined): number[] {
  if (!pgid) return [];
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]) === pgid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** VmRSS (MB) and command line of a process, from /proc (`Name:` is cut at 15 characters). */
export function residentSet(pid: number): { rssMb: number; name: string } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
    const name = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ") || "?";
    return { rssMb: kb / 1024, name };
  } catch {
    return null;
  }
}
