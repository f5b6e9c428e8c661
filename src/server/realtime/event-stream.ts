import "server-only";
import { sql } from "drizzle-orm";
import { STREAM_RESET_EVENT } from "@/contracts/live-events";
import type { Actor, Ctx } from "../auth/actor";
import type { DbHandle } from "../db/client";
import { log } from "../log";
import { isShuttingDown, onShutdownCloseStream } from "../lifecycle/shutdown";
import { afterKey, keyOfId, positionNow, readAfter, type OutboxKey } from "./horizon";
import { hubFor } from "./hub";
import type { LiveEvent } from "./live-event";
import { ScopeFilter } from "./scope-filter";

export const HEARTBEAT_MS = 25_000;
/** Most events replayed on one reconnect; a client further behind gets `stream.reset` and reloads its view. */
export const REPLAY_LIMIT = 5_000;
/** A stream is closed after this long (± 10 %); EventSource reconnects with Last-Event-ID and is authorised afresh. */
export const MAX_LIFETIME_MS = 15 * 60_000;
/** A client that stops reading gets disconnected rather than buffered without bound. */
const MAX_QUEUED_BYTES = 1_000_000;
/**
 * When the server shuts down (SIGTERM), each stream gets a `retry:` line (a spread-out delay, so the clients of one
 * instance do not all come back in the same instant), a closing comment, and ends: EventSource reconnects with its
 * Last-Event-ID to whichever instance answers, and misses nothing (the outbox replays from there).
 */
export const SHUTDOWN_RETRY_MIN_MS = 1_000;
export const SHUTDOWN_RETRY_SPREAD_MS = 2_000;
export const SHUTDOWN_COMMENT = ": server shutting down, reconnect";
export const shutdownFrame = () => `retry: ${SHUTDOWN_RETRY_MIN_MS + Math.floor(Math.random() * SHUTDOWN_RETRY_SPREAD_MS)}\n${SHUTDOWN_COMMENT}\n\n`;

/** Changes to other people's rows (reporting lines) re-read the viewer's scope at most this often. */
const SCOPE_DEBOUNCE_MS = 250;

export type StreamOptions = {
  lastEventId: number | null;
  signal: AbortSignal;
  heartbeatMs?: number;
  maxLifetimeMs?: number;
  /**
   * The stream's credential checked again (called when the viewer's row or API key changes): the actor it stands
   * for now, or null when it no longer holds (deactivated, password reset, key revoked, permission gone).
   */
  reauthorize?: () => Promise<Actor | null>;
};

const encoder = new TextEncoder();

