import { env } from "@/env";
import { openStreamCount } from "../lifecycle/shutdown";
import { createInstruments, routeOf, telemetryState } from "./telemetry";

/**
 * Registers the OpenTelemetry SDK when OTEL_EXPORTER_OTLP_ENDPOINT is set (instrumentation.ts `register()`, before
 * the database opens). Without it nothing is loaded or registered, and this returns false.
 *
 *  - Self-hosted (`npm start`, Docker): `@opentelemetry/sdk-node`'s NodeSDK, configured by the standard OTEL_*
 *    variables: OTLP over HTTP (`OTEL_EXPORTER_OTLP_PROTOCOL`, default `http/protobuf`; `http/json`; `grpc`),
 *    `OTEL_TRACES_SAMPLER` / `OTEL_TRACES_SAMPLER_ARG` (e.g. `parentbased_traceidratio` and `0.1`: 10 % of new
 *    traces, following the caller's decision when a `traceparent` came in), `OTEL_METRIC_EXPORT_INTERVAL` (ms,
 *    default 60000), `OTEL_SERVICE_NAME` (default `fieldbeat`), `OTEL_EXPORTER_OTLP_HEADERS` for a collector's key.
 *    No auto-instrumentation: Next.js makes the spans of the requests it serves; the app adds the rest.
 *  - Vercel (`VERCEL` set): `@vercel/otel`'s `registerOTel`, which flushes spans before a function is frozen; its
 *    trace exporter reads the same variables, and the metrics go through an OTLP/HTTP metric reader.
 *
 * The pinned SDK line (0.2xx / 2.x) is the one that runs on Node 20 and 22; the 0.3xx line needs Node ≥ 22.15.
 */
export type TelemetryConfig = { endpoint: string | undefined; serviceName: string; vercel: boolean; metricIntervalMs: number; metricTimeoutMs?: number; metricsExporter?: string };

export async function startTelemetry(
  config: TelemetryConfig = { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME, vercel: Boolean(env.VERCEL), metricIntervalMs: env.OTEL_METRIC_EXPORT_INTERVAL, metricTimeoutMs: env.OTEL_METRIC_EXPORT_TIMEOUT, metricsExporter: env.OTEL_METRICS_EXPORTER },
): Promise<boolean> {
  const state = telemetryState();
  if (state.on) return true;
  if (!config.endpoint) return false;
  const { serviceName } = config;

  // Loaded only now: with telemetry off, no OpenTelemetry SDK module is imported at all.
  const [{ RequestDurations }, { PeriodicExportingMetricReader, AggregationTemporality, InstrumentType }] = await Promise.all([
    import("./request-durations"),
    import("@opentelemetry/sdk-metrics"),
  ]);
  const durations = new RequestDurations(routeOf);
  type Exporter = import("@opentelemetry/sdk-metrics").PushMetricExporter;
  // A periodic reader per exporter, given the app's request durations besides the SDK's own instruments.
  const readerOf = (exporter: Exporter) =>
    new PeriodicExportingMetricReader({
      exporter,
      exportIntervalMillis: config.metricIntervalMs,
      exportTimeoutMillis: Math.min(config.metricTimeoutMs ?? 30_000, config.metricIntervalMs),
      metricProducers: [durations.producer(() => exporter.selectAggregationTemporality?.(InstrumentType.HISTOGRAM) ?? AggregationTemporality.CUMULATIVE)],
    });

  if (config.vercel) {
    const [{ registerOTel }, { OTLPMetricExporter }] = await Promise.all([import("@vercel/otel"), import("@opentelemetry/exporter-metrics-otlp-http")]);
    registerOTel({ serviceName, metricReaders: [readerOf(new OTLPMetricExporter())] });
  } else {
    const { NodeSDK } = await import("@opentelemetry/sdk-node");
    // Traces and the sampler from the OTEL_* variables; the metric readers as NodeSDK would make them from
    // OTEL_METRICS_EXPORTER (otlp by default, over OTEL_EXPORTER_OTLP_[METRICS_]PROTOCOL; console; none), with the
    // request durations added; no OTel logs (the app logs JSON lines on stdout).
    const sdk = new NodeSDK({ serviceName, instrumentations: [], logRecordProcessors: [], metricReaders: (await metricExporters(config.metricsExporter ?? "otlp")).map(readerOf) });
    sdk.start();
    state.shutdown = () => sdk.shutdown();
  }
  state.on = true;
  createInstruments({ sseConnections: openStreamCount }, durations);
  return true;
}

/**
 * The metric exporters OTEL_METRICS_EXPORTER names, as NodeSDK chooses them (sdk-node's getMetricReadersFromEnv, which
 * it does not export): `otlp` (the default) over OTEL_EXPORTER_OTLP_METRICS_PROTOCOL or OTEL_EXPORTER_OTLP_PROTOCOL,
 * `console`, or `none`. Prometheus's pull exporter is not offered: it opens a port of its own.
 */
export async function metricExporters(list: string): Promise<import("@opentelemetry/sdk-metrics").PushMetricExporter[]> {
  const names = [...new Set(list.split(",").map((n) => n.trim()).filter(Boolean))];
  if (names.length === 0) names.push("otlp");
  if (names.includes("none")) return [];
  const exporters = [];
  for (const name of names) {
    if (name === "otlp") {
      // sdk-node's own choice of OTLP exporter by protocol (grpc, http/json, http/protobuf), from the pinned version's
      // build (package.json pins it exactly; the file has no export map).
      const { getOtlpMetricExporterFromEnv } = await import("@opentelemetry/sdk-node/build/src/utils");
      exporters.push(getOtlpMetricExporterFromEnv());
    } else if (name === "console") {
      exporters.push(new (await import("@opentelemetry/sdk-metrics")).ConsoleMetricExporter());
    } else {
      console.warn(`[fieldbeat] OTEL_METRICS_EXPORTER: "${name}" is not supported here (otlp, console, none); ignored`);
    }
  }
  return exporters;
}
