/**
 * Breadcrumb ingest (POST /api/v1/tracking/pings): the p50 of 500-fix batches posted one after another,
 * then fixes/s sustained by several wrk connections posting 500-fix batches (bench/wrk/fb-pings.lua).
 * The senders' days are opened first (in SQL: login a minute ago), or every fix would be refused.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import postgres from "postgres";
import { percentile, WRK_DIR, wrk, type WrkResult } from "./lib";

export type PingsResult = { batch: number; sequential: { n: number; p50_ms: number; p99_ms: number; accepted: number; failed: number }; sustained: WrkResult & { fixesPerSecond: number } };

export async function openDays(dbUrl: string, repIds: number[]): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`INSERT INTO daily_sessions (personnel_id, session_date, login_time, status)
              SELECT id, (now() AT TIME ZONE coalesce((SELECT time_zone FROM org_settings WHERE id = 1), 'Asia/Kolkata'))::date, now() - interval '1 minute', 'OPEN'
              FROM unnest(${repIds}::int[]) id
              ON CONFLICT (personnel_id, session_date) DO UPDATE
                SET status = 'OPEN', logout_time = NULL, login_time = LEAST(daily_sessions.login_time, EXCLUDED.login_time)`;
  } finally {
    await sql.end();
  }
}

/**
 * Every run starts from the same state: the senders' fixes and gaps of earlier runs are removed and their day's
 * kilometres reset. Without this each run found longer days than the last (a batch re-reads its whole day), so runs
 * of the same build drifted apart (seen: 87 → 106 ms p50 over four runs in one evening).
 */
export async function clearPings(dbUrl: string, repIds: number[]): Promise<void> {
  const sql = postgres(dbUrl, { max: 1, onnotice: () => {} });
  try {
    await sql`DELETE FROM location_pings WHERE personnel_id = ANY(${repIds}::int[])`;
    await sql`DELETE FROM tracking_gaps WHERE personnel_id = ANY(${repIds}::int[])`;
    await sql`UPDATE daily_sessions SET total_travel_km = 0 WHERE personnel_id = ANY(${repIds}::int[])`;
  } finally {
    await sql.end();
  }
}

function batchBody(n: number, lat: number, lon: number): string {
  const now = Date.now();
  const pings = Array.from({ length: n }, (_, i) => ({
    client_id: randomUUID(),
    lat: lat + (Math.random() - 0.5) * 1e-3,
    lon: lon + (Math.random() - 0.5) * 1e-3,
    accuracy_m: 10,
    captured_at: new Date(now - (n - i) * 2).toISOString(),
    source: "gps",
  }));
  return JSON.stringify({ pings });
}

/** `tokenFile` lines are the ping senders (their days open). */
export async function runPings(opts: { base: string; tokenFile: string; batches: number; batch: number; seconds: number; connections: number }): Promise<PingsResult> {
  const senders = readFileSync(opts.tokenFile, "utf8").trim().split("\n").map((l) => l.split(" "));
  const times: number[] = [];
  let accepted = 0;
  let failed = 0;
  for (let i = 0; i < opts.batches; i++) {
    const [token, , lat, lon] = senders[i % senders.length]!;
    const body = batchBody(opts.batch, Number(lat), Number(lon));
    const t0 = performance.now();
    const res = await fetch(`${opts.base}/api/v1/tracking/pings`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body });
    const json = (await res.json()) as { accepted?: number };
    times.push(performance.now() - t0);
    if (res.ok) accepted += json.accepted ?? 0;
    else failed++;
  }
  times.sort((a, b) => a - b);
  const sustained = await wrk({
    name: `POST /api/v1/tracking/pings, ${opts.batch}-fix batches`,
    url: opts.base,
    script: path.join(WRK_DIR, "fb-pings.lua"),
    connections: opts.connections,
    seconds: opts.seconds,
    env: { BENCH_TOKENS: opts.tokenFile, BENCH_PING_BATCH: String(opts.batch) },
  });
  return {
    batch: opts.batch,
    sequential: { n: opts.batches, p50_ms: percentile(times, 50), p99_ms: percentile(times, 99), accepted, failed },
    sustained: { ...sustained, fixesPerSecond: sustained.counted / sustained.seconds },
  };
}
