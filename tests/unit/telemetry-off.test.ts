/**
 * OpenTelemetry off (issue #22): without OTEL_EXPORTER_OTLP_ENDPOINT nothing is registered — the global tracer and
 * meter providers stay OpenTelemetry's no-op ones (so Next skips its tracing work), and the app's helpers only run
 * what they wrap. The "on" side: tests/integration/telemetry.test.ts (in process) and tests/deploy/telemetry.test.ts
 * (the built server). Which packages a process with telemetry off loads: tests/support/telemetry-modules.mts.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { context, metrics, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/env";
import { startTelemetry } from "../../src/server/telemetry/start";
import { recordRequest, routeOf, runJobTraced, telemetryOn, telemetryState, withSpan } from "../../src/server/telemetry/telemetry";

describe("telemetry with OTEL_EXPORTER_OTLP_ENDPOINT unset", () => {
  it("registers no SDK: the global providers are the no-op ones", async () => {
    expect(await startTelemetry({ endpoint: undefined, serviceName: "fieldbeat", vercel: false, metricIntervalMs: 60_000 })).toBe(false);
    expect(telemetryOn()).toBe(false);
    const span = trace.getTracer("probe").startSpan("probe");
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe("0".repeat(32));
    span.end();
    // The proxy provider has no delegate but its no-op one; the meter provider and the context manager are the API's defaults.
    const delegate = (trace.getTracerProvider() as unknown as { getDelegate(): object }).getDelegate();
    expect(delegate.constructor.name).toBe("NoopTracerProvider");
    expect(metrics.getMeterProvider().constructor.name).toBe("NoopMeterProvider");
    expect(context.with(trace.setSpan(context.active(), span), () => context.active())).toBe(context.active());
    expect(telemetryState().instruments).toBeUndefined();
  });

  it("loads no OpenTelemetry package but the API's no-op facade, the database path included; on, the SDK (the probe sees loads)", async () => {
    // A process of its own: this one has loaded the SDK for other tests. The probe starts telemetry, opens the embedded
    // database and runs a statement, then lists the @opentelemetry packages loaded (tests/support/telemetry-modules.mts).
    const probe = (endpoint: string) =>
      promisify(execFile)(process.execPath, ["--conditions=react-server", "--import", "tsx", path.resolve(import.meta.dirname, "../support/telemetry-modules.mts"), endpoint], {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: { ...process.env, OTEL_EXPORTER_OTLP_ENDPOINT: "" },
        encoding: "utf8",
        timeout: 90_000,
      }).then(({ stdout }) => JSON.parse(stdout.trim().split("\n").at(-1)!) as { on: boolean; packages: string[] });
    const [off, on] = await Promise.all([probe(""), probe("http://127.0.0.1:9")]);
    expect(off).toEqual({ on: false, packages: ["@opentelemetry/api"] });
    expect(on.on).toBe(true);
    expect(on.packages).toEqual(expect.arrayContaining(["@opentelemetry/sdk-node", "@opentelemetry/sdk-metrics", "@opentelemetry/core"]));
  }, 120_000);

  it("the helpers run what they wrap and record nothing", async () => {
    expect(await withSpan("action x", {}, async (s) => (s === undefined ? "no span" : "span"))).toBe("no span");
    expect(await runJobTraced("job", async () => 42)).toBe(42);
    await expect(runJobTraced("job", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    recordRequest("GET", "/api/health", 200, 0.001);
    expect(telemetryState().dbUsed.size).toBe(0);
  });

  it("reads the endpoint as configuration: unset by default, a bad one refused by name", () => {
    expect(parseEnv({}).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBeUndefined();
    expect(parseEnv({}).OTEL_SERVICE_NAME).toBe("fieldbeat");
    expect(() => parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "otel-collector:4318" })).toThrowError(/OTEL_EXPORTER_OTLP_ENDPOINT: must be the collector's http\(s\) URL/);
    expect(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "https://otlp.example.com/otlp" }).OTEL_EXPORTER_OTLP_ENDPOINT).toBe("https://otlp.example.com/otlp");
  });

  it("names a route without the ids in its path", () => {
    expect(routeOf("/api/v1/visits/123/photo")).toBe("/api/v1/visits/[id]/photo");
    expect(routeOf("/api/v1/personnel/2f1c7e0a-3b4d-4e5f-8a9b-0c1d2e3f4a5b")).toBe("/api/v1/personnel/[id]");
    expect(routeOf("/api/v1/visits/check-in")).toBe("/api/v1/visits/check-in");
    expect(routeOf("/api/v1/reports/v2")).toBe("/api/v1/reports/v2");
  });
});
