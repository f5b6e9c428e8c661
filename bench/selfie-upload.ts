/**
 * Selfie upload benchmark (printed, not asserted): upload + validation + thumbnail of a ~3 MB phone-sized JPEG,
 * p50/p99 over N sequential uploads against a running server, and the server's RSS before/after.
 *
 *   BENCH_URL=http://127.0.0.1:3201 SERVER_PID=<next-server pid> npx tsx bench/selfie-upload.ts [N=200]
 *
 * Each upload needs its own visit (one selfie per visit): check in, upload (timed), check out (not timed).
 * The photo: 4032×3024 (12 MP, a phone's), EXIF with GPS written by sharp, quality tuned to ≈ 3 MB.
 */
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { percentile } from "./lib";

const BASE = process.env.BENCH_URL ?? "http://127.0.0.1:3201";
const N = Number(process.argv[2] ?? 200);
const rss = () => {
  const pid = process.env.SERVER_PID;
  if (!pid) return "n/a (set SERVER_PID)";
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? `${Math.round(Number(m[1]) / 1024)} MB` : "n/a";
};

async function phoneJpeg(): Promise<Buffer> {
  const w = 4032, h = 3024;
  const noise = Buffer.alloc(w * h * 3);
  for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24 ^ ((i / w) & 0xff);
  return sharp(noise, { raw: { width: w, height: h, channels: 3 } })
    .blur(1.2)
    .withExif({ IFD0: { Make: "BenchPhone", Model: "12MP" } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

async function json(path: string, token: string, body: unknown) {
  const res = await fetch(BASE + path, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function main() {
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "rep02@fieldbeat.test", password: process.env.DEMO_PASSWORD ?? "fieldbeat-demo" }) });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const near = (await (await fetch(`${BASE}/api/v1/locations/nearby?lat=12.9716&lon=77.5946&radius=20000&limit=1`, { headers: { authorization: `Bearer ${token}` } })).json()) as { locations: { id: number; lat: number; lon: number }[] };
  const loc = near.locations[0]!;
  const photo = await phoneJpeg();
  console.log(`photo: ${(photo.length / 1e6).toFixed(2)} MB, 4032×3024; server RSS before: ${rss()}`);
  const fix = () => ({ lat: loc.lat, lon: loc.lon, accuracy_m: 10, captured_at: new Date().toISOString() });
  const times: number[] = [];
  let errors = 0;
  for (let i = 0; i < N; i++) {
    let ci = await json("/api/v1/visits/check-in", token, { client_id: randomUUID(), location_id: loc.id, ...fix() });
    if (ci.body.error?.open_visit_id) {
      await json("/api/v1/visits/check-out", token, { client_id: randomUUID(), visit_id: ci.body.error.open_visit_id, ...fix() });
      ci = await json("/api/v1/visits/check-in", token, { client_id: randomUUID(), location_id: loc.id, ...fix() });
    }
    const visitId = ci.body.visit.id as number;
    const form = new FormData();
    form.set("photo", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "selfie.jpg");
    form.set("meta", JSON.stringify({ client_id: randomUUID(), source: "camera", capture_fix: fix(), device_time: new Date().toISOString() }));
    const t0 = performance.now();
    const res = await fetch(`${BASE}/api/v1/visits/${visitId}/selfie`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: form });
    await res.arrayBuffer();
    times.push(performance.now() - t0);
    if (res.status !== 201) errors++;
    await json("/api/v1/visits/check-out", token, { client_id: randomUUID(), visit_id: visitId, ...fix() });
  }
  times.sort((a, b) => a - b);
  console.log(`\n| uploads | p50 ms | p99 ms | errors | server RSS after |\n|---|---|---|---|---|\n| ${N} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} | ${errors} | ${rss()} |`);
}

void main();
