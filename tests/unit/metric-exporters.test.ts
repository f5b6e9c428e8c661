/**
 * OTEL_METRICS_EXPORTER as NodeSDK reads it (src/server/telemetry/start.ts `metricExporters`): the app builds the
 * metric readers itself, to hand them its request durations, so the exporter choice NodeSDK made from the
 * environment is made here — otlp by default, over the configured protocol; console; none.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { ConsoleMetricExporter } from "@opentelemetry/sdk-metrics";
import { afterEach, describe, expect, it, vi } from "vitest";
import { metricExporters } from "../../src/server/telemetry/start";

afterEach(() => vi.unstubAllEnvs());

describe("metric exporters from OTEL_METRICS_EXPORTER", () => {
  it("otlp (the default) follows the OTLP protocol: http/protobuf unless told http/json", async () => {
    // A real export of one empty batch to a local endpoint: the encoding shows in what arrives.
    const got: { path: string; type: string }[] = [];
    const server = createServer((req, res) => {
      got.push({ path: req.url ?? "", type: req.headers["content-type"] ?? "" });
      req.resume().on("end", () => res.writeHead(200, { "content-type": req.headers["content-type"] ?? "" }).end());
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    vi.stubEnv("OTEL_EXPORTER_OTLP_ENDPOINT", `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    try {
      for (const protocol of [undefined, "http/json"]) {
        vi.stubEnv("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
        const [exporter, ...rest] = await metricExporters("otlp");
        expect(rest).toEqual([]);
        const result = await new Promise<ExportResult>((resolve) =>
          exporter!.export({ resource: resourceFromAttributes({ "service.name": "probe" }), scopeMetrics: [] }, resolve),
        );
        expect(result.code).toBe(ExportResultCode.SUCCESS);
        await exporter!.shutdown();
      }
    } finally {
      server.close();
    }
    expect(got).toEqual([
      { path: "/v1/metrics", type: "application/x-protobuf" },
      { path: "/v1/metrics", type: "application/json" },
    ]);
  });

  it("console and none; unknown names are left out", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const both = await metricExporters("console, prometheus");
    expect(both).toHaveLength(1);
    expect(both[0]).toBeInstanceOf(ConsoleMetricExporter);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('"prometheus" is not supported'));
    expect(await metricExporters("otlp,none")).toEqual([]);
    warn.mockRestore();
  });
});
