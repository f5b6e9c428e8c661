import "server-only";
import { type DbHandle } from "../db/client";
import { log } from "../log";
import { PERSONNEL_CHANNEL } from "../auth/actor-cache";
import { EVENTS_CHANNEL, type LiveEvent } from "./live-event";
import { afterKey, positionNow, readAfter, type OutboxKey } from "./horizon";

/** An event with its place in delivery order. */
export type Listener = (event: LiveEvent, key: OutboxKey) => void;
/**
 * Control messages: the hub skipped a backlog after `from` up to `to` (`reset`: each stream catches up on its own, in
 * its scope, or reloads its view when it missed too much); a person's row or key changed.
 */
export type ControlListener = { reset?(to: OutboxKey, from: OutboxKey): void; personnel?(id: number | null): void };

/** Rows read per round; a backlog bigger than RESET_AFTER (a listener that was away long) is skipped with a reset. */
const BATCH = 500;
export const RESET_AFTER = 5_000;
/** While committed events wait behind an older open transaction, look again this often. */
const WAITING_RETRY_MS = 100;
/** A slow safety round while anyone listens, in case a notification was lost with a half-open connection. */
const SAFETY_POLL_MS = 10_000;

/**
 * The realtime hub of one app instance: ONE database listener fanned out to every SSE stream in the process.
 * A notification (one per committing transaction that wrote events, delivered at commit) only wakes the hub; it
 * then reads the outbox **below the commit horizon** in (xid, id) order from where it left off (horizon.ts), so
 * every listener receives each event once, in one order, whatever order concurrent transactions committed in.
 * On a PostgreSQL server the listener is a dedicated postgres.js connection (LISTEN across instances; after a
 * reconnect the hub backfills from its position); on the embedded database PGlite delivers the notification
 * in-process. The same connection carries `fieldbeat_personnel` (a person's row or API key changed), which the
 * SSE streams use to re-authorise themselves.
 */
export class EventHub {
  private listeners = new Set<Listener>();
  private controls = new Set<ControlListener>();
  private started: Promise<void> | null = null;
  private stop: (() => Promise<void>) | null = null;
  private position: OutboxKey | null = null;
  private pumping: Promise<void> | null = null;
  private again = false;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private safety: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly handle: DbHandle) {}

  get size(): number {
    return this.listeners.size;
  }

  /** Subscribes; resolves once the database listener is active and the hub knows its position. */
  async subscribe(fn: Listener, control?: ControlListener): Promise<() => void> {
    this.listeners.add(fn);
    if (control) this.controls.add(control);
    try {
      await this.ensureStarted();
    } catch (err) {
      this.listeners.delete(fn);
      if (control) this.controls.delete(control);
      throw err;
    }
    return () => {
      this.listeners.delete(fn);
      if (control) this.controls.delete(control);
    };
  }

  /** Reads what is deliverable now (tests and callers that just wrote use it to skip waiting for the wake-up). */
  wake(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return this.pumping;
    }
    this.pumping = this.pump().finally(() => {
      this.pumping = null;
      if (this.again) {
        this.again = false;
        void this.wake();
      }
    });
    return this.pumping;
  }

  private ensureStarted(): Promise<void> {
    this.started ??= this.listen().catch((err: unknown) => {
      this.started = null;
      throw err;
    });
    return this.started;
  }

  private async listen(): Promise<void> {
    const onEvents = () => void this.wake();
    const onPersonnel = (text: string) => {
      const id = Number(text);
      this.control((c) => c.personnel?.(Number.isInteger(id) && text !== "" ? id : null));
    };
    const c = this.handle.client;
    // Listen first, then take the position: whatever commits after the position was read wakes the hub.
    if (c.kind === "pglite") {
      const a = await c.pg.listen(EVENTS_CHANNEL, onEvents);
      const b = await c.pg.listen(PERSONNEL_CHANNEL, onPersonnel);
      this.stop = async () => (await a(), await b());
    } else {
      // postgres.js keeps LISTEN on its own dedicated connection and re-listens after a reconnect; the third
      // argument runs on every (re)connect: backfill what was committed while it was away, recheck everyone.
      let first = true;
      const reconnected = () => {
        if (first) return void (first = false);
        log.warn("realtime: listener reconnected, backfilling");
        void this.wake();
        this.control((ctl) => ctl.personnel?.(null));
      };
      const a = await c.sql.listen(EVENTS_CHANNEL, onEvents, reconnected);
      const b = await c.sql.listen(PERSONNEL_CHANNEL, onPersonnel);
      this.stop = async () => (await a.unlisten(), await b.unlisten());
    }
    this.position = await positionNow(this.handle.db);
    this.safety = setInterval(() => {
      if (this.listeners.size > 0) void this.wake();
    }, SAFETY_POLL_MS);
    this.safety.unref?.();
  }

  private async pump(): Promise<void> {
    if (!this.position) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    let delivered = 0;
    try {
      for (;;) {
        const from = this.position;
        const batch = await readAfter(this.handle.db, from, BATCH);
        if (delivered + batch.rows.length > RESET_AFTER) {
          // Too far behind (a listener away for long): skip to now, and tell every stream what was skipped. Each one
          // replays its own share (its scope, from its own position) and only a stream that missed more than it may
          // replay resets its client: a skip of others' events resets nobody.
          const to = await positionNow(this.handle.db);
          this.position = to;
          log.warn("realtime: hub backlog skipped, streams catch up on their own", { from: from.id, to: to.id });
          this.control((ctl) => ctl.reset?.(to, from));
          this.again = true; // what committed while the skip was decided is read at once, not at the next wake-up
          return;
        }
        for (const { event, key } of batch.rows) {
          if (!afterKey(key, this.position)) continue;
          this.position = key;
          delivered++;
          for (const fn of this.listeners) {
            try {
              fn(event, key);
            } catch (err) {
              log.error("realtime listener failed", { error: String(err) });
            }
          }
        }
        if (batch.rows.length < BATCH) {
          if (batch.waiting) this.retry = setTimeout(() => void this.wake(), WAITING_RETRY_MS);
          return;
        }
      }
    } catch (err) {
      log.error("realtime: reading the outbox failed", { error: String(err) });
      this.retry = setTimeout(() => void this.wake(), 1_000);
    }
  }

  private control(fn: (c: ControlListener) => void): void {
    for (const c of this.controls) {
      try {
        fn(c);
      } catch (err) {
        log.error("realtime control listener failed", { error: String(err) });
      }
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.controls.clear();
    if (this.retry) clearTimeout(this.retry);
    if (this.safety) clearInterval(this.safety);
    this.retry = this.safety = null;
    await this.stop?.();
    this.stop = null;
    this.started = null;
    this.position = null;
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
