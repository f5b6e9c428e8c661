import { env } from "@/env";
import { openStreamCount } from "../lifecycle/shutdown";
import { createInstruments, telemetryState } from "./telemetry";

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
export type TelemetryConfig = { endpoint: string | undefined; serviceName: string; vercel: boolean; metricIntervalMs: number };

export async function startTelemetry(
  config: TelemetryConfig = { endpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: env.OTEL_SERVICE_NAME, vercel: Boolean(env.VERCEL), metricIntervalMs: env.OTEL_METRIC_EXPORT_INTERVAL },
): Promise<boolean> {
  const state = telemetryState();
  if (state.on) return true;
  if (!config.endpoint) return false;
  const { serviceName } = config;

  if (config.vercel) {
    const [{ registerOTel }, { PeriodicExportingMetricReader }, { OTLPMetricExporter }] = await Promise.all([
      import("@vercel/otel"),
      import("@opentelemetry/sdk-metrics"),
      import("@opentelemetry/exporter-metrics-otlp-http"),
    ]);
    const reader = new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: config.metricIntervalMs });
    registerOTel({ serviceName, metricReaders: [reader] });
  } else {
    const { NodeSDK } = await import("@opentelemetry/sdk-node");
    // Traces, metrics and the sampler from the OTEL_* variables; no OTel logs (the app logs JSON lines on stdout).
    const sdk = new NodeSDK({ serviceName, instrumentations: [], logRecordProcessors: [] });
    sdk.start();
    state.shutdown = () => sdk.shutdown();
  }
  state.on = true;
  createInstruments({ sseConnections: openStreamCount });
  return true;
}
