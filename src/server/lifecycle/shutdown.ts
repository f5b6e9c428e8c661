import "server-only";

/**
 * The process's shutdown, as the app sees it. The production server (scripts/server.mjs) calls the function the app
 * publishes on globalThis (SHUTDOWN_KEY) when it gets SIGTERM, after it stopped accepting connections: long-lived
 * work registered here is ended cleanly — SSE streams get a retry hint and a closing comment and end (EventSource
 * reconnects, with Last-Event-ID, to another instance or to this one's replacement), the job runner stops after its
 * current job — while ordinary requests in flight finish on their own. Kept on globalThis: Next may bundle this
 * module into several chunks, and the server script loads none of them.
 */
export const SHUTDOWN_KEY = "__fieldbeatShutdown";

type Closer = () => void;
type Lifecycle = { closing: boolean; streams: Set<Closer>; stoppers: Set<() => Promise<void>> };
const g = globalThis as typeof globalThis & { __fieldbeatLifecycle?: Lifecycle; [SHUTDOWN_KEY]?: () => Promise<{ streams: number }> };
const life: Lifecycle = (g.__fieldbeatLifecycle ??= { closing: false, streams: new Set(), stoppers: new Set() });

/** True once the process is shutting down: a stream opened now is closed at once with the retry hint. */
export const isShuttingDown = () => life.closing;

/** Registers an open stream's closer; returns the function that unregisters it (call it when the stream ends). */
export function onShutdownCloseStream(close: Closer): () => void {
  life.streams.add(close);
  return () => life.streams.delete(close);
}

/** Live-event streams open in this process (the `fieldbeat.sse.connections` gauge). */
export const openStreamCount = (): number => life.streams.size;

/** Registers background work to stop on shutdown (awaited, e.g. the job runner finishing its current job). */
export function onShutdownStop(stop: () => Promise<void>): () => void {
  life.stoppers.add(stop);
  return () => life.stoppers.delete(stop);
}

/** Ends every registered stream, then waits for every registered stopper. Safe to call more than once. */
export async function shutdownApp(): Promise<{ streams: number }> {
  life.closing = true;
  const streams = [...life.streams];
  life.streams.clear();
  for (const close of streams) {
    try {
      close();
    } catch {
      // a stream already gone
    }
  }
  const stoppers = [...life.stoppers];
  life.stoppers.clear();
  await Promise.allSettled(stoppers.map((s) => s()));
  return { streams: streams.length };
}

/** Tests of one process reuse it after a simulated shutdown. */
export function resetShutdownForTests(): void {
  life.closing = false;
}

g[SHUTDOWN_KEY] ??= shutdownApp;
