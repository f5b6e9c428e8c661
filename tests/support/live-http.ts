/**
 * Real HTTP for tests that depend on connections (SSE streams, client disconnects): a node:http server that
 * hands each request to a Next route handler as a web Request — with an AbortSignal that fires when the client
 * goes away, as Next's own server does — and streams the Response back. Plus a small SSE reader.
 */
import http from "node:http";
import path from "node:path";
import { sql } from "drizzle-orm";
import { seedDemoData } from "../../db/seed";
import type { Actor } from "../../src/server/auth/actor";
import { useDbHandle as installDbHandle } from "../../src/server/db";
import { queryRows, type DbHandle } from "../../src/server/db/client";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export async function serveRoutes(routes: Record<string, Handler>): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const handler = routes[url.pathname];
    if (!handler) return void res.writeHead(404).end();
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const response = await handler(new Request(url, { method: req.method, headers, signal: abort.signal }), { params: Promise.resolve({}) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (!response.body) return void res.end();
    Readable.fromWeb(response.body as never).on("error", () => res.destroy()).pipe(res);
  });
  // Idle keep-alive sockets stay open longer than the client reuses them: otherwise a request on a busy machine can race
  // the server closing its socket (ECONNRESET).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type SseFrame = { id?: string; event?: string; data?: string; comment?: string; retry?: number };

/** An open SSE connection: frames as they arrive, `next()` waits for the next one matching a predicate. */
export class SseClient {
  frames: SseFrame[] = [];
  /** The server ended the stream (or close() was called). */
  ended = false;
  private waiters: (() => void)[] = [];
  private constructor(public readonly status: number, public readonly contentType: string | null, private readonly abort: AbortController) {}

  static async open(url: string, headers: Record<string, string>): Promise<{ client: SseClient; body: string | null }> {
    const abort = new AbortController();
    const res = await fetch(url, { headers, signal: abort.signal });
    const client = new SseClient(res.status, res.headers.get("content-type"), abort);
    if (!res.ok || !res.body) return { client, body: await res.text() };
    void client.read(res.body);
    return { client, body: null };
  }

  private async read(body: ReadableStream<Uint8Array>) {
    const decoder = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          this.frames.push(parseFrame(buf.slice(0, cut)));
          buf = buf.slice(cut + 2);
        }
        this.waiters.splice(0).forEach((w) => w());
      }
    } catch {
      // aborted by close()
    } finally {
      this.ended = true;
      this.waiters.splice(0).forEach((w) => w());
    }
  }

  /** Events (frames with data), optionally of some types. */
  events(types?: string[]): { id: number; event: string; data: Record<string, unknown> }[] {
    return this.frames
      .filter((f) => f.data !== undefined && (!types || types.includes(f.event ?? "")))
      .map((f) => ({ id: Number(f.id), event: f.event ?? "message", data: JSON.parse(f.data!) as Record<string, unknown> }));
  }

  /** Resolves once `ready()` holds (re-checked on every chunk), or rejects after `timeoutMs`. */
  async until(ready: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`SSE: condition not met; frames so far: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => { this.waiters.push(resolve); setTimeout(resolve, 200); });
    }
  }

  close() {
    this.abort.abort();
  }
}

function parseFrame(text: string): SseFrame {
  const f: SseFrame = {};
  for (const line of text.split("\n")) {
    if (line.startsWith(":")) f.comment = (f.comment ? f.comment + "\n" : "") + line.slice(1).trim();
    else {
      const i = line.indexOf(":");
      const key = i < 0 ? line : line.slice(0, i);
      const value = i < 0 ? "" : line.slice(i + 1).replace(/^ /, "");
      if (key === "id" || key === "event") f[key] = value;
      else if (key === "retry") f.retry = Number(value);
      else if (key === "data") f.data = f.data === undefined ? value : f.data + "\n" + value;
    }
  }
  return f;
}

/** The demo organisation seeded into a test database, its people by e-mail name (admin, manager1, rep01, …). */
export async function seedDemoPeople(handle: DbHandle): Promise<Record<string, Actor>> {
  const db = handle.db;
  await seedDemoData(db, { now: new Date(), password: "fieldbeat-demo", fixturesDir: path.resolve(import.meta.dirname, "../../../shared/fixtures"), historyDays: 1 });
  installDbHandle(handle);
  const rows = await queryRows<{ id: number; key: string; role: Actor["role"]; name: string; email: string }>(db, sql`SELECT id, split_part(email, '@', 1) AS key, role, name, email FROM personnel`);
  return Object.fromEntries(rows.map((p) => [p.key, { id: p.id, role: p.role, name: p.name, email: p.email, via: "access_token", readOnly: false } satisfies Actor]));
}