/** One SSE frame: the outbox id (for Last-Event-ID), the event type, the event as JSON. */
export function sseFrame(e: LiveEvent): string {
  return `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
}

/** The frame that makes a client reload its view; its id moves the client's resume point past what was skipped. */
function resetFrame(key: OutboxKey): string {
  return `id: ${key.id}\nevent: ${STREAM_RESET_EVENT}\ndata: ${JSON.stringify({ last_event_id: key.id })}\n\n`;
}

const sameGrant = (a: Actor, b: Actor) => a.id === b.id && a.role === b.role && a.readOnly === b.readOnly && a.apiKeyId === b.apiKeyId;

/**
 * The live event stream of one viewer, as SSE bytes. Order of work: subscribe to the hub first (buffering), then
 * replay the outbox after Last-Event-ID's position up to the commit horizon, then the buffer and live events,
 * each sent only when it lies after the last position handled (horizon.ts) — so nothing committed in between is
 * lost or sent twice, whatever order concurrent transactions committed in. Every event passes the viewer's scope.
 * The stream closes when the request aborts, the consumer cancels, the credential stops holding or changes (the
 * hub hears every change to a person's row or API key), or after its maximum lifetime.
 */
export async function openEventStream(ctx: Ctx, handle: DbHandle, opts: StreamOptions): Promise<ReadableStream<Uint8Array>> {
  const scope = new ScopeFilter(ctx);
  await scope.refresh();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let live = false;
  const buffered: { event: LiveEvent | null; key: OutboxKey; from?: OutboxKey }[] = []; // null: the hub skipped (from, key]
  /** Every event up to here has been handled (sent or out of scope). */
  let handled: OutboxKey | null = null;
  let chain = Promise.resolve();
  const serially = (work: () => Promise<void>) => {
    chain = chain.then(work).catch((err: unknown) => log.error("sse: delivery failed", { error: String(err) }));
  };

  const write = (text: string) => {
    if (closed) return;
    if ((controller.desiredSize ?? 0) < -MAX_QUEUED_BYTES) return cleanup();
    controller.enqueue(encoder.encode(text));
  };
  const deliver = async (event: LiveEvent, key: OutboxKey) => {
    if (closed || (handled && !afterKey(key, handled))) return;
    handled = key;
    if (await scope.allows(event)) write(sseFrame(event));
  };
  const onEvent = (event: LiveEvent, key: OutboxKey) => {
    if (!live) buffered.push({ event, key });
    else serially(() => deliver(event, key));
  };
  const reset = (key: OutboxKey) => {
    if (closed || (handled && !afterKey(key, handled))) return;
    handled = key;
    write(resetFrame(key));
  };
  /**
   * The hub skipped its backlog after `from` up to `to`: replay this viewer's share of it (scope, from the position it
   * handled), and reset only when that share is over the replay cap. A stream already past `to` has nothing to do.
   */
  const catchUp = async (to: OutboxKey, from: OutboxKey) => {
    if (closed || (handled && !afterKey(to, handled))) return;
    const since = handled && afterKey(handled, from) ? handled : from;
    const upTo = sql`(xid, id) <= (${to.xid.toString()}::xid8, ${to.id})`;
    const batch = await readAfter(ctx.db, since, REPLAY_LIMIT + 1, sql`${scope.condition()} AND ${upTo}`);
    if (batch.rows.length > REPLAY_LIMIT) return reset(to);
    for (const { event, key } of batch.rows) {
      if (closed) return;
      handled = key;
      if (await scope.allows(event)) write(sseFrame(event));
    }
    handled = to;
  };
  const onReset = (to: OutboxKey, from: OutboxKey) => {
    if (!live) buffered.push({ event: null, key: to, from });
    else serially(() => catchUp(to, from));
  };

  let scopeTimer: ReturnType<typeof setTimeout> | null = null;
  const recheck = (id: number | null) => {
    if (closed) return;
    if (id === null || id === ctx.actor.id) {
      serially(async () => {
        const now = opts.reauthorize ? await opts.reauthorize().catch(() => null) : ctx.actor;
        if (!now || !sameGrant(now, ctx.actor)) {
          log.info("sse: credential changed, stream closed", { personnel_id: ctx.actor.id });
          cleanup();
        } else if (id === null) await scope.refresh();
      });
    }
    // Someone else's row: a reporting line may have moved into or out of this viewer's subtree.
    if (id !== ctx.actor.id && !scope.all && !scopeTimer) {
      scopeTimer = setTimeout(() => {
        scopeTimer = null;
        serially(() => scope.refresh());
      }, SCOPE_DEBOUNCE_MS);
    }
  };

  const unsubscribe = await hubFor(handle).subscribe(onEvent, { reset: onReset, personnel: recheck });
  const heartbeat = setInterval(() => write(`: heartbeat ${Date.now()}\n\n`), opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref?.();
  const maxLifetime = opts.maxLifetimeMs ?? MAX_LIFETIME_MS;
  const lifetime = setTimeout(() => serially(async () => cleanup()), maxLifetime * (0.9 + Math.random() * 0.2));
  lifetime.unref?.();
  const unregister = onShutdownCloseStream(() => {
    write(shutdownFrame());
    cleanup();
  });
  function cleanup() {
    if (closed) return;
    closed = true;
    unregister();
    clearInterval(heartbeat);
    clearTimeout(lifetime);
    if (scopeTimer) clearTimeout(scopeTimer);
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
  if (isShuttingDown()) {
    // Opened on a connection that was already in flight when the server began to shut down: send it elsewhere.
    write(shutdownFrame());
    cleanup();
    return stream;
  }

  try {
    if (opts.lastEventId !== null) await replay(ctx, scope, opts.lastEventId, write, reset, (key) => (handled = key));
  } catch (err) {
    cleanup();
    throw err;
  }
  live = true;
  for (const b of buffered.splice(0)) {
    if (b.event) onEvent(b.event, b.key);
    else onReset(b.key, b.from ?? b.key);
  }
  return stream;
}

/**
 * Sends what the client missed after `lastEventId`, up to the commit horizon, and records the position handled.
 * A resume point that is no longer in the outbox (pruned, another database) or a backlog over REPLAY_LIMIT is
 * answered with a reset instead: the client reloads its view and resumes from now.
 */
async function replay(ctx: Ctx, scope: ScopeFilter, lastEventId: number, write: (t: string) => void, reset: (k: OutboxKey) => void, setHandled: (k: OutboxKey) => void) {
  const from = await keyOfId(ctx.db, lastEventId);
  if (!from) return reset(await positionNow(ctx.db));
  const batch = await readAfter(ctx.db, from, REPLAY_LIMIT + 1, scope.condition());
  if (batch.rows.length > REPLAY_LIMIT) return reset(await positionNow(ctx.db));
  setHandled(from);
  for (const { event, key } of batch.rows) {
    write(sseFrame(event));
    setHandled(key);
  }
}
