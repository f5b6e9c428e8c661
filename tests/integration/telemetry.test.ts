/**
 * OpenTelemetry on, in process (issue #22): the SDK registered by the app's own startTelemetry() (what
 * instrumentation.ts calls when OTEL_EXPORTER_OTLP_ENDPOINT is set) exports to a real OTLP/HTTP receiver in this
 * process (JSON encoding). On each driver (PGlite, PostgreSQL): a server action is a span with its statements as
 * CLIENT children (the driver's statement text, no parameters), a transaction wraps its statements, a job run is a
 * span and counted by outcome, and an API request is measured by route. The built server: tests/deploy/telemetry.test.ts.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { context, metrics, propagation, trace, TraceFlags } from "@opentelemetry/api";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { GET as health } from "../../src/app/api/health/route";
import { useDbHandle } from "../../src/server/db";
import { invokeAction } from "../../src/server/http/action";
import { createLocationAction } from "../../src/server/locations/locations.actions";
import { JOBS } from "../../src/server/jobs/registry";
import { startTelemetry } from "../../src/server/telemetry/start";
import { runJobTraced, telemetryOn, telemetryState } from "../../src/server/telemetry/telemetry";
import { describeEachDriver } from "../support/db";
import { startOtlpReceiver, waitFor, type ReceivedSpan } from "../support/otlp-receiver";
import { makePerson } from "../support/visits-world";

// Before any database opens: the drivers are wrapped only when telemetry is on at open time.
const receiver = await startOtlpReceiver();
// The SDK's exporters read these when they are built (as on a server started with them set).
process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
process.env.OTEL_EXPORTER_OTLP_PROTOCOL = "http/json";
process.env.OTEL_TRACES_SAMPLER = "always_on";
process.env.OTEL_BSP_SCHEDULE_DELAY = "100";
await startTelemetry({ endpoint: receiver.url, serviceName: "fieldbeat-it", vercel: false, metricIntervalMs: 60_000 });

const flush = async () => {
  await (trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } }).getDelegate().forceFlush();
  await (metrics.getMeterProvider() as unknown as { forceFlush(): Promise<void> }).forceFlush();
};
const CLIENT = 3;

// The files after this one in the same worker share its modules (vitest.config.mts): they must find telemetry off.
afterAll(async () => {
  const state = telemetryState();
  await state.shutdown?.();
  await receiver.close();
  for (const api of [trace, metrics, context, propagation]) api.disable();
  Object.assign(state, { on: false, shutdown: undefined, instruments: undefined });
  for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_TRACES_SAMPLER", "OTEL_BSP_SCHEDULE_DELAY"]) delete process.env[name];
  expect(telemetryOn()).toBe(false);
  expect(trace.getTracer("after").startSpan("after").isRecording()).toBe(false);
});

describeEachDriver("OpenTelemetry spans and metrics", (ctx) => {
  beforeAll(() => useDbHandle(ctx.handle));
  afterAll(() => useDbHandle(undefined));

  it("is on, with an SDK registered", () => {
    expect(telemetryOn()).toBe(true);
    expect(trace.getTracer("probe").startSpan("probe").isRecording()).toBe(true);
  });

  it("a server action is a span; its statements are CLIENT spans below it, with their text and never their values", async () => {
    const admin = await makePerson(ctx.handle.db, "admin");
    const name = `Otel shop ${randomUUID().slice(0, 8)}`;
    const res = await invokeAction(createLocationAction.def, admin, { client_id: randomUUID(), name, lat: 12.9716, lon: 77.5946 });
    expect(res.ok).toBe(true);
    await flush();
    const action = await waitFor(() => receiver.spans.findLast((s) => s.name === "action locations.create"), 5_000);
    expect(action?.attributes).toMatchObject({ "fieldbeat.action": "locations.create" });
    const inTrace = receiver.spans.filter((s) => s.traceId === action!.traceId);
    const byId = new Map<string, ReceivedSpan>(inTrace.map((s) => [s.spanId, s]));
    const insert = inTrace.find((s) => s.kind === CLIENT && s.name === "INSERT" && /INSERT INTO "?locations"? /i.test(String(s.attributes["db.query.text"])));
    expect(insert, inTrace.map((s) => `${s.name}: ${s.attributes["db.query.text"] ?? ""}`).join("\n")).toBeDefined();
    expect(insert!.attributes).toMatchObject({ "db.system.name": "postgresql", "db.operation.name": "INSERT" });
    const c = ctx.handle.client;
    expect(insert!.attributes["db.namespace"]).toBe(c.kind === "pglite" ? "pglite" : new URL(c.url).pathname.slice(1));
    let top: ReceivedSpan | undefined = insert;
    while (top && byId.has(top.parentSpanId)) top = byId.get(top.parentSpanId);
    expect(top?.spanId).toBe(action!.spanId);
    for (const s of inTrace) expect(JSON.stringify(s.attributes)).not.toContain(name);
  });

  it("a transaction is a span around its statements", async () => {
    await ctx.handle.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1 AS one`);
      await tx.execute(sql`SELECT 2 AS two`);
    });
    await flush();
    const two = await waitFor(() => receiver.spans.findLast((s) => s.attributes["db.query.text"] === "SELECT 2 AS two"), 5_000);
    const parent = receiver.spans.find((s) => s.spanId === two?.parentSpanId);
    expect(parent?.name).toBe("transaction");
    expect(receiver.spans.find((s) => s.attributes["db.query.text"] === "SELECT 1 AS one" && s.traceId === two!.traceId)?.parentSpanId).toBe(parent!.spanId);
  });

  it("inside a trace the sampler dropped, statements and transactions make no spans; inside a sampled one they do", async () => {
    const run = async (flags: TraceFlags, tag: string) => {
      const parent = trace.setSpanContext(context.active(), { traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), traceFlags: flags });
      await context.with(parent, async () => {
        await ctx.handle.db.execute(sql.raw(`SELECT '${tag}' AS alone`));
        await ctx.handle.db.transaction(async (tx) => {
          await tx.execute(sql.raw(`SELECT '${tag}' AS inside`));
        });
      });
      return trace.getSpanContext(parent)!.traceId;
    };
    const dropped = await run(TraceFlags.NONE, `dropped-${randomUUID().slice(0, 8)}`);
    const sampled = await run(TraceFlags.SAMPLED, `sampled-${randomUUID().slice(0, 8)}`);
    await flush();
    // The sampled trace's three spans (two statements, one transaction) arrive; by then the dropped one's would have.
    await waitFor(() => (receiver.spans.filter((s) => s.traceId === sampled).length >= 3 ? true : undefined), 5_000);
    const names = receiver.spans.filter((s) => s.traceId === sampled).map((s) => s.name).sort();
    expect(names).toEqual(["SELECT", "SELECT", "transaction"]);
    expect(receiver.spans.filter((s) => s.traceId === dropped)).toEqual([]);
  });

  it("a job run is a span with its statements, and runs are counted by outcome", async () => {
    const job = JOBS.find((j) => j.name === "events-prune")!;
    await runJobTraced(job.name, () => job.run(ctx.handle.db, new Date()));
    await expect(runJobTraced("always-fails", () => Promise.reject(new TypeError("no such thing")))).rejects.toThrow("no such thing");
    await flush();
    const span = await waitFor(() => receiver.spans.findLast((s) => s.name === "job events-prune"), 5_000);
    expect(span?.attributes["fieldbeat.job.name"]).toBe("events-prune");
    expect(receiver.spans.some((s) => s.traceId === span!.traceId && s.parentSpanId === span!.spanId && s.kind === CLIENT)).toBe(true);
    const failed = receiver.spans.findLast((s) => s.name === "job always-fails");
    expect(failed?.status.code).toBe(2);
    const runs = (outcome: string, job: string) => receiver.points.findLast((p) => p.metric === "fieldbeat.job.runs" && p.attributes.outcome === outcome && p.attributes["fieldbeat.job.name"] === job);
    expect(runs("ok", "events-prune")?.value).toBeGreaterThanOrEqual(1);
    expect(runs("error", "always-fails")?.attributes["error.type"]).toBe("TypeError");
  });

  it("the liveness check's database query is never traced, whichever door asked (here the route file, as in next dev)", async () => {
    // As Next does for a route it serves: a SERVER span, sampled (always_on here), active while the handler runs.
    const span = trace.getTracer("next.js").startSpan("GET /api/health", { kind: 1 });
    const res = await context.with(trace.setSpan(context.active(), span), () => health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) }));
    expect(res.status).toBe(200);
    span.end();
    const traceId = span.spanContext().traceId;
    await flush();
    await waitFor(() => receiver.spans.find((s) => s.spanId === span.spanContext().spanId), 5_000);
    // A statement in that trace would have been exported with (or before) the span that ended after it.
    expect(receiver.spans.filter((s) => s.traceId === traceId).map((s) => s.name)).toEqual(["GET /api/health"]);
    // Outside a health check, the same query is traced (the suppression is the check's, not the statement's).
    const probe = trace.getTracer("probe").startSpan("probe");
    await context.with(trace.setSpan(context.active(), probe), async () => {
      await ctx.handle.db.execute(sql`SELECT postgis_lib_version() AS v`); // drizzle runs a query when awaited
    });
    probe.end();
    await flush();
    const statement = await waitFor(() => receiver.spans.find((s) => s.traceId === probe.spanContext().traceId && s.kind === CLIENT), 5_000);
    expect(statement?.attributes["db.query.text"]).toMatch(/postgis_lib_version/);
  });

  it("an API request is measured by route, method and status; the pool gauge counts what is in use", async () => {
    expect((await health(new Request("http://localhost/api/health"), { params: Promise.resolve({}) })).status).toBe(200);
    await flush();
    const point = receiver.points.findLast((p) => p.metric === "http.server.request.duration" && p.attributes["http.route"] === "/api/health");
    expect(point).toMatchObject({ type: "histogram", unit: "s", attributes: { "http.request.method": "GET", "http.response.status_code": 200 } });
    expect(point!.count).toBeGreaterThanOrEqual(1);
    const pool = ctx.driver === "pglite" ? "pglite" : "app";
    expect(receiver.points.findLast((p) => p.metric === "db.client.connection.max" && p.attributes["db.client.connection.pool.name"] === pool)?.value).toBe(ctx.driver === "pglite" ? 1 : 20);
    // Nothing runs now: every connection taken was given back.
    expect(receiver.points.findLast((p) => p.metric === "db.client.connection.count" && p.attributes["db.client.connection.pool.name"] === pool)?.value).toBe(0);
  });
});
