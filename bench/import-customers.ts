/**
 * Customer CSV import (npx tsx --conditions=react-server bench/import-customers.ts): BENCH_IMPORT_ROWS rows (default
 * 50,000) generated around Bengaluru with refs, then on each driver — the local PostgreSQL (BENCH_IMPORT_DATABASE_URL,
 * default fieldbeat_bench_import, created if missing) and the embedded database (in memory) — a dry run, the commit,
 * and a re-import (all unchanged), each timed, with the process's resident memory before and at its peak.
 * Targets (issue #18): dry run ≤ 3 s, commit ≤ 5 s on PostgreSQL, ≤ 10 s embedded, RSS ≤ +150 MB. Not a test.
 * BENCH_IMPORT_DRIVERS=postgres,pglite picks the drivers.
 */
import os from "node:os";
import { ensureLocalDatabase } from "./lib";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 50_000);
const DB_URL = process.env.BENCH_IMPORT_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/fieldbeat_bench_import";
const DRIVERS = (process.env.BENCH_IMPORT_DRIVERS ?? "postgres,pglite").split(",");

function makeCsv(n: number, tag: string): Uint8Array {
  const lines = ["external_ref,name,address,lat,lon,geofence_radius,location_type"];
  for (let i = 0; i < n; i++) {
    const lat = (12.8 + ((i * 7919) % 40_000) / 100_000).toFixed(6);
    const lon = (77.45 + ((i * 104_729) % 40_000) / 100_000).toFixed(6);
    lines.push(`${tag}-${i},"Customer ${i}, Bengaluru","${i} Road, Block ${i % 50}",${lat},${lon},${50 + (i % 5) * 10},${i % 3 === 0 ? "pharmacy" : "clinic"}`);
  }
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n");
}

const mb = (b: number) => (b / 1024 / 1024).toFixed(0);

async function main() {
  const { openPostgres, openPglite, migrate, queryRows } = await import("../src/server/db/client");
  const { useDbHandle: pointAppAt } = await import("../src/server/db"); // not a React hook
  const { importCustomers } = await import("../src/server/locations/import/import-customers");
  const { sql } = await import("drizzle-orm");
  console.log(`bench:import-customers, ${ROWS} rows, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("| driver | dry run | commit | re-import | RSS before → peak |\n|---|---|---|---|---|");
  for (const driver of DRIVERS) {
    if (driver === "postgres") await ensureLocalDatabase(DB_URL);
    const handle = driver === "postgres" ? await openPostgres({ url: DB_URL, max: 4 }) : await openPglite(undefined);
    await migrate(handle);
    pointAppAt(handle);
    const [admin] = await queryRows<{ id: number }>(handle.db, sql`INSERT INTO personnel (name, email, role) VALUES ('Bench admin', ${`bench-import-${Date.now()}@bench.test`}, 'admin') RETURNING id`);
    const actor = { id: admin!.id, role: "admin" as const, name: "Bench admin", email: "bench@bench.test", via: "session" as const, readOnly: false };
    const csv = makeCsv(ROWS, `B${Date.now()}`);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const time = async (dryRun: boolean) => {
      const t = performance.now();
      const r = await importCustomers({ db: handle.db, actor, now: new Date() }, csv, { dryRun, skipInvalid: false });
      return { ms: performance.now() - t, r };
    };
    const dry = await time(true);
    const commit = await time(false);
    const again = await time(false);
    clearInterval(timer);
    if (commit.r.created !== ROWS || again.r.unchanged !== ROWS) throw new Error(`unexpected counts: ${JSON.stringify({ commit: commit.r.created, again: again.r.unchanged })}`);
    console.log(`| ${driver} | ${(dry.ms / 1000).toFixed(2)} s | ${(commit.ms / 1000).toFixed(2)} s | ${(again.ms / 1000).toFixed(2)} s | ${mb(before)} → ${mb(peak)} MB |`);
    pointAppAt(undefined);
    await handle.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
