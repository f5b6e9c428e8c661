/**
 * The request-duration histogram the app aggregates itself (src/server/telemetry/request-durations.ts): explicit
 * buckets with inclusive upper bounds as the SDK's, one point per (method, route, status), cumulative or delta as
 * the exporter asks, and an overflow point past the cardinality limit. Its export through a real OTLP receiver is in
 * tests/integration/telemetry.test.ts.
 */
import { AggregationTemporality, DataPointType, type Histogram, type HistogramMetricData } from "@opentelemetry/sdk-metrics";
import { describe, expect, it } from "vitest";
import { RequestDurations } from "../../src/server/telemetry/request-durations";
import { routeOf } from "../../src/server/telemetry/telemetry";

async function points(d: RequestDurations, temporality = AggregationTemporality.CUMULATIVE, producer = d.producer(() => temporality)) {
  const { resourceMetrics, errors } = await producer.collect();
  expect(errors).toEqual([]);
  const metric = resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined;
  if (metric) {
    expect(metric.descriptor).toMatchObject({ name: "http.server.request.duration", unit: "s" });
    expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(metric.aggregationTemporality).toBe(temporality);
  }
  return (metric?.dataPoints ?? []).map((p) => ({ attributes: p.attributes, ...(p.value as Histogram) }));
}

describe("request durations", () => {
  it("counts each request into the bucket whose inclusive upper bound holds it, by method, route and status", async () => {
    const d = new RequestDurations(routeOf, [0.01, 0.1, 1]);
    const visit = "/api/v1/visits/0b5c7a1e-3f4d-4e2a-9c1b-2d3e4f5a6b7c";
    d.record("GET", visit, 200, 0.01); // on the bound: first bucket
    d.record("GET", visit.replace("0b5c", "1c6d"), 200, 0.0100001); // another visit, the same route: second bucket
    d.record("GET", visit, 200, 0.5);
    d.record("GET", visit, 200, 3); // past the last bound
    d.record("GET", visit, 404, 0.002);
    d.record("POST", "/api/v1/tracking/pings", 201, 0.05);
    const got = await points(d);
    expect(got).toHaveLength(3);
    const ok = got.find((p) => p.attributes["http.response.status_code"] === 200)!;
    expect(ok.attributes).toEqual({ "http.request.method": "GET", "http.route": "/api/v1/visits/[id]", "http.response.status_code": 200 });
    expect(ok.buckets).toEqual({ boundaries: [0.01, 0.1, 1], counts: [1, 1, 1, 1] });
    expect(ok.count).toBe(4);
    expect(ok.sum).toBeCloseTo(3.5200001, 9);
    expect([ok.min, ok.max]).toEqual([0.01, 3]);
    expect(got.find((p) => p.attributes["http.response.status_code"] === 404)?.buckets.counts).toEqual([1, 0, 0, 0]);
    expect(got.find((p) => p.attributes["http.request.method"] === "POST")).toMatchObject({ count: 1, attributes: { "http.route": "/api/v1/tracking/pings" } });
  });

  it("cumulative points keep growing; delta points hold what came since the reader's last export, and skip idle routes", async () => {
    const d = new RequestDurations(routeOf, [0.1]);
    const cumulative = d.producer(() => AggregationTemporality.CUMULATIVE);
    const delta = d.producer(() => AggregationTemporality.DELTA);
    d.record("GET", "/api/health", 200, 0.0625);
    d.record("GET", "/api/health", 200, 0.25);
    expect((await points(d, AggregationTemporality.DELTA, delta))[0]).toMatchObject({ count: 2, sum: 0.3125, buckets: { counts: [1, 1] } });
    d.record("GET", "/api/health", 200, 0.05);
    d.record("GET", "/api/v1/locations/nearby", 200, 0.03);
    const second = await points(d, AggregationTemporality.DELTA, delta);
    expect(second.find((p) => p.attributes["http.route"] === "/api/health")).toMatchObject({ count: 1, buckets: { counts: [1, 0] } });
    expect(second.find((p) => p.attributes["http.route"] === "/api/health")?.min).toBeUndefined(); // an interval's extremes are not known
    expect(second.find((p) => p.attributes["http.route"] === "/api/v1/locations/nearby")).toMatchObject({ count: 1 });
    d.record("GET", "/api/v1/locations/nearby", 200, 0.03);
    const third = await points(d, AggregationTemporality.DELTA, delta);
    expect(third.map((p) => p.attributes["http.route"])).toEqual(["/api/v1/locations/nearby"]);
    // The cumulative reader, asked only now, sees everything since the start.
    const all = await points(d, AggregationTemporality.CUMULATIVE, cumulative);
    expect(all.find((p) => p.attributes["http.route"] === "/api/health")).toMatchObject({ count: 3, buckets: { counts: [2, 1] }, min: 0.05, max: 0.25 });
    expect(all.find((p) => p.attributes["http.route"] === "/api/v1/locations/nearby")).toMatchObject({ count: 2 });
  });

  it("past 2,000 attribute sets, new ones count into one overflow point", async () => {
    const d = new RequestDurations((p) => p); // every path its own route: a badly bounded label
    for (let i = 0; i < 2100; i++) d.record("GET", `/r${i}`, 200, 0.001);
    d.record("GET", "/r5", 200, 0.001); // an existing set still counts on its own
    const got = await points(d);
    expect(got).toHaveLength(2000);
    expect(got.find((p) => p.attributes["otel.metric.overflow"] === true)?.count).toBe(101);
    expect(got.find((p) => p.attributes["http.route"] === "/r5")?.count).toBe(2);
    expect(got.reduce((n, p) => n + p.count, 0)).toBe(2101);
  });

  it("nothing recorded: no metric at all", async () => {
    expect(await points(new RequestDurations(routeOf))).toEqual([]);
  });
});
