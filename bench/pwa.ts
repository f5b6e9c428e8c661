/**
 * npm run bench:pwa — the rep PWA's two figures (not timed tests), against a running production server:
 *   1. first-load JavaScript of /rep (gzip), from the build's files the page references;
 *   2. replay of 1,000 queued actions after reconnect (fake-indexeddb queue → the real /api/v1 routes): time to
 *      drain, requests, duplicates written (must be 0), and a second replay (must send nothing).
 * BENCH_PWA_URL [http://127.0.0.1:3202] · BENCH_PWA_REP [rep18@fieldbeat.test] · DEMO_PASSWORD [fieldbeat-demo]
 */
import "fake-indexeddb/auto";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { createApiClient } from "../src/lib/api/client";
import { repApi } from "../src/lib/api/endpoints";
import { openOfflineDb } from "../src/lib/offline/db";
import { enqueue } from "../src/lib/offline/queue";
import { drainQueue } from "../src/lib/offline/replay";

const BASE = process.env.BENCH_PWA_URL ?? "http://127.0.0.1:3202";
const REP = process.env.BENCH_PWA_REP ?? "rep18@fieldbeat.test";
const PASSWORD = process.env.DEMO_PASSWORD ?? "fieldbeat-demo";
const ROOT = path.resolve(import.meta.dirname, "..");

async function signIn(): Promise<string> {
  const csrfRes = await fetch(`${BASE}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = (csrfRes.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).join("; ");
  const res = await fetch(`${BASE}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar },
    body: new URLSearchParams({ csrfToken, email: REP, password: PASSWORD, json: "true" }),
  });
  const session = (res.headers.getSetCookie?.() ?? []).map((c) => c.split(";")[0]).filter((c): c is string => !!c && c.includes("session-token"));
  if (!session.length) throw new Error(`sign-in as ${REP} failed (${res.status})`);
  return [jar, ...session].join("; ");
}

/**
 * The scripts /rep's HTML references, gzip -9 each. `nomodule` scripts (Next's legacy polyfills) are counted apart:
 * a browser that runs modules — every browser the PWA supports — never downloads them, and Next's own "First Load
 * JS" leaves them out too. The largest files are listed so a regression names its chunk.
 */
async function firstLoad(cookie: string) {
  const html = await (await fetch(`${BASE}/rep`, { headers: { cookie } })).text();
  const tags = [...html.matchAll(/<script[^>]+src="(\/_next\/static\/[^"]+\.js)"[^>]*>/g)];
  const seen = new Set<string>();
  let raw = 0;
  let gz = 0;
  let nomoduleGz = 0;
  const files: { src: string; gz: number }[] = [];
  for (const [tag, src] of tags) {
    if (seen.has(src!)) continue;
    seen.add(src!);
    const file = path.join(ROOT, ".next/static", src!.replace("/_next/static/", ""));
    const buf = existsSync(file) ? readFileSync(file) : Buffer.from(await (await fetch(BASE + src)).arrayBuffer());
    const size = gzipSync(buf, { level: 9 }).length;
    if (/\snomodule/i.test(tag)) {
      nomoduleGz += size;
      continue;
    }
    raw += buf.length;
    gz += size;
    files.push({ src: src!, gz: size });
  }
  const lazy = /leaflet|workbox-window/.test(html) ? "in first load" : "not in first load";
  return { scripts: files.length, rawKb: raw / 1024, gzKb: gz / 1024, nomoduleKb: nomoduleGz / 1024, files: files.sort((a, b) => b.gz - a.gz), lazy };
}

async function replay(cookie: string) {
  const client = createApiClient({
    retries429: 3,
    fetch: (url, init) => fetch(`${BASE}${String(url)}`, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie, origin: BASE } }),
  });
  const api = repApi(client);
  const plan = await api.planToday();
  const stops = plan.stops.filter((s) => s.location.active);
  const me = plan.personnel_id;
  const db = await openOfflineDb(`bench-${randomUUID()}`);
  const t0 = Date.now() - 30 * 60_000;
  const at = (i: number) => new Date(t0 + i * 1000).toISOString();
  let n = 0;
  await enqueue(db, me, { kind: "session.start", body: { client_id: randomUUID(), captured_at: at(n++) } }, new Date());
  for (let v = 0; v < 20; v++) {
    const s = stops[v % stops.length]!;
    const fix = { lat: s.location.lat, lon: s.location.lon, accuracy_m: 8 };
    const ci = randomUUID();
    await enqueue(db, me, { kind: "visit.check_in", location_name: s.location.name, body: { client_id: ci, location_id: s.location.id, ...fix, captured_at: at(n++) } }, new Date());
    for (let p = 0; p < 46; p++) await enqueue(db, me, { kind: "tracking.pings", body: { pings: [{ client_id: randomUUID(), ...fix, captured_at: at(n++) }] } }, new Date());
    await enqueue(db, me, { kind: "visit.check_out", check_in_client_id: ci, location_name: s.location.name, body: { client_id: randomUUID(), ...fix, captured_at: at(n++) } }, new Date());
  }
  while (n < 1000) await enqueue(db, me, { kind: "tracking.pings", body: { pings: [{ client_id: randomUUID(), lat: stops[0]!.location.lat, lon: stops[0]!.location.lon, accuracy_m: 8, captured_at: at(n++) }] } }, new Date());
  const start = performance.now();
  const first = await drainQueue({ db, api, owner: me });
  const ms = performance.now() - start;
  const second = await drainQueue({ db, api, owner: me });
  const items = await db.getAll("queue");
  const pingDupes = items.filter((i) => i.kind === "tracking.pings").reduce((d, i) => d + ((i.result as { duplicates?: number } | null)?.duplicates ?? 0), 0);
  const visitIds = items.filter((i) => i.kind === "visit.check_in").map((i) => (i.result as { visit: { id: number } }).visit.id);
  return { actions: n, ms, first, second, pingDupes, visits: new Set(visitIds).size };
}

async function main() {
  const cookie = await signIn();
  const fl = await firstLoad(cookie);
  const r = await replay(cookie);
  console.log("| measure | value | target |\n|---|---|---|");
  console.log(`| first-load JS of /rep (gzip, ${fl.scripts} module scripts) | ${fl.gzKb.toFixed(1)} kB (raw ${fl.rawKb.toFixed(0)} kB) | ≤ 150 kB |`);
  console.log(`| nomodule polyfills (never loaded by a module browser) | ${fl.nomoduleKb.toFixed(1)} kB | — |`);
  console.log(`| map (Leaflet) and workbox-window | ${fl.lazy} | lazy |`);
  console.log(`| replay of ${r.actions} queued actions | ${(r.ms / 1000).toFixed(2)} s, ${r.first.sent} sent, ${r.first.failed} failed | — |`);
  console.log(`| duplicates written | ${r.pingDupes} pings, ${20 - r.visits} visits | 0 |`);
  console.log(`| second replay | ${r.second.sent} sent | 0 |`);
  console.log(`\nlargest first-load files (gzip): ${fl.files.slice(0, 6).map((f) => `${path.basename(f.src)} ${(f.gz / 1024).toFixed(1)} kB`).join(", ")}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
