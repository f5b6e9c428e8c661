/** Small helpers for the benchmarks: wrk and pgbench runners, percentiles, medians, markdown tables. */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export type Measure = { name: string; tool: string; clients: number; rate: number; p50_ms: number; p99_ms: number; errors: number; total: number };

/** utime + stime of one /proc stat line (a process's or a thread's), in ms (USER_HZ = 100). */
function statCpuMs(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** utime + stime of a process, in ms (/proc/<pid>/stat). */
export function cpuMs(pid: number): number {
  return statCpuMs(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/**
 * utime + stime of a process's threads (/proc/<pid>/task/<tid>/stat), in ms: the main thread (its tid is the pid) as
 * `main`, the others summed by thread name (Node 22 leaves V8's garbage-collection and compiler helpers and libuv's
 * pool named after the process, `node`). Threads that ended in between are missing from a difference.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
    } catch {
      continue; // the thread ended
    }
    const name = tid === String(pid) ? "main" : stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    byName.set(name, (byName.get(name) ?? 0) + statCpuMs(stat));
  }
  return byName;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function run(cmd: string, args: string[], env: Record<string, string | undefined>, cwd?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, ...(cwd ? { cwd } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * pgbench with a custom script, prepared statements and JIT off (as the app's connections run),
 * per-transaction latency log → p50/p99.
 */
export async function pgbench(opts: { name: string; url: string; script: string; clients: number; seconds: number; vars?: Record<string, string | number> }): Promise<Measure> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "fb-pgbench-"));
  const u = new URL(opts.url);
  const args = [
    "-n", "-M", "prepared", "-c", String(opts.clients), "-j", String(Math.min(opts.clients, 2)), "-T", String(opts.seconds),
    "-f", opts.script, "-l", "--log-prefix", path.join(dir, "tx"),
    "-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username || "postgres"),
    ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["-D", `${k}=${v}`]),
    u.pathname.slice(1),
  ];
  try {
    const r = await run("pgbench", args, { PGOPTIONS: "-c jit=off", ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) });
    if (r.code !== 0) throw new Error(`pgbench failed (${r.code}): ${r.stderr || r.stdout}`);
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(r.stdout)?.[1] ?? /tps = ([\d.]+)/.exec(r.stdout)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(r.stdout)?.[1] ?? 0);
    const lat: number[] = [];
    for (const f of readdirSync(dir)) {
      for (const line of readFileSync(path.join(dir, f), "utf8").split("\n")) {
        const us = Number(line.split(" ")[2]);
        if (Number.isFinite(us) && line) lat.push(us / 1000);
      }
    }
    lat.sort((a, b) => a - b);
    return { name: opts.name, tool: "pgbench", clients: opts.clients, rate: tps, p50_ms: percentile(lat, 50), p99_ms: percentile(lat, 99), errors: failed, total: lat.length };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type WrkResult = Measure & {
  /** status code → count (every response wrk read) */
  codes: Record<string, number>;
  /** responses with a status ≥ 300 plus socket errors and timeouts */
  non2xx: number;
  /** what the script's count_response() summed over 2xx answers (e.g. accepted fixes) */
  counted: number;
  seconds: number;
};

export const WRK_DIR = path.join(import.meta.dirname, "wrk");

/**
 * wrk with one of bench/wrk/*.lua (run from bench/wrk, so scripts `dofile("report.lua")`), which prints
 * a WRK_JSON line in done(). The rate counts 2xx answers only: a run full of 409s must not look fast.
 */
export async function wrk(opts: { name: string; url: string; script: string; connections: number; seconds: number; threads?: number; env?: Record<string, string> }): Promise<WrkResult> {
  const threads = opts.threads ?? Math.min(2, opts.connections);
  const args = ["-t", String(threads), "-c", String(opts.connections), "-d", `${opts.seconds}s`, "--timeout", "10s", "-s", opts.script, opts.url];
  const r = await run("wrk", args, { WRK_THREADS: String(threads), ...opts.env }, WRK_DIR);
  const line = r.stdout.split("\n").find((l) => l.startsWith("WRK_JSON "));
  if (r.code !== 0 || !line) throw new Error(`wrk failed (${r.code}): ${r.stderr || r.stdout}`);
  const j = JSON.parse(line.slice("WRK_JSON ".length)) as {
    requests: number; duration_us: number; p50_us: number; p99_us: number; codes: Record<string, number>;
    connect_errors: number; read_errors: number; write_errors: number; timeouts: number; counted: number;
  };
  const seconds = j.duration_us / 1e6;
  const ok = Object.entries(j.codes).reduce((n, [code, c]) => n + (code.startsWith("2") ? c : 0), 0);
  const socketErrors = j.connect_errors + j.read_errors + j.write_errors + j.timeouts;
  return {
    name: opts.name,
    tool: "wrk",
    clients: opts.connections,
    rate: ok / seconds,
    p50_ms: j.p50_us / 1000,
    p99_ms: j.p99_us / 1000,
    errors: j.requests - ok + socketErrors,
    total: j.requests,
    codes: j.codes,
    non2xx: j.requests - ok,
    counted: j.counted,
    seconds,
  };
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** A markdown table from a header row and rows of cells. */
export function mdTable(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

export const fmt = (x: number, digits = 0) => (Number.isFinite(x) ? x.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits }) : "–");
export const codesText = (codes: Record<string, number>) => Object.entries(codes).map(([k, v]) => `${k}×${v}`).join(" ") || "none";

/**
 * Processes the bench starts in their own process group (so one kill stops a whole tree) don't get the terminal's
 * Ctrl-C: their stop functions are registered here and run on SIGINT/SIGTERM before the bench exits.
 */
const cleanups = new Set<() => Promise<void>>();
export function onInterrupt(stop: () => Promise<void>): () => void {
  cleanups.add(stop);
  return () => cleanups.delete(stop);
}

/**
 * The stop function of a child started with `detached: true` (its own process group, so a wrapper and its workers
 * go together): SIGTERM to the group, SIGKILL after 5 s. Also run on Ctrl-C.
 */
export function processGroupStopper(child: ChildProcess): () => Promise<void> {
  const stop = async () => {
    forget();
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((r) => child.once("exit", r));
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      return;
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  };
  const forget = onInterrupt(() => stop());
  return stop;
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n[bench] ${signal}: stopping the servers it started`);
    void Promise.allSettled([...cleanups].map((f) => f())).then(() => process.exit(130));
  });
}

/** Creates a bench database on the local PostgreSQL if it does not exist (refuses any other host). */
export async function ensureLocalDatabase(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const u = new URL(url);
  if (!/^(127\.|localhost$)/.test(u.hostname)) throw new Error("bench database must be local");
  const admin = postgres({ host: u.hostname, port: Number(u.port || 5432), user: u.username || "postgres", database: "postgres", max: 1, onnotice: () => {} });
  const name = u.pathname.slice(1);
  const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
  if (!exists) await admin.unsafe(`CREATE DATABASE "${name}"`);
  await admin.end();
}
