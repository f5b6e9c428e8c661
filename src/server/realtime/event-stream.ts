import "server-only";
import { sql } from "drizzle-orm";
import type { Ctx } from "../auth/actor";
import { queryRows, type DbHandle } from "../db/client";
import { log } from "../log";
import { hubFor } from "./hub";
import { toLiveEvent, type LiveEvent } from "./live-event";
import { ScopeFilter } from "./scope-filter";

export const HEARTBEAT_MS = 25_000;
/** Most events replayed on one reconnect; a client further behind reloads its page data instead. */
const REPLAY_LIMIT = 5_000;
/** A client that stops reading gets disconnected rather than buffered without bound. */
const MAX_QUEUED_BYTES = 1_000_000;

export type StreamOptions = { lastEventId: number | null; signal: AbortSignal; heartbeatMs?: number };

const encoder = new TextEncoder();

/** One SSE frame: the outbox id (for Last-Event-ID), the event type, the event as JSON. */
export function sseFrame(e: LiveEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/**
 * The live event stream of one viewer, as SSE bytes. Order of work: subscribe to the hub first (buffering),
 * then replay the outbox after Last-Event-ID, then flush the buffer minus what the replay already sent — so
 * nothing committed in between is lost or sent twice. Every event passes the viewer's scope filter.
 * Closed cleanly when the request aborts or the consumer cancels.
 */
export async function openEventStream(ctx: Ctx, handle: DbHandle, opts: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  const scope = new ScopeFilter(ctx);
  await scope.refresh();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let live = false;
  const buffered: LiveEvent[] = [];
  const sent = new Set<number>();
  let chain = Promise.resolve();

  const write = (text: string) => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) return cleanup();
    controller.enqueue(encoder.encode(text));
  };
  const deliver = async (e: LiveEvent) => {
    if (closed || sent.has(e.id)) return;
    if (await scope.allows(e)) write(sseFrame(e));
  };
  // Serialised, so events leave in the order they arrived even when a scope refresh awaits the database.
  const onEvent = (e: LiveEvent) => {
    if (!live) buffered.push(e);
    else chain = chain.then(() => deliver(e)).catch((err: unknown) => log.error("sse deliver failed", { error: String(err) }));
  };

  const unsubscribe = await hubFor(handle).subscribe(onEvent);
  const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref?.();
  function cleanup() {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    opts.signal.removeEventListener("abort", cleanup);
    try {
      controller.close();
    } catch {
      // already closed or cancelled by the consumer
    }
  }

  const stream = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      cancel: cleanup,
    },
    { highWaterMark: 64 * 1024, size: (chunk) => chunk.byteLength },
  );
  if (opts.signal.aborted) cleanup();
  opts.signal.addEventListener("abort", cleanup);
  write(`retry: 3000\n: connected\n\n`);

  try {
    if (opts.lastEventId !== null) for (const e of await replay(ctx, scope, opts.lastEventId)) { sent.add(e.id); write(sseFrame(e)); }
  } catch (err) {
    cleanup();
    throw err;
  }
  live = true;
  for (const e of buffered.splice(0)) onEvent(e);
  return stream;
}

async function replay(ctx: Ctx, scope: ScopeFilter, after: number): Promise<LiveEvent[]> {
  const rows = await queryRows(
    ctx.db,
    sql`SELECT id, type, personnel_id, visit_id, location_id, payload, created_at FROM events
        WHERE id > ${after} AND ${scope.condition()} ORDER BY id LIMIT ${REPLAY_LIMIT}`,
  );
  return rows.map(toLiveEvent);
}
