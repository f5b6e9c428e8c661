import "server-only";
import postgres, { type Sql } from "postgres";
import { log } from "../log";

/**
 * One LISTEN connection with a **barrier**: `barrier()` resolves true once a round trip on that connection that
 * started after the call has completed. PostgreSQL sends an idle listener every notification committed before it
 * answers the next query, so once the barrier returns, every change committed before the caller arrived has been
 * delivered to `onMessage`. Callers arriving together share one barrier (one `SELECT 1` per batch).
 * `onMessage(null)` means "anything may have changed" (first LISTEN, a dropped connection, a failure): drop all.
 * Used by the per-process caches that a trigger's NOTIFY invalidates (actor cache, organisation settings).
 */
export class NotifyListener {
  private conn: Sql | null = null;
  private listening: Promise<void> | null = null;
  private inflight: Promise<boolean> | null = null;
  private next: Promise<boolean> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly appName: string,
    private readonly onMessage: (payload: string | null) => void,
  ) {}

  /** True while LISTEN is established (a value stored now will hear its invalidation). */
  get active(): boolean {
    return this.listening !== null && !this.closed;
  }

  /** Starts listening (if not yet) without waiting. */
  start(): void {
    if (!this.listening && !this.closed) void this.barrier();
  }

  barrier(): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (!this.inflight) return this.startBarrier();
    // One is in flight, but it started before this call: wait for the next one (shared by everyone waiting).
    this.next ??= this.inflight.then(() => {
      this.next = null;
      return this.startBarrier();
    });
    return this.next;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.onMessage(null);
    await this.conn?.end({ timeout: 1 });
    this.conn = null;
  }

  private startBarrier(): Promise<boolean> {
    const p = this.roundTrip().finally(() => {
      if (this.inflight === p) this.inflight = null;
    });
    this.inflight = p;
    return p;
  }

  private async roundTrip(): Promise<boolean> {
    try {
      const conn = this.connection();
      this.listening ??= conn.unsafe(`LISTEN ${this.channel}`).then(() => this.onMessage(null));
      await this.listening;
      await conn`SELECT 1`;
      return this.listening !== null;
    } catch (err) {
      this.listening = null;
      this.onMessage(null);
      log.warn(`${this.appName}: listener unavailable, reading the database`, { error: err instanceof Error ? err.message : String(err) });
      return false;
    }
  }

  private connection(): Sql {
    if (this.conn) return this.conn;
    this.conn = postgres(this.url, {
      max: 1,
      // Closed after a quiet minute (tests, idle servers); the next request re-listens on a fresh, empty cache.
      idle_timeout: 60,
      max_lifetime: null,
      fetch_types: false,
      connection: { application_name: this.appName },
      onnotice: () => {},
      onnotify: (_channel: string, payload: string) => this.onMessage(payload),
      // The connection dropped: LISTEN is gone with it, and whatever changed meanwhile is unknown.
      onclose: () => {
        this.listening = null;
        this.onMessage(null);
      },
    } as Parameters<typeof postgres>[1]);
    return this.conn;
  }
}
