/**
 * BENCH_OTEL (bench/server.ts): a local OTLP/HTTP sink for measuring what tracing costs the server. It accepts
 * POST /v1/traces, /v1/metrics and /v1/logs in any encoding, reads each body, answers 200 `{}` (as a collector
 * does) and counts requests and bytes; nothing is decoded or kept, so the sink costs the bench little CPU.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";

export type OtlpSink = { url: string; stats: () => { requests: number; bytes: number }; close: () => Promise<void> };

export async function startOtlpSink(): Promise<OtlpSink> {
  let requests = 0;
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => {
      requests++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ requests, bytes }),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}
