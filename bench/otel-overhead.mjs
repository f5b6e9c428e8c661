/**
 * What OpenTelemetry's own calls cost one request, in-process, without HTTP or a database (the part of tracing's
 * cost that the noisy throughput compare of `npm run bench` cannot resolve on this machine): the calls the lean door
 * (scripts/door.mjs `traced`), a database statement (src/server/db/traced.ts) and the request-duration histogram
 * (src/server/telemetry/telemetry.ts `recordRequest`) make, in that order, replicated here with the same API calls
 * and attribute shapes. Off: the same request with telemetry off (the door reads one flag, nothing is wrapped).
 *
 *   node --experimental-async-context-frame bench/otel-overhead.mjs        (Node 22; prints one table)
 *
 * With the SDK registered as scripts/start.mjs does (NodeSDK from the OTEL_* variables; exports go to a closed port
 * and fail quietly, so no export cost is in these numbers: bench/profile.ts with BENCH_OTEL=1 shows that part).
 * BENCH_N [200000] requests per cell after 20,000 of warm-up; each cell runs in its own process.
 */
import { execFileSync } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const N = Number(process.env.BENCH_N ?? 200_000);
const cell = process.argv[2];

if (!cell) {
  const rows = [];
  for (const c of ["off", "0", "0.1", "1"]) {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), c], { encoding: "utf8", env: process.env });
    rows.push(`| ${c === "off" ? "telemetry off" : `on, sampling ${c}`} | ${out.trim()} |`);
  }
  console.log(`Node ${process.version} ${process.execArgv.join(" ")}; ${N} requests per cell\n`);
  console.log("| server | CPU µs per request (OTel calls only) |\n|---|---|");
  console.log(rows.join("\n"));
  process.exit(0);
}

const on = cell !== "off";
if (on) {
  process.env.OTEL_TRACES_SAMPLER = "parentbased_traceidratio";
  process.env.OTEL_TRACES_SAMPLER_ARG = cell;
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = "http://127.0.0.1:9";
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  new NodeSDK({ serviceName: "otel-overhead", instrumentations: [], logRecordProcessors: [] }).start();
}
const { context, metrics, propagation, SpanKind, trace, TraceFlags } = await import("@opentelemetry/api");
const { isTracingSuppressed } = await import("@opentelemetry/core");
const duration = metrics.getMeter("fieldbeat").createHistogram("http.server.request.duration", { unit: "s" });
const attributes = { "http.request.method": "GET", "http.route": "/api/v1/locations/nearby", "http.response.status_code": 200 };
const headers = { host: "127.0.0.1:3300", authorization: "Bearer x", "user-agent": "wrk" };
const dbBase = { "db.system.name": "postgresql", "db.system": "postgresql", "db.namespace": "fieldbeat" };

function inDroppedTrace() {
  const active = context.active();
  if (isTracingSuppressed(active)) return true;
  const parent = trace.getSpanContext(active);
  return parent !== undefined && (parent.traceFlags & TraceFlags.SAMPLED) === 0 && trace.isSpanContextValid(parent);
}
async function statement() {
  const span = on && !inDroppedTrace() ? trace.getTracer("fieldbeat").startSpan("SELECT", { kind: SpanKind.CLIENT, attributes: { ...dbBase, "db.operation.name": "SELECT", "db.query.text": "SELECT * FROM (SELECT l.id, l.name FROM locations l WHERE l.active) n" } }) : undefined;
  await null; // the statement's round trip
  span?.end();
}
async function request() {
  const t0 = performance.now();
  if (!on) return statement();
  const parent = propagation.extract(context.active(), headers);
  const span = trace.getTracer("fieldbeat.door").startSpan("GET /api/v1/locations/nearby", { kind: SpanKind.SERVER, attributes: { "http.request.method": "GET", "http.route": "/api/v1/locations/nearby", "url.path": "/api/v1/locations/nearby", "url.scheme": "http", "fieldbeat.door": "lean" } }, parent);
  await context.with(trace.setSpan(parent, span), async () => {
    await statement();
    duration.record((performance.now() - t0) / 1000, attributes);
  });
  if (span.isRecording()) span.end();
}

for (let i = 0; i < 20_000; i++) await request();
const before = process.cpuUsage();
for (let i = 0; i < N; i++) await request();
const used = process.cpuUsage(before);
console.log(((used.user + used.system) / N).toFixed(2));
process.exit(0);
