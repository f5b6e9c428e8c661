import "server-only";
import { sql } from "drizzle-orm";
import { queryRows, type DbHandle } from "../db/client";
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
/** How long a poll lease lasts (taken again when half of it is left and events are still flowing). */
const LEASE_MS = 2_000;
/** While a lease lasts (or its last writers may still commit), the hub reads the outbox this often. */
const POLL_MS = 100;

export type HubOptions = { leaseMs?: number; pollMs?: number; safetyPollMs?: number };

/** The lease (ms since the epoch), the database's clock and the oldest transaction still running, in one snapshot. */
const LEASE_STATE = sql`SELECT last_value::text AS until, (extract(epoch FROM clock_timestamp()) * 1000)::bigint::text AS now,
                               pg_snapshot_xmin(pg_current_snapshot())::text AS xmin
                        FROM fieldbeat_events_poll_until`;
type LeaseState = { until: number; now: number; xmin: bigint };

/**
 * The realtime hub of one app instance: ONE database listener fanned out to every SSE stream in the process.
 * A notification (one per committing transaction that wrote events, delivered at commit) only wakes the hub; it
 * then reads the outbox **below the commit horizon** in (xid, id) order from where it left off (horizon.ts), so
 * every listener receives each event once, in one order, whatever order concurrent transactions committed in.
 * On a PostgreSQL server the listener is a dedicated postgres.js connection (LISTEN across instances; after a
 * reconnect the hub backfills from its position); on the embedded database PGlite delivers the notification
 * in-process. The same connection carries `fieldbeat_personnel` (a person's row or API key changed), which the
 * SSE streams use to re-authorise themselves.
 *
 * **The poll lease (PostgreSQL).** PostgreSQL serialises the commits of transactions that sent a NOTIFY, so under load
 * the hub polls instead and writers stay silent: when a round delivers events and someone listens, the hub sets
 * `fieldbeat_events_poll_until` to now + `leaseMs` (and wakes every other hub with a `poll` notification, so they poll
 * too). While the lease lasts the events trigger sends nothing, and the hub reads every `pollMs`. Once the lease has
 * passed, a writer that saw it valid may still be committing: its xid was assigned before its check, hence before the
 * hub saw the lease passed, so the hub takes a fresh xid X and keeps polling until every xid below X has finished
 * (`pg_snapshot_xmin` > X), reading once more after that. Then it waits for a notification again: the next writer
 * sees the lease passed and notifies. Correctness never rests on the lease — the hub reads from its position, so a
 * late wake-up delays an event, never loses or doubles it; the safety round bounds any delay (decision 0013).
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
  /** While the lease has passed: the xid taken then; polling stops once every older transaction has finished. */
  private closing: bigint | null = null;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly safetyPollMs: number;

  constructor(
    private readonly handle: DbHandle,
    opts: HubOptions = {},
  ) {
    this.leaseMs = opts.leaseMs ?? LEASE_MS;
    this.pollMs = opts.pollMs ?? POLL_MS;
    this.safetyPollMs = opts.safetyPollMs ?? SAFETY_POLL_MS;
  }

  /** PGlite runs one transaction at a time: no commit to contend for, and a poll would only queue behind requests. */
  private get leases(): boolean {
    return this.handle.client.kind === "postgres";
  }

  get size(): number {
    return this.listeners.size;
  }

  /** True while the hub polls on a timer (a lease lasts, or its last writers may still commit): diagnostics, tests. */
  get polling(): boolean {
    return this.retry !== null || this.pumping !== null;
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
    }, this.safetyPollMs);
    this.safety.unref?.();
    // Another hub may hold the poll lease already (writers are silent then): one round reads it and polls if so.
    if (this.leases) void this.wake();
  }

  private async pump(): Promise<void> {
    if (!this.position) return;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    let delivered = 0;
    let waiting = false;
    try {
      // The lease first: its snapshot's xmin is at most the reads' horizon, so "xmin > X" below means the reads
      // that follow cover every transaction older than X.
      const lease = this.leases ? await this.leaseState() : null;
      for (;;) {
        const from = this.position;
        if (!from) return; // closed while this round awaited the database
        const batch = await readAfter(this.handle.db, from, BATCH);
        if (!this.position) return;
        if (delivered + batch.rows.length > RESET_AFTER) {
          // Too far behind (a listener away for long): skip to now, and tell every stream what was skipped. Each one
          // replays its own share (its scope, from its own position) and only a stream that missed more than it may
          // replay resets its client: a skip of others' events resets nobody.
          const to = await positionNow(this.handle.db);
          if (!this.position) return;
          this.position = to;
          log.warn("realtime: hub backlog skipped, streams catch up on their own", { from: from.id, to: to.id });
          this.control((ctl) => ctl.reset?.(to, from));
          this.again = true; // what committed while the skip was decided is read at once (and a lease's polling decided then)
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
          waiting = batch.waiting;
          break;
        }
      }
      const polling = lease ? await this.afterRound(lease, delivered > 0 || waiting) : false;
      // Polling never keeps a process alive on its own (a server's sockets do).
      if (polling) (this.retry = setTimeout(() => void this.wake(), this.pollMs)).unref?.();
      else if (waiting) this.retry = setTimeout(() => void this.wake(), WAITING_RETRY_MS);
    } catch (err) {
      if (connectionEnded(err)) {
        // The handle was closed (shutdown, a test's database dropped): nothing to poll any more.
        log.warn("realtime: database closed, hub stopped");
        void this.close().catch(() => {});
        return;
      }
      if (!this.position) return; // closed during the round: its queries may fail, nothing is owed to anyone
      log.error("realtime: reading the outbox failed", { error: String(err) });
      this.retry = setTimeout(() => void this.wake(), 1_000);
    }
  }

  /** The lease after a round: take or extend it while events flow, close it when it has passed. True: poll again. */
  private async afterRound(lease: LeaseState, active: boolean): Promise<boolean> {
    const left = lease.until - lease.now;
    if (active && this.listeners.size > 0 && left < this.leaseMs / 2) {
      this.closing = null;
      await queryRows(
        this.handle.db,
        sql`SELECT setval('fieldbeat_events_poll_until', (extract(epoch FROM clock_timestamp()) * 1000)::bigint + ${this.leaseMs}::bigint),
                   pg_notify(${EVENTS_CHANNEL}, 'poll')`,
      );
      return true;
    }
    if (left > 0) {
      this.closing = null;
      return true;
    }
    if (this.closing === null) {
      // Any writer that saw the lease valid got its xid before this: wait for every xid below a fresh one.
      const [row] = await queryRows<{ x: string }>(this.handle.db, sql`SELECT pg_current_xact_id()::text AS x`);
      this.closing = BigInt(row!.x);
      return true;
    }
    if (lease.xmin > this.closing) {
      this.closing = null;
      return false;
    }
    return true;
  }

  private async leaseState(): Promise<LeaseState> {
    const [row] = await queryRows<{ until: string; now: string; xmin: string }>(this.handle.db, LEASE_STATE);
    return { until: Number(row!.until), now: Number(row!.now), xmin: BigInt(row!.xmin) };
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
    this.closing = null;
    await this.stop?.();
    this.stop = null;
    this.started = null;
    this.position = null;
  }
}

/** postgres.js refuses queries on a client that was ended (drizzle wraps its error as the `cause`). */
function connectionEnded(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if ((e as { code?: unknown }).code === "CONNECTION_ENDED") return true;
  }
  return false;
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
