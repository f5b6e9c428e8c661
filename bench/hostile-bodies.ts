/**
 * Hostile-request benchmark (printed, not asserted; issue #17 item 0): what one hostile request costs a running
 * server — wall time, the server's CPU (utime+stime) and its RSS after.
 *
 *   BENCH_URL=http://127.0.0.1:3201 SERVER_PID=<server pid> npx tsx bench/hostile-bodies.ts [N=5]
 *
 * Cases: the anonymous 1 MB `{"pad":[0,0,…]}` sign-in (500,000 zeros), a 900 KB pad to check-in with a valid
 * token (the authenticated body limit is 1 MB, so the value-count pre-scan is what refuses it), and three
 * 49-megapixel PNG selfies (~160 KB each) sent at once. Expected answers: 413, 413, 413.
 */
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { cpuMs } from "./lib";

const BASE = process.env.BENCH_URL ?? "http://127.0.0.1:3201";
const N = Number(process.argv[2] ?? 5);
const PID = process.env.SERVER_PID ? Number(process.env.SERVER_PID) : undefined;
const rssMb = () => {
  if (!PID) return NaN;
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${PID}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};
const pad = (n: number) => `{"pad":[${"0,".repeat(n - 1)}0]}`;

async function measure(name: string, send: () => Promise<number[]>) {
  const cpu0 = PID ? cpuMs(PID) : 0;
  const t0 = performance.now();
  const statuses: number[] = [];
  for (let i = 0; i < N; i++) statuses.push(...(await send()));
  const wall = (performance.now() - t0) / N;
  const cpu = PID ? (cpuMs(PID) - cpu0) / N : NaN;
  console.log(`| ${name} | ${[...new Set(statuses)].join(",")} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} | ${rssMb()} |`);
}

async function main() {
  const login = await fetch(`${BASE}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "rep02@fieldbeat.test", password: process.env.DEMO_PASSWORD ?? "fieldbeat-demo" }) });
  const token = ((await login.json()) as { access_token: string }).access_token;
  const auth = { authorization: `Bearer ${token}` };
  const near = (await (await fetch(`${BASE}/api/v1/locations/nearby?lat=12.9716&lon=77.5946&radius=20000&limit=1`, { headers: auth })).json()) as { locations: { id: number; lat: number; lon: number }[] };
  const loc = near.locations[0]!;
  const fix = () => ({ lat: loc.lat, lon: loc.lon, accuracy_m: 10, captured_at: new Date().toISOString() });
  const checkIn = async () => (await fetch(`${BASE}/api/v1/visits/check-in`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ client_id: randomUUID(), location_id: loc.id, ...fix() }) })).json() as Promise<{ visit?: { id: number }; error?: { open_visit_id?: number } }>;
  const ci = await checkIn();
  const visitId = ci.visit?.id ?? ci.error?.open_visit_id; // an open visit of this rep: the selfie route reaches its image checks
  const png = await sharp({ create: { width: 7000, height: 7000, channels: 3, background: "#369" } }).png({ compressionLevel: 9 }).toBuffer();
  const loginBody = pad(500_000);
  const checkInBody = pad(450_000);
  console.log(`server RSS before: ${rssMb()} MB; login body ${(loginBody.length / 1e6).toFixed(2)} MB, check-in body ${(checkInBody.length / 1e6).toFixed(2)} MB, PNG ${(png.length / 1e3).toFixed(0)} KB\n`);
  console.log("| case | status | wall ms / round | server CPU ms / round | server RSS MB after |\n|---|---|---|---|---|");
  const post = (path: string, body: BodyInit, headers: Record<string, string>) => fetch(BASE + path, { method: "POST", headers, body }).then(async (r) => (await r.arrayBuffer(), r.status));
  await measure("anonymous login, 1 MB pad", async () => [await post("/api/v1/auth/login", loginBody, { "content-type": "application/json" })]);
  await measure("check-in, 900 KB pad", async () => [await post("/api/v1/visits/check-in", checkInBody, { "content-type": "application/json", ...auth })]);
  await measure("3 × 49 MP PNG selfies at once", async () =>
    Promise.all(
      [1, 2, 3].map(() => {
        const form = new FormData();
        form.set("photo", new Blob([new Uint8Array(png)], { type: "image/png" }), "big.png");
        form.set("meta", JSON.stringify({ client_id: randomUUID(), source: "camera", capture_fix: null, device_time: new Date().toISOString() }));
        return post(`/api/v1/visits/${visitId}/selfie`, form, auth);
      }),
    ),
  );
  await post("/api/v1/visits/check-out", JSON.stringify({ client_id: randomUUID(), visit_id: visitId, ...fix() }), { ...auth, "content-type": "application/json" });
}

void main();
