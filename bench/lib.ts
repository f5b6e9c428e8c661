/** Small helpers for the benchmarks: pgbench and autocannon runners, percentiles, the result table. */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

export type Measure = { name: string; tool: string; clients: number; rate: number; p50_ms: number; p99_ms: number; errors: number; total: number };

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function run(cmd: string, args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...env } });
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

/** autocannon against the running server; `next()` builds each request (distinct rep, body, point). */
export async function httpLoad(opts: {
  name: string;
  url: string;
  connections: number;
  seconds: number;
  method: "GET" | "POST";
  next: () => { path: string; headers: Record<string, string>; body?: string };
}): Promise<Measure & { statusCodes: Record<string, number> }> {
  const result = await autocannon({
    url: opts.url,
    connections: opts.connections,
    duration: opts.seconds,
    requests: [
      {
        method: opts.method,
        setupRequest: (req) => {
          const n = opts.next();
          return { ...req, path: n.path, headers: { ...req.headers, ...n.headers }, ...(n.body !== undefined ? { body: n.body } : {}) };
        },
      },
    ],
  });
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([k, v]) => [k, (v as { count: number }).count]));
  const ok = result["2xx"];
  return {
    name: opts.name,
    tool: "autocannon → next start",
    clients: opts.connections,
    rate: ok / opts.seconds,
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
    total: result.requests.total,
    statusCodes,
  };
}

export function table(rows: Measure[]): string {
  const head = "| benchmark | driver | clients | rate (/s) | p50 (ms) | p99 (ms) | errors / total |\n|---|---|---|---|---|---|---|";
  const body = rows.map((r) => `| ${r.name} | ${r.tool} | ${r.clients} | ${r.rate.toFixed(0)} | ${r.p50_ms.toFixed(2)} | ${r.p99_ms.toFixed(2)} | ${r.errors} / ${r.total} |`);
  return [head, ...body].join("\n");
}
