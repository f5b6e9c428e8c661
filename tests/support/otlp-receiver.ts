/**
 * A real OTLP/HTTP receiver for tests: a plain node:http server on 127.0.0.1 accepting POST /v1/traces and
 * /v1/metrics in the JSON encoding (OTEL_EXPORTER_OTLP_PROTOCOL=http/json), gzip or not, answering 200 `{}` as a
 * collector does. Everything received is kept, flattened into spans and metric points with plain attribute maps.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

type AnyValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };
export type Attrs = Record<string, string | number | boolean | unknown[]>;

export type ReceivedSpan = {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  scope: string;
  service: string;
  attributes: Attrs;
  status: { code?: number; message?: string };
};
export type ReceivedPoint = { metric: string; unit: string; scope: string; type: "histogram" | "sum" | "gauge"; attributes: Attrs; count?: number; value?: number };

function valueOf(v: AnyValue): string | number | boolean | unknown[] {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return "";
}
const attrsOf = (kvs: KeyValue[] | undefined): Attrs => Object.fromEntries((kvs ?? []).map((kv) => [kv.key, valueOf(kv.value)]));

type TraceBody = { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { scope?: { name?: string }; spans?: (Omit<ReceivedSpan, "attributes" | "scope" | "service"> & { attributes?: KeyValue[] })[] }[] }[] };
type DataPoint = { attributes?: KeyValue[]; count?: number | string; asInt?: number | string; asDouble?: number };
type MetricsBody = {
  resourceMetrics?: { scopeMetrics?: { scope?: { name?: string }; metrics?: { name: string; unit?: string; histogram?: { dataPoints?: DataPoint[] }; sum?: { dataPoints?: DataPoint[] }; gauge?: { dataPoints?: DataPoint[] } }[] }[] }[];
};

export type OtlpReceiver = {
  url: string;
  spans: ReceivedSpan[];
  points: ReceivedPoint[];
  /** Paths of every request received (POST /v1/traces, /v1/metrics …). */
  requests: string[];
  close(): Promise<void>;
};

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const points: ReceivedPoint[] = [];
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push(`${req.method} ${req.url}`);
      try {
        let raw = Buffer.concat(chunks);
        if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
        if (req.method !== "POST" || !String(req.headers["content-type"]).startsWith("application/json")) {
          res.writeHead(415).end();
          return;
        }
        const body = JSON.parse(raw.toString("utf8")) as unknown;
        if (req.url === "/v1/traces") {
          for (const rs of (body as TraceBody).resourceSpans ?? []) {
            const service = String(attrsOf(rs.resource?.attributes)["service.name"] ?? "");
            for (const ss of rs.scopeSpans ?? []) {
              for (const s of ss.spans ?? []) spans.push({ ...s, parentSpanId: s.parentSpanId ?? "", scope: ss.scope?.name ?? "", service, attributes: attrsOf(s.attributes), status: s.status ?? {} });
            }
          }
        } else if (req.url === "/v1/metrics") {
          for (const rm of (body as MetricsBody).resourceMetrics ?? []) {
            for (const sm of rm.scopeMetrics ?? []) {
              for (const m of sm.metrics ?? []) {
                const base = { metric: m.name, unit: m.unit ?? "", scope: sm.scope?.name ?? "" };
                for (const p of m.histogram?.dataPoints ?? []) points.push({ ...base, type: "histogram", attributes: attrsOf(p.attributes), count: Number(p.count ?? 0) });
                for (const p of m.sum?.dataPoints ?? []) points.push({ ...base, type: "sum", attributes: attrsOf(p.attributes), value: Number(p.asInt ?? p.asDouble ?? 0) });
                for (const p of m.gauge?.dataPoints ?? []) points.push({ ...base, type: "gauge", attributes: attrsOf(p.attributes), value: Number(p.asInt ?? p.asDouble ?? 0) });
              }
            }
          }
        } else {
          res.writeHead(404).end();
          return;
        }
        res.writeHead(200, { "content-type": "application/json" }).end("{}");
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    points,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Waits (bounded) until `found` returns a value; returns it or undefined. */
export async function waitFor<T>(found: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = found();
    if (v !== undefined || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
}
