import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "../db/client";
import { log } from "../log";
import { EVENTS_CHANNEL, toLiveEvent, type LiveEvent } from "./live-event";

export type Listener = (event: LiveEvent) => void;

/**
 * The realtime hub of one app instance: ONE database listener fanned out to every SSE stream in the process.
 * Committed outbox rows arrive through PostgreSQL NOTIFY (a trigger on `events`, delivered only at commit):
 * on a PostgreSQL server every instance LISTENs on a dedicated postgres.js connection, so an event written
 * by instance A reaches the streams of instance B; on the embedded database PGlite delivers the same NOTIFY
 * in-process (one process owns the data directory). Same interface either way.
 */
export class EventHub {
  private listeners = new Set<Listener>();
  private started: Promise<void> | null = null;
  private stop: (() => Promise<void>) | null = null;

  constructor(private readonly handle: DbHandle) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Subscribes; resolves once the database listener is active, so nothing committed afterwards is missed. */
  async subscribe(fn: Listener): Promise<() => void> {
    this.listeners.add(fn);
    try {
      await this.ensureStarted();
    } catch (err) {
      this.listeners.delete(fn);
      throw err;
    }
    return () => this.listeners.delete(fn);
  }

  private ensureStarted(): Promise<void> {
    this.started ??= this.listen().catch((err: unknown) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  private async listen(): Promise<void> {
    const onPayload = (text: string) => void this.receive(text);
    const c = this.handle.client;
    if (c.kind === "pglite") {
      const unlisten = await c.pg.listen(EVENTS_CHANNEL, onPayload);
      this.stop = unlisten;
    } else {
      // postgres.js keeps LISTEN on its own dedicated connection and re-listens after a reconnect.
      const sub = await c.sql.listen(EVENTS_CHANNEL, onPayload);
      this.stop = () => sub.unlisten();
    }
  }

  private async receive(text: string): Promise<void> {
    try {
      const raw = JSON.parse(text) as Record<string, unknown>;
      const event = raw.truncated ? await this.readRow(Number(raw.id)) : toLiveEvent(raw);
      if (!event) return;
      for (const fn of this.listeners) {
        try {
          fn(event);
        } catch (err) {
          log.error("realtime listener failed", { error: String(err) });
        }
      }
    } catch (err) {
      log.error("realtime: bad notification", { error: String(err) });
    }
  }

  private async readRow(id: number): Promise<LiveEvent | null> {
    const [row] = await queryRows(this.handle.db, sql`SELECT id, type, personnel_id, visit_id, location_id, payload, created_at FROM events WHERE id = ${id}`);
    return row ? toLiveEvent(row) : null;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.stop?.();
    this.stop = null;
    this.started = null;
  }
}

// One hub per database handle, kept on globalThis (next dev re-evaluates modules; tests open several handles).
const g = globalThis as typeof globalThis & { __fieldbeatHubs?: WeakMap<DbHandle, EventHub> };
const hubs = (g.__fieldbeatHubs ??= new WeakMap());

export function hubFor(handle: DbHandle): EventHub {
  let hub = hubs.get(handle);
  if (!hub) {
    hub = new EventHub(handle);
    hubs.set(handle, hub);
  }
  return hub;
}
