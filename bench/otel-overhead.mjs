/**
 * What OpenTelemetry's own calls cost one request, in-process, without HTTP or a database (the part of tracing's
 * cost that the noisy throughput compare of `npm run bench` cannot resolve on this machine): the calls the lean door
 * (scripts/door.mjs `traced`), a database statement (src/server/db/traced.ts) and the request-duration histogram
 * (src/server/telemetry/telemetry.ts `recordRequest`, the app's own aggregator) make, in that order, replicated here
 * with the same API calls and attribute shapes (the door's tracer from the SDK's provider, its span shape made once;
 * the request duration counted by src/server/telemetry/request-durations.ts itself, imported). Off: the same request
 * with telemetry off (the door reads one flag, nothing is wrapped).
 *
 *   node --experimental-async-context-frame --import tsx bench/otel-overhead.mjs    (Node 22; prints one table)
 *
 * With the SDK registered as scripts/start.mjs does (NodeSDK from the OTEL_* variables). In the plain cells exports go
 * to a closed port and fail quietly, so no export cost is in them; the "+ export" cells export to an OTLP/HTTP sink in
 * this (parent) process, as a server would to its collector, so their CPU includes the batch processor's export:
 * serialising the spans (protobuf) and sending them. Every cell yields to the event loop every 64 requests (a server
 * does between requests), so the batch processor's exports run inside the measured loop.
 * BENCH_N [200000] requests per cell after 20,000 of warm-up; each cell runs in its own process.
 */
import { execFile } from "node:child_process";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const N = Number(process.env.BENCH_N ?? 200_000);
const cell = process.argv[2];

if (!cell) {
  // The collector (bench/otlp-sink.ts, as `npm run bench` uses): its CPU is this process's, not the cell's.
  const { startOtlpSink } = await import("./otlp-sink.ts");
  const sink = await startOtlpSink();
  const bytes = () => sink.stats().bytes;
  const sinkUrl = sink.url;
  const run = promisify(execFile);
  const rows = [];
  for (const c of ["off", "0", "0.1", "1", "0.1+export", "1+export"]) {
    const before = bytes();
    const { stdout } = await run(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), c], { encoding: "utf8", env: { ...process.env, SINK_URL: sinkUrl } });
    const sent = c.endsWith("+export") ? ` (${((bytes() - before) / 1048576).toFixed(1)} MB exported)` : "";
    rows.push(`| ${c === "off" ? "telemetry off" : `on, sampling ${c}`} | ${stdout.trim()}${sent} |`);
  }
  await sink.close();
  console.log(`Node ${process.version} ${process.execArgv.join(" ")}; ${N} requests per cell\n`);
  console.log("| server | CPU µs per request (OTel calls; + export: and the OTLP export) |\n|---|---|");
  console.log(rows.join("\n"));
  process.exit(0);
}

const on = cell !== "off";
const exporting = cell.endsWith("+export");
if (on) {
  process.env.OTEL_TRACES_SAMPLER = "parentbased_traceidratio";
  process.env.OTEL_TRACES_SAMPLER_ARG = cell.replace("+export", "");
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = exporting ? process.env.SINK_URL : "http://127.0.0.1:9";
  const { NodeSDK } = await import("@opentelemetry/sdk-node");
  new NodeSDK({ serviceName: "otel-overhead", instrumentations: [], logRecordProcessors: [] }).start();
}
const { context, propagation, SpanKind, trace, TraceFlags } = await import("@opentelemetry/api");
const { isTracingSuppressed } = await import("@opentelemetry/core");
const { RequestDurations } = await import("../src/server/telemetry/request-durations.ts");
const durations = new RequestDurations((path) => path);
const ROUTE = "/api/v1/locations/nearby";
// scripts/door.mjs: the tracer of the SDK's own provider, the span's name and options made once.
const global = trace.getTracerProvider();
const doorTracer = (global.getDelegate?.() ?? global).getTracer("fieldbeat.door");
const shape = { name: `GET ${ROUTE}`, options: Object.freeze({ kind: SpanKind.SERVER, attributes: Object.freeze({ "http.request.method": "GET", "http.route": ROUTE, "url.path": ROUTE, "url.scheme": "http", "fieldbeat.door": "lean" }) }) };
const headers = { host: "127.0.0.1:3300", authorization: "Bearer x", "user-agent": "wrk" };
// The nearby statement's text as the database span carries it (src/server/locations/find-nearby.ts, whitespace collapsed), 566 characters.
const NEARBY_SQL =
  "SELECT * FROM ( SELECT l.id, l.name, l.address, l.location_type, ST_Y(l.coordinates::geometry) AS lat, ST_X(l.coordinates::geometry) AS lon, " +
  "l.geofence_radius, round(ST_Distance(l.coordinates, ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4326)::geography)::numeric, 2) AS distance_m " +
  "FROM locations l WHERE l.active AND ST_DWithin(l.coordinates, ST_SetSRID(ST_MakePoint($3::float8, $4::float8), 4326)::geography, $5::float8) " +
  "ORDER BY l.coordinates <-> ST_SetSRID(ST_MakePoint($6::float8, $7::float8), 4326)::geography LIMIT $8::int ) n ORDER BY n.distance_m, n.id";
const dbBase = { "db.system.name": "postgresql", "db.system": "postgresql", "db.namespace": "fieldbeat" };

function inDroppedTrace() {
  const active = context.active();
  if (isTracingSuppressed(active)) return true;
  const parent = trace.getSpanContext(active);
  return parent !== undefined && (parent.traceFlags & TraceFlags.SAMPLED) === 0 && trace.isSpanContextValid(parent);
}
async function statement() {
  const span = on && !inDroppedTrace() ? trace.getTracer("fieldbeat").startSpan("SELECT", { kind: SpanKind.CLIENT, attributes: { ...dbBase, "db.operation.name": "SELECT", "db.query.text": NEARBY_SQL } }) : undefined;
  await null; // the statement's round trip
  span?.end();
}
async function request() {
  const t0 = performance.now();
  if (!on) return statement();
  const parent = propagation.extract(context.active(), headers);
  const span = doorTracer.startSpan(shape.name, shape.options, parent);
  await context.with(trace.setSpan(parent, span), async () => {
    await statement();
    durations.record("GET", ROUTE, 200, (performance.now() - t0) / 1000);
  });
  if (span.isRecording()) span.end();
}

/** `n` requests, yielding to the event loop every 64 (as a server does between requests: the exports run then). */
async function requests(n) {
  for (let i = 0; i < n; i++) {
    await request();
    if (i % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
  }
}
await requests(20_000);
const before = process.cpuUsage();
await requests(N);
const used = process.cpuUsage(before);
console.log(((used.user + used.system) / N).toFixed(2));
process.exit(0);
