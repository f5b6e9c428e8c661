import { metrics, SpanKind, SpanStatusCode, trace, type Attributes, type Counter, type Span } from "@opentelemetry/api";
import type { RequestDurations } from "./request-durations";

/**
 * OpenTelemetry for the app (issue #22, docs/decisions/0022): off unless OTEL_EXPORTER_OTLP_ENDPOINT is set.
 * Off, nothing is registered — the global tracer and meter providers stay OpenTelemetry's no-op ones, Next skips its
 * tracing work, and every helper here returns after one property read. On (src/server/telemetry/start.ts, from
 * instrumentation.ts), this file's state is published on globalThis under TELEMETRY_KEY: Next may bundle the module
 * into several chunks, and the production door (scripts/door.mjs, plain JavaScript) reads the same flag.
 *
 * What the app adds to Next's own spans: a server span per lean-door request (scripts/door.mjs), a span per database
 * query (src/server/db/client.ts), per server action and per job; and the metrics below. pg-boss adds its own job
 * spans and `pgboss.queue.jobs` (queue depth by state) and `messaging.process.duration` (with `error.type` on failure).
 */
export const TELEMETRY_KEY = Symbol.for("fieldbeat.telemetry");

export type TelemetryState = {
  on: boolean;
  /** Flushes and stops the SDK (scripts/server.mjs calls it last on SIGTERM). */
  shutdown?: () => Promise<void>;
  /** Database connections in use (queries outside a transaction + open transactions), by pool. */
  dbUsed: Map<string, number>;
  dbMax: Map<string, number>;
  instruments?: Instruments;
};

type Instruments = { requestDuration: RequestDurations; jobRuns: Counter };

const g = globalThis as typeof globalThis & { [TELEMETRY_KEY]?: TelemetryState };
export const telemetryState = (): TelemetryState => (g[TELEMETRY_KEY] ??= { on: false, dbUsed: new Map(), dbMax: new Map() });

/** True when an SDK was registered at start (OTEL_EXPORTER_OTLP_ENDPOINT set). */
export const telemetryOn = (): boolean => g[TELEMETRY_KEY]?.on === true;

export const tracer = () => trace.getTracer("fieldbeat");

/**
 * Creates the app's instruments on the meter provider just registered (the metrics API has no proxy: a meter taken
 * before the SDK registers stays a no-op), and the observable gauges read on each export. The request durations
 * (`http.server.request.duration`) are aggregated by the app: `durations` is what the metric readers were given
 * (src/server/telemetry/request-durations.ts).
 */
export function createInstruments(observe: { sseConnections: () => number }, durations: RequestDurations): void {
  const state = telemetryState();
  const meter = metrics.getMeter("fieldbeat");
  state.instruments = {
    requestDuration: durations,
    jobRuns: meter.createCounter("fieldbeat.job.runs", { description: "Scheduled job runs, by job and outcome (ok | error).", unit: "{run}" }),
  };
  meter.createObservableUpDownCounter("db.client.connection.count", { description: "Database connections in use, by pool.", unit: "{connection}" }).addCallback((r) => {
    for (const [pool, used] of state.dbUsed) r.observe(used, { "db.client.connection.pool.name": pool, "db.client.connection.state": "used" });
  });
  meter.createObservableUpDownCounter("db.client.connection.max", { description: "The pool's connection bound (DATABASE_POOL_MAX).", unit: "{connection}" }).addCallback((r) => {
    for (const [pool, max] of state.dbMax) r.observe(max, { "db.client.connection.pool.name": pool });
  });
  meter.createObservableUpDownCounter("fieldbeat.sse.connections", { description: "Open live-event streams (SSE) in this process.", unit: "{connection}" }).addCallback((r) => r.observe(observe.sseConnections()));
}

/** Segments that name one row (numbers, UUIDs, long tokens) become `[id]`, so a route is a low-cardinality label. */
export function routeOf(path: string): string {
  return path.replace(/\/(\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{24,})(?=\/|$)/gi, "/[id]");
}

/** Whether request durations are recorded (telemetry on, its instruments created). */
export const requestMetricsOn = (): boolean => g[TELEMETRY_KEY]?.instruments !== undefined;

/** One API request's duration (handler.ts `route()`, both doors). */
export function recordRequest(method: string, path: string, status: number, seconds: number): void {
  const i = g[TELEMETRY_KEY]?.instruments;
  if (!i) return;
  i.requestDuration.record(method, path, status, seconds);
}

/** Runs `fn` in an active span (a child of the current one) when telemetry is on; else just runs it. */
export async function withSpan<T>(name: string, attributes: Attributes, fn: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!telemetryOn()) return fn(undefined);
  return tracer().startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (err) {
      failSpan(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

export function failSpan(span: Span, err: unknown): void {
  if (err instanceof Error) span.recordException(err);
  span.setAttribute("error.type", err instanceof Error ? err.name : "_OTHER");
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}

/** A scheduled job's run (the pg-boss runner and the cron door): a span and a count by outcome. */
export async function runJobTraced<T>(job: string, fn: () => Promise<T>): Promise<T> {
  if (!telemetryOn()) return fn();
  const runs = g[TELEMETRY_KEY]?.instruments?.jobRuns;
  try {
    const result = await withSpan(`job ${job}`, { "fieldbeat.job.name": job }, () => fn());
    runs?.add(1, { "fieldbeat.job.name": job, outcome: "ok" });
    return result;
  } catch (err) {
    runs?.add(1, { "fieldbeat.job.name": job, outcome: "error", "error.type": err instanceof Error ? err.name : "_OTHER" });
    throw err;
  }
}
